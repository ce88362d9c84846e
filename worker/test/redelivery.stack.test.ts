import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusEventPublisher } from "@docsift/adapters";
import { QUEUES, transitionJob } from "@docsift/core";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { FlakyEvents } from "./helpers/flaky-events.js";
import { Harness, waitUntil } from "./helpers/harness.js";
import { ScriptedDocuments } from "./helpers/scripted-documents.js";

let harness: Harness;
let publisher: ServiceBusEventPublisher;
let dir: string;

beforeAll(async () => {
  harness = await Harness.start();
  publisher = new ServiceBusEventPublisher(harness.serviceBus, QUEUES.events);
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-redelivery-"));
});

afterAll(async () => {
  await publisher?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

const settled = () =>
  waitUntil("the queue to empty", () => harness.runtime().activeMessageCount === 0, 30_000);

describe("an event lost after its state was written", () => {
  let worker: RunningWorker;
  let events: FlakyEvents;
  beforeAll(async () => {
    events = new FlakyEvents(publisher, "job.completed", 1);
    worker = await startWorker(harness.config(), { deps: { events } });
  });
  afterAll(async () => worker?.close());

  it("is published by the redelivery, with one result and no failure recorded", async () => {
    const { file } = await writeInvoice(dir, "text", 21);
    const { job } = await harness.submitFile(file, "text");
    await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
    await waitUntil(
      "job.completed to be published",
      () => events.attempts.filter((e) => e.jobId === job.id && e.type === "job.completed").length === 2,
    );
    await settled();

    const done = await harness.job(job.id);
    expect(done.status).toBe("COMPLETED");
    expect(done.error).toBeUndefined();
    expect(done.history.map((h) => [h.to, h.attempt])).toEqual([
      ["AWAITING_UPLOAD", 0],
      ["QUEUED", 0],
      ["PROCESSING", 1],
      ["COMPLETED", 1],
    ]);
    const published = await harness.eventsOf(job.id);
    expect(published.map((e) => e.type)).toEqual(["job.processing", "job.completed"]);
    // The redelivery re-sends the original transition's event, not a new one.
    const attempts = events.attempts.filter((e) => e.jobId === job.id && e.type === "job.completed");
    expect(attempts[1]).toEqual(attempts[0]);
    expect(published[1]).toEqual(attempts[0]);
    // The first delivery handed the message back; the second only announced the stored outcome.
    expect(await worker.metrics.count("retried")).toBe(1);
    expect(await worker.metrics.count("skipped")).toBe(1);
    expect(await harness.takeDeadLetters(300)).toEqual([]);
  });
});

describe("deliveries that no longer own their job", () => {
  let worker: RunningWorker;
  let documents: ScriptedDocuments;
  beforeAll(async () => {
    documents = new ScriptedDocuments(harness.documents);
    worker = await startWorker(harness.config(), { deps: { documents } });
  });
  afterAll(async () => worker?.close());

  it("a late result does not overwrite the job another delivery took over", async () => {
    const { file } = await writeInvoice(dir, "text", 22);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    documents.script(job.blob.name, { kind: "slow", totalMs: 3000, sizeBytes: task.blob.sizeBytes });
    const skippedBefore = await worker.metrics.count("skipped");
    await harness.send(task);
    await harness.waitForJob(job.id, (j) => j.status === "PROCESSING" && j.attempt === 1, 10_000);
    // What a redelivery does after this delivery's lock was lost: it takes the job over.
    await transitionJob({ jobs: harness.jobs }, harness.userId, job.id, {
      type: "start",
      at: new Date(),
      attempt: 2,
    });
    await waitUntil("the late delivery to be dropped", async () => {
      return (await worker.metrics.count("skipped")) > skippedBefore;
    });
    await settled();

    const after = await harness.job(job.id);
    expect(after.status).toBe("PROCESSING");
    expect(after.attempt).toBe(2);
    expect(after.result).toBeUndefined();
    expect(after.history.filter((h) => h.to === "COMPLETED")).toEqual([]);
    expect(documents.downloads.get(job.blob.name)).toBe(1);
    expect((await harness.eventsOf(job.id)).map((e) => e.type)).toEqual(["job.processing"]);
    expect(await harness.takeDeadLetters(300)).toEqual([]);
  });

  it("a task of an earlier submission is dropped, before and after the newer one finished", async () => {
    const { file } = await writeInvoice(dir, "text", 23);
    const { job, task: first } = await harness.submitFile(file, "text", { send: false });
    // The first submission failed for good and the user resubmitted the job.
    const at = new Date();
    await transitionJob({ jobs: harness.jobs }, harness.userId, job.id, {
      type: "fail",
      at,
      error: { code: "DEPENDENCY_UNAVAILABLE", message: "gave up", permanent: false },
    });
    await transitionJob({ jobs: harness.jobs }, harness.userId, job.id, {
      type: "resubmit",
      at,
      reason: "user retried",
    });
    const resubmitted = await harness.job(job.id);
    expect(resubmitted.submissions).toBe(2);

    // While the newer submission waits in the queue: the old task touches nothing.
    let skippedBefore = await worker.metrics.count("skipped");
    await harness.sendRaw(first, randomUUID());
    await waitUntil("the stale task to be dropped", async () => {
      return (await worker.metrics.count("skipped")) > skippedBefore;
    });
    await settled();
    expect(await harness.job(job.id)).toEqual(resubmitted);
    expect(await harness.eventsOf(job.id)).toEqual([]);

    // The newer submission completes; the old task arriving afterwards announces nothing.
    await harness.send({ ...first, submission: 2 });
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
    expect(done.status).toBe("COMPLETED");
    await settled();
    skippedBefore = await worker.metrics.count("skipped");
    await harness.sendRaw(first, randomUUID());
    await waitUntil("the stale task to be dropped", async () => {
      return (await worker.metrics.count("skipped")) > skippedBefore;
    });
    await settled();
    expect(await harness.job(job.id)).toEqual(done);
    expect((await harness.eventsOf(job.id)).map((e) => e.type)).toEqual(["job.processing", "job.completed"]);
    expect(await harness.takeDeadLetters(300)).toEqual([]);
  });
});
