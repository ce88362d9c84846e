import { randomUUID } from "node:crypto";
import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  ConcurrencyConflictError,
  DeliveryLockLostError,
  INVALID_MESSAGE_REASON,
  MESSAGE_SCHEMA_VERSION,
  decide,
} from "@docsift/core";
import type {
  InferenceTask,
  Job,
  JobEvent,
  JobRepository,
  JobResult,
  TaskDelivery,
  Versioned,
} from "@docsift/core";
import { newUploadJob, sampleResult } from "@docsift/core/testing";
import { Delivery, handleTask, type TaskHandlerDeps } from "../src/handle-task.js";
import { WorkerMetrics } from "../src/metrics.js";

// handleTask against the task-delivery port: a fake delivery records how it was settled, an
// in-memory job store keeps the etag rule. The Service Bus adapter has its own emulator tests.

/** Jobs in memory with Cosmos' etag rule: a replace with a stale etag conflicts. */
class MemoryJobs implements JobRepository {
  readonly jobs = new Map<string, Versioned<Job>>();
  #n = 0;
  async create(job: Job) {
    if (this.jobs.has(job.id)) throw new ConcurrencyConflictError("job", job.id);
    return this.#put(job);
  }
  async get(userId: string, jobId: string) {
    const v = this.jobs.get(jobId);
    return v && v.value.userId === userId ? structuredClone(v) : undefined;
  }
  async replace(job: Job, etag: string) {
    if (this.jobs.get(job.id)?.etag !== etag) throw new ConcurrencyConflictError("job", job.id);
    return this.#put(job);
  }
  #put(job: Job) {
    const v = { value: structuredClone(job), etag: `e${++this.#n}` };
    this.jobs.set(job.id, v);
    return structuredClone(v);
  }
  listByUser = () => Promise.reject(new Error("not used"));
  listUploadExpired = () => Promise.reject(new Error("not used"));
  listUndispatched = () => Promise.reject(new Error("not used"));
  intakeUsage = () => Promise.reject(new Error("not used"));
  purge = () => Promise.reject(new Error("not used"));
}

type Settled = { how: "complete" | "abandon" | "dead-letter"; reason?: string; description?: string };

/** A delivery as the broker would hand it; records its settlements and lock renewals. */
class FakeDelivery implements TaskDelivery {
  readonly settled: Settled[] = [];
  renewals = 0;
  lockedUntil: Date | undefined;
  /** Set to make settlement or renewal find the lock gone. */
  lockLost = false;

  constructor(
    readonly body: unknown,
    readonly attempt = 1,
    lockMs = 60_000,
  ) {
    this.lockedUntil = new Date(Date.now() + lockMs);
  }
  readonly messageId = randomUUID();
  #settle(s: Settled): Promise<void> {
    if (this.lockLost) return Promise.reject(new DeliveryLockLostError());
    this.settled.push(s);
    return Promise.resolve();
  }
  complete = () => this.#settle({ how: "complete" });
  abandon = () => this.#settle({ how: "abandon" });
  deadLetter = (reason: string, description: string) =>
    this.#settle({ how: "dead-letter", reason, description });
  async renewLock(): Promise<Date> {
    if (this.lockLost) throw new DeliveryLockLostError();
    this.renewals++;
    this.lockedUntil = new Date(Date.now() + 200);
    return this.lockedUntil;
  }
}

const MODEL = { name: "docsift-kie", version: "4.0.0", sha256: "a".repeat(64) };

async function queuedJob(jobs: MemoryJobs): Promise<{ job: Job; task: InferenceTask }> {
  const userId = `u-${randomUUID().slice(0, 8)}`;
  const created = newUploadJob(userId);
  const submitted = decide(created, { type: "submit", at: new Date() });
  if (submitted.outcome !== "applied") throw new Error("submit refused");
  await jobs.create(submitted.job);
  const job = submitted.job;
  return {
    job,
    task: {
      schemaVersion: MESSAGE_SCHEMA_VERSION,
      jobId: job.id,
      userId: job.userId,
      submission: 1,
      blob: { container: "uploads", name: job.blob.name, sizeBytes: 1234, contentType: "application/pdf" },
      documentKind: "pdf",
      model: { name: "docsift-kie" },
      submittedAt: new Date().toISOString(),
    },
  };
}

