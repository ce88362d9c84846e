import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { Harness, waitUntil } from "./helpers/harness.js";
import { ScriptedDocuments, connectionReset } from "./helpers/scripted-documents.js";

// A 2 s lock and 3 deliveries: short enough to outlast and to exhaust within a test.
const LOCK_MS = 2000;
const MAX_DELIVERIES = 3;
// Rescheduled retries of a transient failure before the worker gives up.
const MAX_RETRIES = 2;

let harness: Harness;
let documents: ScriptedDocuments;
let dir: string;

beforeAll(async () => {
  harness = await Harness.start({ lockDurationMs: LOCK_MS, maxDeliveryCount: MAX_DELIVERIES });
  documents = new ScriptedDocuments(harness.documents);
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-reliability-"));
});

afterAll(async () => {
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("two jobs at a time, with a lock shorter than the jobs", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(
      harness.config({ WORKER_CONCURRENCY: "2", TASK_MAX_RETRIES: String(MAX_RETRIES) }),
      { deps: { documents } },
    );
  });
  afterAll(async () => worker?.close());

  it("keeps the lock of a job slower than the lock: completes on the first delivery", async () => {
    const { file } = await writeInvoice(dir, "text", 11);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    documents.script(job.blob.name, { kind: "slow", totalMs: 5000, sizeBytes: task.blob.sizeBytes });
    const renewalsBefore = await renewals(worker);
    const started = Date.now();
    await harness.send(task);
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 30_000);
    expect(done.status).toBe("COMPLETED");
    expect(Date.now() - started).toBeGreaterThan(2.5 * LOCK_MS);
    expect(done.attempt).toBe(1);
    expect(done.history.filter((h) => h.to === "PROCESSING")).toHaveLength(1);
    expect(documents.downloads.get(job.blob.name)).toBe(1);
    expect(done.result!.timings.downloadMs).toBeGreaterThan(4000);
    // Renewed at half the remaining lock: at least twice in 5 s with a 2 s lock.
    expect((await renewals(worker)) - renewalsBefore).toBeGreaterThanOrEqual(2);
    await waitUntil("the message to be gone", () => harness.runtime().activeMessageCount === 0);
    expect(await harness.takeDeadLetters(300)).toEqual([]);
  });

  it("turns the same message delivered twice into one result and one completed transition", async () => {
    const { file } = await writeInvoice(dir, "pdf", 12);
    const { job, task } = await harness.submitFile(file, "pdf", { send: false });
    // Slow enough that both copies are in hand at once (concurrency 2).
    documents.script(job.blob.name, { kind: "slow", totalMs: 1500, sizeBytes: task.blob.sizeBytes });
    const skippedBefore = await worker.metrics.count("skipped");
    await harness.sendTwice(task);
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 30_000);
    expect(done.status).toBe("COMPLETED");
    await waitUntil("both copies to be settled", () => harness.runtime().activeMessageCount === 0);
    expect(await worker.metrics.count("skipped")).toBe(skippedBefore + 1);
    const final = await harness.job(job.id);
    expect(final.history.filter((h) => h.to === "COMPLETED")).toHaveLength(1);
    expect(final.history.filter((h) => h.to === "PROCESSING")).toHaveLength(1);
    expect(final.result).toEqual(done.result);
    const events = await harness.eventsOf(job.id);
    expect(events.filter((e) => e.type === "job.completed")).toHaveLength(1);
    expect(documents.downloads.get(job.blob.name)).toBe(1);
  });

  it("puts a job back on a transient failure and completes it on the next delivery (attempt 2)", async () => {
    const { file } = await writeInvoice(dir, "docx", 13);
    const { job, task } = await harness.submitFile(file, "docx", { send: false });
    documents.script(job.blob.name, { kind: "fail", times: 1, error: connectionReset });
    await harness.send(task);
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 30_000);
    expect(done.status).toBe("COMPLETED");
    expect(done.attempt).toBe(2);
    expect(done.history.map((h) => [h.to, h.attempt, h.reason])).toEqual([
      ["AWAITING_UPLOAD", 0, undefined],
      ["QUEUED", 0, undefined],
      ["PROCESSING", 1, undefined],
      ["QUEUED", 1, "DEPENDENCY_UNAVAILABLE"],
      ["PROCESSING", 2, undefined],
      ["COMPLETED", 2, undefined],
    ]);
    const events = (await harness.eventsOf(job.id)).map((e) => e.type);
    expect(events).toEqual(["job.processing", "job.queued", "job.processing", "job.completed"]);
  });

  it("retries a job that keeps failing transiently with backoff, then dead-letters it with the cause", async () => {
    const { file } = await writeInvoice(dir, "text", 14);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    documents.script(job.blob.name, { kind: "fail", times: Infinity, error: connectionReset });
    await harness.send(task);
    await waitUntil(
      "the worker to dead-letter it",
      () => harness.runtime().deadLetterMessageCount === 1,
      30_000,
    );
    const [dead] = await harness.takeDeadLetters();
    // Each retry was a scheduled copy, not a delivery: the broker's count never ran out.
    expect(dead?.deadLetterReason).toBe("DEPENDENCY_UNAVAILABLE");
    expect(dead?.deadLetterErrorDescription).toMatch(new RegExp(`gave up after ${MAX_RETRIES} retries`));
    expect(dead?.applicationProperties?.docsiftRetries).toBe(MAX_RETRIES);
    // Each copy has an id of its own, or the broker's duplicate detection would drop it.
    expect(dead?.messageId).toBe(`${job.id}:1:r${MAX_RETRIES}`);
    expect(documents.downloads.get(job.blob.name)).toBe(MAX_RETRIES + 1);
    // The worker put it back each time; the triage function decides what happens next.
    const left = await harness.job(job.id);
    expect(left.status).toBe("QUEUED");
    expect(left.attempt).toBe(MAX_RETRIES + 1);
    expect(left.history.filter((h) => h.reason === "DEPENDENCY_UNAVAILABLE")).toHaveLength(MAX_RETRIES + 1);
  });
});

