import { randomUUID } from "node:crypto";
import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  ConcurrencyConflictError,
  DeliveryLockLostError,
  INVALID_MESSAGE_REASON,
  DocsiftError,
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
  listStalled = () => Promise.reject(new Error("not used"));
  listPendingEvents = () => Promise.reject(new Error("not used"));
  intakeUsage = () => Promise.reject(new Error("not used"));
  purge = () => Promise.reject(new Error("not used"));
}

type Settled = {
  how: "complete" | "abandon" | "dead-letter" | "reschedule";
  reason?: string;
  description?: string;
  at?: Date;
};

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
    readonly retries = 0,
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
  reschedule = (at: Date) => this.#settle({ how: "reschedule", at });
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
      leaseMs: 60_000,
      retry: { baseMs: 1000, capMs: 8000, maxRetries: 3 },
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

describe("recovery: generations, leases and retries with backoff", () => {
  const fixedClock = (at: Date) => ({ now: () => at });

  it("drops a task of a generation a re-dispatch replaced, touching nothing", async () => {
    const jobs = new MemoryJobs();
    const { task, job } = await queuedJob(jobs);
    const current = (await jobs.get(job.userId, job.id))!;
    const redispatched = decide(current.value, { type: "redispatch", at: new Date(), reason: "lost" });
    if (redispatched.outcome !== "applied") throw new Error("redispatch refused");
    await jobs.replace(redispatched.job, current.etag);
    const before = jobs.jobs.get(job.id)!;

    const incoming = new FakeDelivery(task); // the late original: generation 1
    const { deps: d, events } = deps(jobs);
    expect(await handleTask(new Delivery(incoming), d)).toBe("skipped");
    expect(incoming.settled).toEqual([{ how: "complete" }]);
    expect(jobs.jobs.get(job.id)).toEqual(before);
    expect(events).toEqual([]);

    const fresh = new FakeDelivery({ ...task, dispatch: 2 });
    expect(await handleTask(new Delivery(fresh), d)).toBe("completed");
    expect(jobs.jobs.get(job.id)!.value.status).toBe("COMPLETED");
  });

  it("records a lease at start, as long as the settings say", async () => {
    const jobs = new MemoryJobs();
    const { task, job } = await queuedJob(jobs);
    const now = new Date("2026-03-01T12:00:00.000Z");
    let leaseSeen: string | undefined;
    const { deps: d } = deps(jobs, {
      clock: fixedClock(now),
      runPipeline: async () => {
        leaseSeen = (await jobs.get(job.userId, job.id))!.value.leaseUntil;
        return RESULT;
      },
    });
    await handleTask(new Delivery(new FakeDelivery(task)), d);
    expect(leaseSeen).toBe(new Date(now.getTime() + 60_000).toISOString());
    expect(jobs.jobs.get(job.id)!.value.leaseUntil).toBeUndefined();
  });

  it("reschedules a dependency failure after the backoff instead of abandoning, and tells the breaker", async () => {
    const jobs = new MemoryJobs();
    const { task, job } = await queuedJob(jobs);
    const now = new Date("2026-03-01T12:00:00.000Z");
    const health = { failures: 0, successes: 0 };
    const { deps: d } = deps(jobs, {
      clock: fixedClock(now),
      random: () => 1,
      health: { failure: () => void health.failures++, success: () => void health.successes++ },
      runPipeline: async () => {
        throw new DocsiftError("DEPENDENCY_UNAVAILABLE", "blob storage unreachable");
      },
    });
    // Retried twice already: base 1 s × 2² = 4 s, all of it with the jitter pinned high.
    const incoming = new FakeDelivery(task, 3, 60_000, 2);
    expect(await handleTask(new Delivery(incoming), d)).toBe("retried");
    expect(incoming.settled).toEqual([{ how: "reschedule", at: new Date(now.getTime() + 4000) }]);
    expect(health).toEqual({ failures: 1, successes: 0 });
    const stored = jobs.jobs.get(job.id)!.value;
    expect(stored.status).toBe("QUEUED");
    expect(stored.history.at(-1)).toMatchObject({ from: "PROCESSING", reason: "DEPENDENCY_UNAVAILABLE" });
  });

  it("reschedules when the job store itself is down, before the job was taken", async () => {
    const jobs = new MemoryJobs();
    const { task } = await queuedJob(jobs);
    jobs.get = () => Promise.reject(new DocsiftError("DEPENDENCY_UNAVAILABLE", "Cosmos DB unavailable"));
    const incoming = new FakeDelivery(task);
    const { deps: d } = deps(jobs, { random: () => 0 });
    expect(await handleTask(new Delivery(incoming), d)).toBe("retried");
    expect(incoming.settled).toHaveLength(1);
    expect(incoming.settled[0]!.how).toBe("reschedule");
  });

  it("dead-letters with the failure's code once the retries are spent", async () => {
    const jobs = new MemoryJobs();
    const { task } = await queuedJob(jobs);
    const { deps: d } = deps(jobs, {
      runPipeline: async () => {
        throw new DocsiftError("DEPENDENCY_UNAVAILABLE", "blob storage unreachable");
      },
    });
    const incoming = new FakeDelivery(task, 4, 60_000, 3); // maxRetries is 3 in these settings
    expect(await handleTask(new Delivery(incoming), d)).toBe("dead_lettered");
    expect(incoming.settled).toHaveLength(1);
    expect(incoming.settled[0]).toMatchObject({ how: "dead-letter", reason: "DEPENDENCY_UNAVAILABLE" });
    expect(incoming.settled[0]!.description).toMatch(/gave up after 3 retries: blob storage unreachable/);
  });

  it("still abandons at once what waiting would not help: a shutdown", async () => {
    const jobs = new MemoryJobs();
    const { task } = await queuedJob(jobs);
    const delivery = new Delivery(new FakeDelivery(task));
    const { deps: d } = deps(jobs, {
      runPipeline: (_task, run) => {
        delivery.abort(new DocsiftError("WORKER_SHUTDOWN"));
        return Promise.reject(run.signal.reason);
      },
    });
    expect(await handleTask(delivery, d)).toBe("retried");
    expect((delivery.incoming as FakeDelivery).settled).toEqual([{ how: "abandon" }]);
  });
});
