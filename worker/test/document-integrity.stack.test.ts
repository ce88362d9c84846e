import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_MESSAGE_REASON, uploadBlobName } from "@docsift/core";
import type { ErrorCode, InferenceTask } from "@docsift/core";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { CONTENT_TYPES, Harness, waitUntil } from "./helpers/harness.js";
import { ScriptedDocuments } from "./helpers/scripted-documents.js";

let harness: Harness;
let documents: ScriptedDocuments;
let worker: RunningWorker;
let dir: string;

beforeAll(async () => {
  harness = await Harness.start();
  documents = new ScriptedDocuments(harness.documents);
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-integrity-"));
  worker = await startWorker(harness.config(), { deps: { documents } });
});

afterAll(async () => {
  await worker?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function expectFailedOnFirstDelivery(jobId: string, blobName: string, code: ErrorCode) {
  const failed = await harness.waitForStatus(jobId, ["FAILED", "COMPLETED"]);
  expect(failed.status).toBe("FAILED");
  expect(failed.error).toMatchObject({ code, permanent: true });
  expect(failed.history.at(-1)).toMatchObject({ from: "PROCESSING", to: "FAILED", reason: code, attempt: 1 });
  const dead = await harness.takeDeadLetters();
  expect(dead.map((m) => m.deadLetterReason)).toEqual([code]);
  expect((dead[0]!.body as InferenceTask).jobId).toBe(jobId);
  expect(documents.downloads.get(blobName) ?? 0).toBeLessThanOrEqual(1);
  const events = await harness.eventsOf(jobId);
  expect(events.map((e) => e.type)).toEqual(["job.processing", "job.failed"]);
  return failed;
}

const overwrite = (blobName: string, body: Readable, kind: keyof typeof CONTENT_TYPES) =>
  harness.documents.upload("uploads", blobName, body, {
    contentType: CONTENT_TYPES[kind],
    maxBytes: 10 * 1024 * 1024,
  });

describe("the document the worker reads is the one that was submitted", () => {
  it("a blob overwritten after submit (same bytes, new version) → DOCUMENT_CHANGED, dead-lettered", async () => {
    const { file } = await writeInvoice(dir, "text", 31);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    expect(task.blob.etag).toBeTruthy();
    // Through the upload SAS that is still valid: same size, so only the version tells.
    await overwrite(job.blob.name, createReadStream(file), "text");
    await harness.send(task);
    const failed = await expectFailedOnFirstDelivery(job.id, job.blob.name, "DOCUMENT_CHANGED");
    expect(failed.error?.message).not.toContain(job.blob.name);
  });

  it("a blob of another size than submitted (task without a version) → DOCUMENT_CHANGED, not retried", async () => {
    const { file } = await writeInvoice(dir, "text", 32);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    await overwrite(job.blob.name, Readable.from([Buffer.from("Invoice INV-1\nTotal 10.00 EUR\n")]), "text");
    const { etag: _submitted, ...unversioned } = task.blob;
    await harness.send({ ...task, blob: unversioned });
    await expectFailedOnFirstDelivery(job.id, job.blob.name, "DOCUMENT_CHANGED");
  });

  it("content of another kind than submitted → UNSUPPORTED_DOCUMENT", async () => {
    const { file } = await writeInvoice(dir, "text", 33);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    await harness.send({ ...task, documentKind: "pdf" });
    const failed = await expectFailedOnFirstDelivery(job.id, job.blob.name, "UNSUPPORTED_DOCUMENT");
    expect(failed.error?.message).toMatch(/text/);
  });
});

describe("a task that points at another blob than its job's upload", () => {
  it.each([
    [
      "another job's blob name",
      (t: InferenceTask) => ({ ...t.blob, name: uploadBlobName(t.userId, randomUUID()) }),
    ],
    ["another container", (t: InferenceTask) => ({ ...t.blob, container: "models" })],
  ])("is dead-lettered as InvalidMessage: %s", async (_what, blob) => {
    const { file } = await writeInvoice(dir, "text", 34);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    const invalidBefore = await worker.metrics.count("invalid");
    await harness.send({ ...task, blob: blob(task) });
    const dead = await harness.takeDeadLetters();
    expect(dead.map((m) => m.deadLetterReason)).toEqual([INVALID_MESSAGE_REASON]);
    expect(dead[0]!.deadLetterErrorDescription).toMatch(/blob/);
    expect(await worker.metrics.count("invalid")).toBe(invalidBefore + 1);
    // Nothing was read and the job was not touched.
    expect(documents.downloads.get(job.blob.name)).toBeUndefined();
    await waitUntil("the queue to empty", () => harness.runtime().activeMessageCount === 0);
    expect((await harness.job(job.id)).status).toBe("QUEUED");
    expect(await harness.eventsOf(job.id)).toEqual([]);
  });
});

describe("after all of that", () => {
  it("an untouched submission still completes", async () => {
    const { file } = await writeInvoice(dir, "pdf", 35);
    const { job } = await harness.submitFile(file, "pdf");
    expect((await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"])).status).toBe("COMPLETED");
  });
});