describe("the job timeout and a drain with no grace", () => {
  it("stops a job at JOB_TIMEOUT_SECONDS and puts it back; a drain then hands back the redelivery", async () => {
    const worker = await startWorker(
      harness.config({ JOB_TIMEOUT_SECONDS: "5", EXTRACTION_TIMEOUT_SECONDS: "4", DRAIN_GRACE_SECONDS: "0" }),
      { deps: { documents } },
    );
    try {
      const { file } = await writeInvoice(dir, "text", 15);
      const { job, task } = await harness.submitFile(file, "text", { send: false });
      documents.script(job.blob.name, { kind: "slow", totalMs: 60_000, sizeBytes: task.blob.sizeBytes });
      await harness.send(task);
      const retried = await harness.waitForJob(
        job.id,
        (j) => j.history.some((h) => h.reason === "JOB_TIMEOUT"),
        15_000,
      );
      expect(retried.history.find((h) => h.reason === "JOB_TIMEOUT")).toMatchObject({
        from: "PROCESSING",
        to: "QUEUED",
        attempt: 1,
      });
      // The redelivery starts as attempt 2; draining with no grace stops it and hands it back.
      await harness.waitForJob(job.id, (j) => j.status === "PROCESSING" && j.attempt === 2, 10_000);
      const result = await worker.drain("test");
      expect(result).toEqual({ finished: 0, abandoned: 1 });
      const back = await harness.waitForStatus(job.id, ["QUEUED"], 10_000);
      expect(back.history.at(-1)).toMatchObject({
        from: "PROCESSING",
        to: "QUEUED",
        reason: "WORKER_SHUTDOWN",
        attempt: 2,
      });
      expect(worker.ready).toBe(false);
      await waitUntil(
        "the message to be back and unlocked",
        () => harness.runtime().activeMessageCount === 1,
      );
    } finally {
      await worker.close();
    }
  });
});

async function renewals(worker: RunningWorker): Promise<number> {
  const metric = await worker.metrics.lockRenewals.get();
  return metric.values.find((v) => v.labels.result === "ok")?.value ?? 0;
}
