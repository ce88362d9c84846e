import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UploadError, uploadBlocks } from "../src/upload/engine.js";
import type { UploadProgress } from "../src/upload/engine.js";
import { blockId, blockListXml, planBlocks, putBlockUrl } from "../src/upload/plan.js";
import { fetchTransport } from "../src/upload/transport.js";
import type { Transport } from "../src/upload/transport.js";
import { startBlockBlobServer } from "./block-blob-server.js";
import type { BlockBlobServer } from "./block-blob-server.js";

const KIB = 1024;
const fastRetry = { initialMs: 5, maxMs: 20 };

describe("block planning", () => {
  it("splits a file into equal blocks with a short last one and equal-length ids", () => {
    const plan = planBlocks(100 * KIB + 1, 10 * KIB);
    expect(plan).toHaveLength(11);
    expect(plan[10]).toMatchObject({ index: 10, start: 100 * KIB, end: 100 * KIB + 1 });
    expect(new Set(plan.map((b) => b.id.length)).size).toBe(1);
    expect(new Set(plan.map((b) => b.id)).size).toBe(11);
    expect(plan.every((b, i) => i === 0 || b.start === plan[i - 1]!.end)).toBe(true);
  });

  it("plans 100 MiB in 8 MiB blocks as 13 blocks", () => {
    expect(planBlocks(100 * 1024 * KIB, 8 * 1024 * KIB)).toHaveLength(13);
  });

  it("refuses empty files, bad block sizes and more blocks than a blob may have", () => {
    expect(() => planBlocks(0, 10)).toThrow(RangeError);
    expect(() => planBlocks(10, 0)).toThrow(RangeError);
    expect(() => planBlocks(50_001, 1)).toThrow(/50000-block limit/);
  });

  it("builds Put Block URLs on the SAS URL and the block list in order", () => {
    const url = putBlockUrl("https://acct.blob.core.windows.net/uploads/u/j?sv=1&sig=a%2Bb", blockId(3));
    const parsed = new URL(url);
    expect(parsed.searchParams.get("sig")).toBe("a+b");
    expect(parsed.searchParams.get("comp")).toBe("block");
    expect(parsed.searchParams.get("blockid")).toBe(blockId(3));
    expect(blockListXml(planBlocks(3, 1))).toBe(
      `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${blockId(0)}</Latest><Latest>${blockId(1)}</Latest><Latest>${blockId(2)}</Latest></BlockList>`,
    );
  });
});

describe("upload engine against a Put Block / Put Block List server", () => {
  let server: BlockBlobServer;
  beforeEach(async () => (server = await startBlockBlobServer()));
  afterEach(() => server.close());

  const file = (bytes: number) => new Blob([randomBytes(bytes)]);
  const committed = () => server.committed.get("/uploads/alice/job-1");

  it("uploads every block, at most `concurrency` at once, then commits them in order", async () => {
    server.delayMs = 20;
    const blob = file(200 * KIB + 123);
    const outcome = await uploadBlocks({
      url: server.url,
      file: blob,
      contentType: "application/pdf",
      blockSizeBytes: 16 * KIB,
      transport: fetchTransport,
      concurrency: 4,
    });
    expect(outcome).toMatchObject({ blocks: 13, retries: 0 });
    expect(Buffer.compare(committed()!, Buffer.from(await blob.arrayBuffer()))).toBe(0);
    expect(server.maxConcurrent).toBe(4);
    expect(server.log.filter((l) => l.comp === "block")).toHaveLength(13);
    expect(server.log.at(-1)).toEqual({ comp: "blocklist", status: 201 });
  });

  it("retries a block after a 503 and after a dropped connection, and says so in progress", async () => {
    server.script.set(blockId(2), [503, "drop"]);
    const blob = file(64 * KIB);
    const seen: UploadProgress[] = [];
    const outcome = await uploadBlocks({
      url: server.url,
      file: blob,
      contentType: "application/pdf",
      blockSizeBytes: 16 * KIB,
      transport: fetchTransport,
      backoff: fastRetry,
      onProgress: (p) => seen.push({ ...p }),
    });
    expect(outcome.retries).toBe(2);
    expect(server.log.filter((l) => l.blockId === blockId(2)).map((l) => l.status)).toEqual([503, 0, 201]);
    expect(Buffer.compare(committed()!, Buffer.from(await blob.arrayBuffer()))).toBe(0);
    expect(seen.at(-1)).toMatchObject({
      loaded: 64 * KIB,
      total: 64 * KIB,
      blocksDone: 4,
      blocks: 4,
      retries: 2,
    });
  });

  it("gives up after maxAttempts with a retryable error, and fails at once on a 403 (expired SAS)", async () => {
    server.script.set(blockId(0), [500, 500, 500]);
    const err = await uploadBlocks({
      url: server.url,
      file: file(10),
      contentType: "text/plain",
      blockSizeBytes: 16,
      transport: fetchTransport,
      maxAttempts: 3,
      backoff: fastRetry,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err).toMatchObject({ status: 500, retryable: true });
    expect(server.log).toHaveLength(3);

    server.log.length = 0;
    server.script.set(blockId(1), [403]);
    const denied = await uploadBlocks({
      url: server.url,
      file: file(64),
      contentType: "text/plain",
      blockSizeBytes: 16,
      transport: fetchTransport,
      concurrency: 1,
      backoff: fastRetry,
    }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ name: "UploadError", status: 403, retryable: false });
    // Nothing after the refusal: no further blocks, no block list.
    expect(server.log.map((l) => l.status)).toEqual([201, 403]);
  });

  it("cancels: aborting stops requests in flight and commits nothing", async () => {
    server.delayMs = 200;
    const controller = new AbortController();
    const promise = uploadBlocks({
      url: server.url,
      file: file(256 * KIB),
      contentType: "application/pdf",
      blockSizeBytes: 16 * KIB,
      transport: fetchTransport,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const err = await promise.catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    await new Promise((r) => setTimeout(r, 300));
    expect(committed()).toBeUndefined();
    expect(server.log.filter((l) => l.comp === "block" && l.status === 201).length).toBeLessThan(16);
    expect(server.log.some((l) => l.comp === "blocklist")).toBe(false);
  });

  it("aggregates partial progress across parallel blocks and restarts a retried block from zero", async () => {
    server.script.set(blockId(1), [503]);
    const halfways: number[] = [];
    // fetch has no upload progress: report half of each body first, as XHR's progress events would.
    const halfReporting: Transport = async (request) => {
      if (typeof request.body !== "string") request.onProgress?.(request.body.size / 2);
      return fetchTransport(request);
    };
    const seen: number[] = [];
    await uploadBlocks({
      url: server.url,
      file: file(64 * KIB),
      contentType: "application/pdf",
      blockSizeBytes: 16 * KIB,
      transport: halfReporting,
      concurrency: 2,
      backoff: fastRetry,
      onProgress: (p) => {
        seen.push(p.loaded);
        if (p.loaded % (16 * KIB) !== 0) halfways.push(p.loaded);
      },
    });
    expect(halfways.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBe(64 * KIB);
    expect(seen.at(-1)).toBe(64 * KIB);
    // The retried block dropped back: loaded went down at least once.
    expect(seen.some((v, i) => i > 0 && v < seen[i - 1]!)).toBe(true);
  });
});
