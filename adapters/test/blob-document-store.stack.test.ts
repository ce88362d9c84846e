import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DocsiftError, MIB } from "@docsift/core";
import { BlobDocumentStore } from "../src/index.js";

const env = inject("stackEnv");
const service = BlobServiceClient.fromConnectionString(env.STORAGE_CONNECTION_STRING!);
const store = new BlobDocumentStore(service);
const container = "uploads";

/** A deterministic pseudo-random stream of `size` bytes, generated chunk by chunk (never held whole). */
function generated(size: number, seed: number): Readable {
  let sent = 0;
  let state = seed;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(1 * MIB, size - sent);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i += 4) {
        state = (state * 1664525 + 1013904223) >>> 0;
        chunk.writeUInt32LE(state, i);
      }
      sent += n;
      this.push(chunk);
    },
  });
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(stream, hash);
  return hash.digest("hex");
}

const created: string[] = [];
afterAll(async () => {
  for (const name of created) await store.remove(container, name);
});

describe("BlobDocumentStore against Azurite", () => {
  it("round-trips 100 MiB streamed, with equal sha256 and bounded memory", async () => {
    const name = `it/${randomUUID()}`;
    created.push(name);
    const size = 100 * MIB;
    const expected = await sha256Of(generated(size, 7));
    const rssBefore = process.memoryUsage().rss;
    const props = await store.upload(container, name, generated(size, 7), {
      contentType: "application/pdf",
      maxBytes: size,
    });
    expect(props.sizeBytes).toBe(size);
    const actual = await sha256Of(await store.download(container, name));
    expect(actual).toBe(expected);
    // Streaming keeps growth far below the document size (a buffered copy would add ≥ 100 MiB).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(80 * MIB);
  });

  it("refuses a stream over the cap while streaming and leaves no blob behind", async () => {
    const name = `it/${randomUUID()}`;
    await expect(
      store.upload(container, name, generated(3 * MIB, 1), { contentType: "text/plain", maxBytes: 1 * MIB }),
    ).rejects.toSatisfy((e) => e instanceof DocsiftError && e.code === "DOCUMENT_TOO_LARGE");
    expect(await store.properties(container, name)).toBeUndefined();
  });

  it("grants a write-only SAS for exactly one blob", async () => {
    const name = `it/${randomUUID()}`;
    created.push(name);
    const grant = await store.grantUpload(container, name, 5 * 60_000);
    expect(grant.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const body = randomBytes(1024);
    const put = await fetch(grant.url, { method: "PUT", body, headers: { "x-ms-blob-type": "BlockBlob" } });
    expect(put.status).toBe(201);
    const get = await fetch(grant.url);
    expect(get.status).toBe(403);
    const other = grant.url.replace(name, `it/${randomUUID()}`);
    const putOther = await fetch(other, { method: "PUT", body, headers: { "x-ms-blob-type": "BlockBlob" } });
    expect(putOther.status).toBe(403);
    const del = await fetch(grant.url, { method: "DELETE" });
    expect(del.status).toBe(403);
    expect((await store.readHead(container, name, 16)).equals(body.subarray(0, 16))).toBe(true);
  });

  it("supports the block upload the PWA does (Put Block + Put Block List) with the SAS", async () => {
    const name = `it/${randomUUID()}`;
    created.push(name);
    const grant = await store.grantUpload(container, name, 60_000);
    const blocks = [randomBytes(1000), randomBytes(500)];
    const ids = blocks.map((_, i) => Buffer.from(`block-${String(i).padStart(6, "0")}`).toString("base64"));
    for (const [i, block] of blocks.entries()) {
      const r = await fetch(`${grant.url}&comp=block&blockid=${encodeURIComponent(ids[i]!)}`, {
        method: "PUT",
        body: block,
      });
      expect(r.status).toBe(201);
    }
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`;
    const commit = await fetch(`${grant.url}&comp=blocklist`, { method: "PUT", body: list });
    expect(commit.status).toBe(201);
    expect((await store.properties(container, name))?.sizeBytes).toBe(1500);
  });

  it("refuses an expired SAS", async () => {
    const name = `it/${randomUUID()}`;
    const grant = await store.grantUpload(container, name, 1000);
    await new Promise((r) => setTimeout(r, 2100));
    const put = await fetch(grant.url, {
      method: "PUT",
      body: "x",
      headers: { "x-ms-blob-type": "BlockBlob" },
    });
    expect(put.status).toBe(403);
  });

  it("refuses SAS lifetimes over 15 minutes", async () => {
    await expect(store.grantUpload(container, "x", 16 * 60_000)).rejects.toThrow(RangeError);
  });

  it("revokes a blob's upload grants with a leased tombstone, idempotently, also where nothing was uploaded", async () => {
    const holder = randomUUID();
    for (const uploadFirst of [true, false]) {
      const name = `it/${randomUUID()}`;
      const grant = await store.grantUpload(container, name, 60_000);
      const put = (body: string) =>
        fetch(grant.url, { method: "PUT", body, headers: { "x-ms-blob-type": "BlockBlob" } });
      if (uploadFirst) expect((await put("the document")).status).toBe(201);
      await store.revokeUploads(container, name, holder);
      await store.revokeUploads(container, name, holder);
      expect((await put("written after the delete")).status).toBe(412);
      expect(await store.properties(container, name)).toMatchObject({ sizeBytes: 0 });
      // Another holder cannot take the tombstone over.
      await expect(store.revokeUploads(container, name, randomUUID())).rejects.toMatchObject({
        statusCode: 409,
      });
      const blob = service.getContainerClient(container).getBlobClient(name);
      await blob.delete({ conditions: { leaseId: holder } });
    }
  });

  it("reports missing documents as absent and removes idempotently", async () => {
    const name = `it/${randomUUID()}`;
    expect(await store.properties(container, name)).toBeUndefined();
    await expect(store.download(container, name)).rejects.toSatisfy(
      (e) => e instanceof DocsiftError && e.code === "DOCUMENT_MISSING",
    );
    await store.remove(container, name);
  });
});