const RESULT: JobResult = sampleResult({ model: MODEL });

function deps(jobs: MemoryJobs, overrides: Partial<TaskHandlerDeps> = {}) {
  const events: JobEvent[] = [];
  const d: TaskHandlerDeps = {
    jobs,
    events: { publish: async (e) => void events.push(e) },
    metrics: new WorkerMetrics({ defaultMetrics: false }),
    log: pino({ level: "silent" }),
    clock: { now: () => new Date() },
    runPipeline: async () => RESULT,
    modelRef: MODEL,
    isDraining: () => false,
    settings: {
      jobTimeoutMs: 10_000,
      lockRenewMaxMs: 20_000,
      progressEveryPages: 25,
      progressMinIntervalMs: 1000,
      uploadsContainer: "uploads",
    },
    ...overrides,
  };
  return { deps: d, events };
}

describe("handleTask through the task-delivery port", () => {
  it("completes the job, then the delivery, once", async () => {
    const jobs = new MemoryJobs();
    const { task, job } = await queuedJob(jobs);
    const incoming = new FakeDelivery(task);
    const { deps: d, events } = deps(jobs);
    expect(await handleTask(new Delivery(incoming), d)).toBe("completed");
    expect(incoming.settled).toEqual([{ how: "complete" }]);
    const stored = jobs.jobs.get(job.id)!.value;
    expect(stored.status).toBe("COMPLETED");
    expect(stored.result).toEqual(RESULT);
    expect(events.map((e) => e.type)).toEqual(["job.processing", "job.completed"]);
  });

  it("dead-letters a body that is not a task, with the reason, touching no job", async () => {
    const jobs = new MemoryJobs();
    const incoming = new FakeDelivery({ hello: "world" });
    expect(await handleTask(new Delivery(incoming), deps(jobs).deps)).toBe("invalid");
    expect(incoming.settled).toHaveLength(1);
    expect(incoming.settled[0]).toMatchObject({ how: "dead-letter", reason: INVALID_MESSAGE_REASON });
    expect(incoming.settled[0]!.description).toMatch(/inference task contract/);
    expect(jobs.jobs.size).toBe(0);
  });

  it("hands a task back untouched while draining", async () => {
    const jobs = new MemoryJobs();
    const { task, job } = await queuedJob(jobs);
    const incoming = new FakeDelivery(task);
    expect(await handleTask(new Delivery(incoming), deps(jobs, { isDraining: () => true }).deps)).toBe(
      "retried",
    );
    expect(incoming.settled).toEqual([{ how: "abandon" }]);
    expect(jobs.jobs.get(job.id)!.value.status).toBe("QUEUED");
  });

  it("renews the lock while the job runs, and stops the job when the lock is lost", async () => {
    const jobs = new MemoryJobs();
    const { task, job } = await queuedJob(jobs);
    // A lock that needs renewing within the job, which runs until it is aborted.
    const incoming = new FakeDelivery(task, 1, 200);
    const { deps: d } = deps(jobs, {
      runPipeline: (_task, run) =>
        new Promise((_resolve, reject) => {
          setTimeout(() => (incoming.lockLost = true), 500);
          run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
        }),
    });
    const outcome = await handleTask(new Delivery(incoming), d);
    expect(incoming.renewals).toBeGreaterThanOrEqual(1);
    // Nothing settled: the message's next delivery owns the job now, and finds it PROCESSING.
    expect(incoming.settled).toEqual([]);
    expect(outcome).toBe("retried");
    expect(jobs.jobs.get(job.id)!.value.status).toBe("PROCESSING");
  });
});
