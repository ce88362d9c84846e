import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTextPdf } from "@docsift/extraction/testing";
import { startWorker } from "../src/index.js";
import { ChildWorker } from "./helpers/child-worker.js";
import { OutageProxy } from "./helpers/outage-proxy.js";
import { Harness, waitUntil } from "./helpers/harness.js";

// Workers as processes, stopped the two ways Kubernetes stops them: SIGTERM on scale-in or a
// rollout, SIGKILL when the node dies or the grace runs out. The queue lock is 3 s, so a
// killed worker's message comes back within seconds.
const LOCK_MS = 3000;

let harness: Harness;
let dir: string;
let longPdf: string;
const children: ChildWorker[] = [];

// A 900-page text PDF read with pdfjs takes a few seconds: long enough to be stopped mid-job.
const LONG_JOB = { PDF_ENGINE: "pdfjs" };

beforeAll(async () => {
  harness = await Harness.start({ lockDurationMs: LOCK_MS, maxDeliveryCount: 5 });
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-process-"));
  longPdf = path.join(dir, "long.pdf");
  const page = (p: number) =>
    Array.from(
      { length: 40 },
      (_, i) => `Invoice INV-${p}-${i}  line ${i}  amount ${p},${i}50.00 EUR  due 2026-03-1${i % 10}`,
    );
  await writeTextPdf(
    longPdf,
    Array.from({ length: 900 }, (_, p) => page(p + 1)),
  );
});

