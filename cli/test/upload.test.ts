import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "../src/errors.js";
import { blockId } from "../src/upload/block-plan.js";
import { uploadInBlocks } from "../src/upload/put-blocks.js";
import { RetryableError, backoffMs, retryAfterMs, withRetry } from "../src/upload/retry.js";
import { startBlockServer } from "./fake-blob-server.js";

let dir: string;
let file: string;
const content = randomBytes(1_000_003);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-upload-"));
  file = path.join(dir, "doc.bin");
  await writeFile(file, content);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

describe("block upload", () => {
  it("streams every block with its exact length, at most 4 at a time, and commits them in order", async () => {
    const server = await startBlockServer();
    try {
      let bytes = 0;
      const { blocks } = await uploadInBlocks({
        url: server.url,
        path: file,
        sizeBytes: content.length,
        blockSizeBytes: 100_000,
        contentType: "application/pdf",
        onBytes: (n) => (bytes += n),
        retry: FAST,
      });
      expect(blocks).toBe(11);
      expect(server.committed?.equals(content)).toBe(true);
      expect(server.maxInFlight).toBe(4);
      const puts = server.requests.filter((r) => r.comp === "block");
      expect(puts).toHaveLength(11);
      expect(puts.every((r) => r.contentLength === (r.blockid === blockId(10) ? "3" : "100000"))).toBe(true);
      const list = server.requests.find((r) => r.comp === "blocklist")!;
      expect(list.headers["x-ms-blob-content-type"]).toBe("application/pdf");
      expect(bytes).toBe(content.length);
    } finally {
      await server.close();
    }
  });

  it("retries a block the server answers 503 to, re-reading it from disk, and counts its bytes once", async () => {
    const server = await startBlockServer({ failFirst: new Map([[blockId(2), 2]]) });
    try {
      let bytes = 0;
      const retries: string[] = [];
      await uploadInBlocks({
        url: server.url,
        path: file,
        sizeBytes: content.length,
        blockSizeBytes: 250_000,
        contentType: "application/pdf",
        onBytes: (n) => (bytes += n),
        onRetry: (what, attempt) => retries.push(`${what}#${attempt}`),
        retry: FAST,
      });
      expect(server.attempts.get(blockId(2))).toBe(3);
      expect(retries).toEqual(["block 3#1", "block 3#2"]);
      expect(server.committed?.equals(content)).toBe(true);
      expect(bytes).toBe(content.length);
    } finally {
      await server.close();
    }
  });

  it("gives up after the last attempt", async () => {
    const server = await startBlockServer({ failFirst: new Map([[blockId(0), 99]]) });
    try {
      await expect(
        uploadInBlocks({
          url: server.url,
          path: file,
          sizeBytes: content.length,
          blockSizeBytes: 2_000_000,
          contentType: "text/plain",
          retry: FAST,
        }),
      ).rejects.toThrow(/block 1 of 1: HTTP 503/);
      expect(server.attempts.get(blockId(0))).toBe(4);
      expect(server.requests.some((r) => r.comp === "blocklist")).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("does not retry a refused SAS and says how to get a fresh one", async () => {
    const server = await startBlockServer({ refuseAll: 403 });
    try {
      const err = await uploadInBlocks({
        url: server.url,
        path: file,
        sizeBytes: content.length,
        blockSizeBytes: 2_000_000,
        contentType: "text/plain",
        retry: FAST,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toBe(
        "Blob storage refused block 1 of 1 (HTTP 403 AuthenticationFailed Signed expiry time has passed.). The upload URL may have expired: run the same submit again for a fresh one.",
      );
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("retries a connection that is refused", async () => {
    const server = await startBlockServer();
    const url = server.url;
    await server.close();
    const retries: string[] = [];
    await expect(
      uploadInBlocks({
        url,
        path: file,
        sizeBytes: content.length,
        blockSizeBytes: 2_000_000,
        contentType: "text/plain",
        retry: FAST,
        onRetry: (_w, _a, _d, why) => retries.push(why),
      }),
    ).rejects.toThrow(RetryableError);
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/ECONNREFUSED/);
  });
});

describe("retry policy", () => {
  it("stops at once on an error that is not retryable", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new Error("permanent");
      }, FAST),
    ).rejects.toThrow("permanent");
    expect(calls).toBe(1);
  });

  it("honours Retry-After and caps backoff", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(backoffMs(10, { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 }, () => 1)).toBe(10_000);
    expect(backoffMs(2, { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 }, () => 0.5)).toBe(500);
  });
});
