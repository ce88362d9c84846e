import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { withoutSystemProperties } from "@docsift/adapters";
import type { createCosmosClient } from "@docsift/adapters";
import { COSMOS } from "@docsift/core";

// @vercel/cosmosdb-server keeps everything in memory and has no persistence of its own, so the
// stack copies the documents out through the SDK and writes them back after a start. A copy is
// taken when the stack stops and every minute while it runs: a crash loses at most that minute.

type CosmosClient = ReturnType<typeof createCosmosClient>;
type Snapshot = Record<string, Record<string, unknown>[]>;

export async function saveCosmosSnapshot(
  client: CosmosClient,
  database: string,
  file: string,
): Promise<number> {
  const snapshot: Snapshot = {};
  let count = 0;
  for (const c of Object.values(COSMOS.containers)) {
    const { resources } = await client.database(database).container(c.name).items.readAll().fetchAll();
    snapshot[c.name] = resources.map((r) => withoutSystemProperties(r as Record<string, unknown>));
    count += resources.length;
  }
  await mkdir(path.dirname(file), { recursive: true });
  // Written aside, then renamed: a stop in the middle never leaves half a snapshot.
  await writeFile(`${file}.tmp`, JSON.stringify(snapshot));
  await rename(`${file}.tmp`, file);
  return count;
}

/** Writes a snapshot's documents back (upserts, so loading twice is harmless); 0 when there is none. */
export async function loadCosmosSnapshot(
  client: CosmosClient,
  database: string,
  file: string,
): Promise<number> {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(await readFile(file, "utf8")) as Snapshot;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw new Error(`the Cosmos snapshot ${file} cannot be read (delete it to start empty): ${String(err)}`);
  }
  let count = 0;
  for (const c of Object.values(COSMOS.containers)) {
    const container = client.database(database).container(c.name);
    for (const doc of snapshot[c.name] ?? []) {
      // Service Bus messages are not kept: a job that was queued lost its task. Marked as never
      // sent, it is sent again by the functions host's redispatch timer, the path a crash
      // between the QUEUED write and the send takes (same message id, so nothing runs twice).
      if (c.name === COSMOS.containers.jobs.name && doc.status === "QUEUED") delete doc.dispatched;
      await container.items.upsert(doc);
      count++;
    }
  }
  return count;
}