afterAll(async () => {
  for (const child of children) await child.stop();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

function childWorker(env: Record<string, string>): ChildWorker {
  const child = new ChildWorker({ ...harness.env, ...env });
  children.push(child);
  return child;
}

describe("a worker process", () => {
  it("on SIGTERM mid-job takes no new message, finishes the job, and exits 0", async () => {
    const tempDir = await mkdtemp(path.join(dir, "tmp-"));
    const child = childWorker({ ...LONG_JOB, TEMP_DIR: tempDir, LOG_LEVEL: "info" });
    await child.waitForLog("worker ready");
    const { job } = await harness.submitFile(longPdf, "pdf");
    await harness.waitForStatus(job.id, ["PROCESSING"], 30_000);
    child.signal("SIGTERM");
    await child.waitForLog("draining: no new messages", 5000);
    // Sent after the drain began: it must stay on the queue for another worker.
    const { job: next } = await harness.submitFile(longPdf, "pdf");

    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const done = await harness.job(job.id);
    expect(done.status).toBe("COMPLETED");
    expect(done.result?.pages).toBe(900);
    expect(done.attempt).toBe(1);
    expect(child.lines.find((l) => l.msg === "drained")).toMatchObject({ finished: 1, abandoned: 0 });
    expect((await harness.job(next.id)).status).toBe("QUEUED");
    expect(harness.runtime().activeMessageCount).toBe(1);
    expect(await readdir(tempDir)).toEqual([]);
    // Every line of the job carries its id and attempt.
    const jobLines = child.lines.filter((l) => l.jobId === job.id);
    expect(jobLines.length).toBeGreaterThanOrEqual(3);
    expect(jobLines.every((l) => l.attempt === 1)).toBe(true);
    // Progress while it ran (25 pages apart at least, at most once a second), all before the outcome.
    const events = await harness.eventsOf(job.id);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("job.processing");
    expect(types.at(-1)).toBe("job.completed");
    const progress = events.filter((e) => e.type === "job.progress").map((e) => e.summary.pagesDone!);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // The last page may be reported too (pages now arrive fast enough for it): never past it.
    expect(progress.every((p, i) => p - (i === 0 ? 0 : progress[i - 1]!) >= 25 && p <= 900)).toBe(true);
    // Each progress event says of how many pages: the PDF's count, asked for with the first one.
    expect(events.filter((e) => e.type === "job.progress").map((e) => e.summary.pagesTotal)).toEqual(
      progress.map(() => 900),
    );

    // Leave the queue empty for the next test: the in-process worker takes the waiting task.
    const cleaner = await startWorker(harness.config());
    await harness.waitForStatus(next.id, ["COMPLETED"], 60_000);
    await cleaner.close();
  });

  it("killed with SIGKILL mid-job: another worker completes it after the lock expires, one result (attempt 2)", async () => {
    const child = childWorker({ ...LONG_JOB, LOG_LEVEL: "info" });
    await child.waitForLog("worker ready");
    const { job } = await harness.submitFile(longPdf, "pdf");
    await harness.waitForStatus(job.id, ["PROCESSING"], 30_000);
    child.signal("SIGKILL");
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    const killedAt = Date.now();

    const survivor = await startWorker(harness.config(LONG_JOB));
    try {
      const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 90_000);
      expect(done.status).toBe("COMPLETED");
      expect(done.attempt).toBe(2);
      expect(done.history.map((h) => [h.to, h.attempt, h.reason])).toEqual([
        ["AWAITING_UPLOAD", 0, undefined],
        ["QUEUED", 0, undefined],
        ["PROCESSING", 1, undefined],
        ["PROCESSING", 2, "redelivered"],
        ["COMPLETED", 2, undefined],
      ]);
      // Taken over only once the dead worker's lock ran out (it was renewed up to the kill).
      expect(Date.parse(done.history[3]!.at)).toBeGreaterThan(killedAt);
      const events = await harness.eventsOf(job.id);
      expect(events.filter((e) => e.type === "job.completed")).toHaveLength(1);
      await waitUntil("the message to be settled", () => harness.runtime().activeMessageCount === 0);
      expect(await harness.takeDeadLetters(300)).toEqual([]);
    } finally {
      await survivor.close();
    }
  });

  it("with WORKER_MAX_JOBS=1 (one Kubernetes Job per message) handles one message and exits 0", async () => {
    const child = childWorker({ WORKER_MAX_JOBS: "1", LOG_LEVEL: "info" });
    await child.waitForLog("worker ready");
    const first = await harness.submitFile(longPdf, "pdf", { send: false });
    const second = await harness.submitFile(longPdf, "pdf", { send: false });
    await harness.send(first.task);
    await harness.send(second.task);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    const jobs = [await harness.job(first.job.id), await harness.job(second.job.id)];
    expect(jobs.map((j) => j.status).sort()).toEqual(["COMPLETED", "QUEUED"]);
    const waiting = jobs.find((j) => j.status === "QUEUED")!;
    // The other message was never taken: no PROCESSING, and no delivery spent on it.
    expect(waiting.history.some((h) => h.to === "PROCESSING")).toBe(false);
    const survivor = await startWorker(harness.config());
    try {
      const done = await harness.waitForStatus(waiting.id, ["COMPLETED"], 60_000);
      expect(done.attempt).toBe(1);
    } finally {
      await survivor.close();
    }
  });

  it("with WORKER_IDLE_EXIT_SECONDS and no message for it (a ScaledJob's spare Job) exits 0", async () => {
    const child = childWorker({ WORKER_MAX_JOBS: "1", WORKER_IDLE_EXIT_SECONDS: "1", LOG_LEVEL: "info" });
    await child.waitForLog("worker ready");
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it("started while Service Bus is unreachable waits it out and becomes ready, instead of exiting", async () => {
    const endpoint = /Endpoint=sb:\/\/([^:;/]+):(\d+)/.exec(harness.env.SERVICEBUS_CONNECTION_STRING!);
    expect(endpoint, "the emulator's connection string names host and port").not.toBeNull();
    const proxy = await OutageProxy.start({ host: endpoint![1]!, port: Number(endpoint![2]) });
    proxy.down();
    try {
      const child = childWorker({
        SERVICEBUS_CONNECTION_STRING: harness.env.SERVICEBUS_CONNECTION_STRING!.replace(
          `${endpoint![1]}:${endpoint![2]}`,
          `127.0.0.1:${proxy.port}`,
        ),
        LOG_LEVEL: "info",
      });
      await child.waitForLog("worker could not start; trying again");
      proxy.up();
      await child.waitForLog("worker ready", 90_000);
      // Started for real: SIGTERM drains it like any worker.
      child.signal("SIGTERM");
      expect(await child.exited).toEqual({ code: 0, signal: null });
    } finally {
      await proxy.stop();
    }
  });
});
