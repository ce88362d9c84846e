import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_MESSAGE_REASON, MESSAGE_SCHEMA_VERSION, uploadBlobName } from "@docsift/core";
import type { ErrorCode } from "@docsift/core";
import {
  writeCorruptPdf,
  writeTextPdf,
  writeTruncatedDocx,
  writeZipBombDocx,
} from "@docsift/extraction/testing";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { Harness, waitUntil } from "./helpers/harness.js";
import type { CONTENT_TYPES } from "./helpers/harness.js";

let harness: Harness;
let worker: RunningWorker;
let dir: string;
let tempDir: string;

beforeAll(async () => {
  harness = await Harness.start();
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-failures-"));
  tempDir = await mkdtemp(path.join(os.tmpdir(), "worker-failures-tmp-"));
  worker = await startWorker(harness.config({ TEMP_DIR: tempDir, MAX_PAGES: "3" }));
});

afterAll(async () => {
  await worker?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(tempDir, { recursive: true, force: true });
});

async function expectPermanentFailure(file: string, kind: keyof typeof CONTENT_TYPES, code: ErrorCode) {
  const { job } = await harness.submitFile(file, kind);
  const failed = await harness.waitForStatus(job.id, ["FAILED", "COMPLETED"]);
  expect(failed.status).toBe("FAILED");
  expect(failed.error).toMatchObject({ code, permanent: true });
  expect(failed.error?.message).toBeTruthy();
  expect(failed.history.at(-1)).toMatchObject({ from: "PROCESSING", to: "FAILED", reason: code, attempt: 1 });
  const dead = await harness.takeDeadLetters();
  expect(dead.map((m) => m.deadLetterReason)).toEqual([code]);
  expect((dead[0]!.body as { jobId: string }).jobId).toBe(job.id);
  expect(dead[0]!.deadLetterErrorDescription).toBeTruthy();
  const events = await harness.eventsOf(job.id);
  expect(events.map((e) => e.type)).toEqual(["job.processing", "job.failed"]);
  expect(events[1]!.summary.error?.code).toBe(code);
  return failed;
}

describe("documents that cannot be processed fail for good, with the right code", () => {
  it("corrupt PDF → CORRUPT_DOCUMENT", async () => {
    const file = path.join(dir, "corrupt.pdf");
    await writeCorruptPdf(file);
    await expectPermanentFailure(file, "pdf", "CORRUPT_DOCUMENT");
  });

  it("truncated DOCX → CORRUPT_DOCUMENT", async () => {
    const file = path.join(dir, "truncated.docx");
    await writeTruncatedDocx(file);
    await expectPermanentFailure(file, "docx", "CORRUPT_DOCUMENT");
  });

  it("zip bomb DOCX → DOCUMENT_TOO_LARGE, without inflating it", async () => {
    const file = path.join(dir, "bomb.docx");
    await writeZipBombDocx(file, 700 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    await expectPermanentFailure(file, "docx", "DOCUMENT_TOO_LARGE");
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("empty file → EMPTY_DOCUMENT", async () => {
    const file = path.join(dir, "empty.txt");
    await writeFile(file, "");
    await expectPermanentFailure(file, "text", "EMPTY_DOCUMENT");
  });

  it("wrong magic bytes (binary announced as PDF) → UNSUPPORTED_DOCUMENT", async () => {
    const file = path.join(dir, "binary.pdf");
    await writeFile(file, Buffer.concat([Buffer.from([0x00, 0x01, 0x02, 0x03]), randomBytes(4096)]));
    await expectPermanentFailure(file, "pdf", "UNSUPPORTED_DOCUMENT");
  });

  it("more pages than MAX_PAGES → TOO_MANY_PAGES, with the count in the user's message", async () => {
    const file = path.join(dir, "five-pages.pdf");
    await writeTextPdf(file, [["one"], ["two"], ["three"], ["four"], ["five"]]);
    const failed = await expectPermanentFailure(file, "pdf", "TOO_MANY_PAGES");
    expect(failed.error?.message).toMatch(/5 pages/);
  });

  it("blob deleted after submit → DOCUMENT_MISSING, without the blob path in the user's message", async () => {
    const { file } = await writeInvoice(dir, "text", 7);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    await harness.documents.remove(job.blob.container, job.blob.name);
    await harness.send(task);
    const failed = await harness.waitForStatus(job.id, ["FAILED"]);
    expect(failed.error?.code).toBe("DOCUMENT_MISSING");
    expect(failed.error?.message).not.toContain(job.blob.name);
    expect((await harness.takeDeadLetters()).map((m) => m.deadLetterReason)).toEqual(["DOCUMENT_MISSING"]);
  });
});

describe("messages that are not tasks", () => {
  it("dead-letters a body that breaks the contract with InvalidMessage at once", async () => {
    await harness.sendRaw({ schemaVersion: MESSAGE_SCHEMA_VERSION, jobId: "not-a-uuid" });
    await harness.sendRaw("definitely not json");
    const dead = await harness.takeDeadLetters();
    expect(dead.map((m) => m.deadLetterReason)).toEqual([INVALID_MESSAGE_REASON, INVALID_MESSAGE_REASON]);
    expect(dead[0]!.deadLetterErrorDescription).toMatch(/jobId/);
    expect(await worker.metrics.count("invalid")).toBe(2);
    expect(await worker.metrics.count("retried")).toBe(0);
  });

  it("drops a task whose job no longer exists (completed, not dead-lettered)", async () => {
    const { file } = await writeInvoice(dir, "text", 8);
    const { task } = await harness.submitFile(file, "text", { send: false });
    const skippedBefore = await worker.metrics.count("skipped");
    const goneJobId = randomUUID();
    // A well-formed task (its blob named after its job) for a job that is not there.
    await harness.send({
      ...task,
      jobId: goneJobId,
      blob: { ...task.blob, name: uploadBlobName(task.userId, goneJobId) },
    });
    await waitUntil(
      "the task to be dropped",
      async () => (await worker.metrics.count("skipped")) > skippedBefore,
    );
    await waitUntil("the queue to empty", () => harness.runtime().activeMessageCount === 0);
    expect(await harness.takeDeadLetters(500)).toEqual([]);
  });
});

describe("after all of that", () => {
  it("keeps serving: the next good document completes, and no temp file is left", async () => {
    const { file } = await writeInvoice(dir, "pdf", 9);
    const { job } = await harness.submitFile(file, "pdf");
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
    expect(done.status).toBe("COMPLETED");
    expect(worker.ready).toBe(true);
    expect(await worker.metrics.count("failed")).toBe(7);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
