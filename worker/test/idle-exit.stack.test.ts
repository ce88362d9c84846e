import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { Harness, sleep, waitUntil } from "./helpers/harness.js";
import { ScriptedDocuments } from "./helpers/scripted-documents.js";

// A KEDA ScaledJob's worker (WORKER_MAX_JOBS=1) may be started for a message another Job
// already holds: KEDA counts locked messages. It must not wait for a message forever.
let harness: Harness;
let documents: ScriptedDocuments;
let dir: string;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  harness = await Harness.start();
  documents = new ScriptedDocuments(harness.documents);
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-idle-exit-"));
});

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.close()));
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

const start = async () => {
  const worker = await startWorker(harness.config(), { deps: { documents }, maxJobs: 1, idleExitMs: 1000 });
  workers.push(worker);
  return worker;
};

describe("a one-message worker with an idle exit (WORKER_IDLE_EXIT_SECONDS)", () => {
  it("is done when no message comes within the idle time, and takes none afterwards", async () => {
    const worker = await start();
    await expect(worker.done).resolves.toBe("idle for 1 s");
    const { job, task } = await harness.submitFile((await writeInvoice(dir, "text", 31)).file, "text", {
      send: false,
    });
    await harness.send(task);
    await sleep(1500);
    expect((await harness.job(job.id)).status).toBe("QUEUED");
    expect(harness.runtime().activeMessageCount).toBe(1);

    // The next Job's worker takes it; a job longer than the idle time is not cut short.
    documents.script(job.blob.name, { kind: "slow", totalMs: 2500, sizeBytes: task.blob.sizeBytes });
    const next = await start();
    await expect(next.done).resolves.toBe("WORKER_MAX_JOBS reached");
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 30_000);
    expect(done.status).toBe("COMPLETED");
    expect(done.attempt).toBe(1);
    await waitUntil("the message to be gone", () => harness.runtime().activeMessageCount === 0);
  });
});
