import { describe, expect, it } from "vitest";
import {
  ConcurrencyConflictError,
  InferenceTaskSchema,
  MESSAGE_SCHEMA_VERSION,
  backoffDelayMs,
  confirmPublished,
  decide,
  dispatchGeneration,
  isStaleTask,
  isStalled,
  pendingEvent,
  taskMessageId,
  transitionJob,
} from "../src/index.js";
import type { Decision, Job, JobCommand, JobEvent, JobRepository, Versioned } from "../src/index.js";
import { newUploadJob, sampleResult } from "../src/testing/index.js";

// The pure parts of recovering lost tasks and lost events: dispatch generations, the processing
// lease, the outbox, the stall rule and the retry backoff.

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function applied(job: Job, command: JobCommand): Extract<Decision, { outcome: "applied" }> {
  const d = decide(job, command);
  if (d.outcome !== "applied") throw new Error(`${command.type} was a duplicate`);
  return d;
}

/** A job submitted at T0 whose first task was sent. */
function sentJob(): Job {
  const queued = applied(newUploadJob("alice", { at: T0 }), { type: "submit", at: T0 }).job;
  return { ...queued, dispatched: queued.submissions };
}

describe("dispatch generations", () => {
  it("a redispatch of a QUEUED job raises the generation and marks the new task as not yet sent", () => {
    const job = sentJob();
    expect(dispatchGeneration(job)).toBe(1);
    const d = applied(job, { type: "redispatch", at: at(900), reason: "task presumed lost" });
    expect(d.job).toMatchObject({ status: "QUEUED", dispatch: 2, dispatched: 0, submissions: 1 });
    expect(d.job.history.at(-1)).toMatchObject({
      from: "QUEUED",
      to: "QUEUED",
      reason: "task presumed lost",
    });
    expect(d.event.type).toBe("job.queued");
  });

  it("a redispatch of a PROCESSING job puts it back to QUEUED without its lease or progress", () => {
    const started = applied(sentJob(), { type: "start", at: at(1), attempt: 1, leaseUntil: at(600) }).job;
    const withProgress = { ...started, progress: { stage: "extract" as const, at: at(2).toISOString() } };
    const d = applied(withProgress, { type: "redispatch", at: at(700), reason: "processing lease expired" });
    expect(d.job.status).toBe("QUEUED");
    expect(d.job.dispatch).toBe(2);
    expect(d.job.leaseUntil).toBeUndefined();
    expect(d.job.progress).toBeUndefined();
  });

  it("a task of the replaced generation can no longer start the job; the new one can", () => {
    const job = applied(sentJob(), { type: "redispatch", at: at(900), reason: "lost" }).job;
    expect(decide(job, { type: "start", at: at(901), attempt: 1 })).toEqual({ outcome: "duplicate", job });
    expect(decide(job, { type: "start", at: at(901), attempt: 1, dispatch: 2 }).outcome).toBe("applied");
  });

  it("tells stale tasks from current ones, reading a task without a generation as the first", () => {
    const job = applied(sentJob(), { type: "redispatch", at: at(900), reason: "lost" }).job;
    expect(isStaleTask({ submission: 1 }, job)).toBe(true);
    expect(isStaleTask({ submission: 1, dispatch: 1 }, job)).toBe(true);
    expect(isStaleTask({ submission: 1, dispatch: 2 }, job)).toBe(false);
    expect(isStaleTask({ submission: 1 }, sentJob())).toBe(false);
    // An earlier submission is stale whatever its generation.
    expect(isStaleTask({ submission: 1, dispatch: 5 }, { ...job, submissions: 2 })).toBe(true);
  });

  it("keeps the first generation's message id as it was, and gives later ones their own", () => {
    expect(taskMessageId("j", 1)).toBe("j:1");
    expect(taskMessageId("j", 1, 1)).toBe("j:1");
    expect(taskMessageId("j", 1, 2)).toBe("j:1:g2");
    expect(taskMessageId("j", 2, 2)).not.toBe(taskMessageId("j", 1, 2));
  });

  it("still parses a task sent before generations existed", () => {
    const old = {
      schemaVersion: MESSAGE_SCHEMA_VERSION,
      jobId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      userId: "alice",
      submission: 1,
      blob: { container: "uploads", name: "alice/x", sizeBytes: 10, contentType: "application/pdf" },
      documentKind: "pdf",
      model: { name: "docsift-kie" },
      submittedAt: T0.toISOString(),
    };
    expect(InferenceTaskSchema.parse(old).dispatch).toBeUndefined();
    expect(InferenceTaskSchema.parse({ ...old, dispatch: 3 }).dispatch).toBe(3);
    expect(InferenceTaskSchema.safeParse({ ...old, dispatch: 0 }).success).toBe(false);
  });
});

describe("the processing lease", () => {
  it("is recorded at start and renewed by a takeover, and ends with the job", () => {
    const started = applied(sentJob(), { type: "start", at: at(1), attempt: 1, leaseUntil: at(600) }).job;
    expect(started.leaseUntil).toBe(at(600).toISOString());
    const taken = applied(started, { type: "start", at: at(30), attempt: 2, leaseUntil: at(630) }).job;
    expect(taken.leaseUntil).toBe(at(630).toISOString());
    const completed = applied(taken, { type: "complete", at: at(40), result: sampleResult() }).job;
    expect(completed.leaseUntil).toBeUndefined();
    const retried = applied(taken, { type: "retry", at: at(40), reason: "DEPENDENCY_UNAVAILABLE" }).job;
    expect(retried.leaseUntil).toBeUndefined();
  });
});

describe("which jobs are stalled", () => {
  const bounds = (s: number) => ({ now: at(s), redispatchAfterMs: 600_000 });

  it("a QUEUED job whose task was sent, unchanged for longer than the bound", () => {
    expect(isStalled(sentJob(), bounds(599))).toBe(false);
    expect(isStalled(sentJob(), bounds(601))).toBe(true);
  });

  it("not a QUEUED job whose task was never sent: that is the dispatcher's to send", () => {
    expect(isStalled({ ...sentJob(), dispatched: 0 }, bounds(3600))).toBe(false);
  });

  it("a PROCESSING job past its lease, and not one without a lease or within it", () => {
    const started = applied(sentJob(), { type: "start", at: at(1), attempt: 1, leaseUntil: at(600) }).job;
    expect(isStalled(started, bounds(599))).toBe(false);
    expect(isStalled(started, bounds(601))).toBe(true);
    const { leaseUntil: _lease, ...withoutLease } = started;
    expect(isStalled(withoutLease, bounds(3600))).toBe(false);
  });

  it("never a finished job", () => {
    const started = applied(sentJob(), { type: "start", at: at(1), attempt: 1, leaseUntil: at(2) }).job;
    const done = applied(started, { type: "complete", at: at(3), result: sampleResult() }).job;
    expect(isStalled(done, bounds(3600))).toBe(false);
  });
});

/** Jobs in memory with the etag rule. */
class MemoryJobs implements Pick<JobRepository, "get" | "replace"> {
  readonly jobs = new Map<string, Versioned<Job>>();
  #n = 0;
  put(job: Job): Versioned<Job> {
    const v = { value: structuredClone(job), etag: `e${++this.#n}` };
    this.jobs.set(job.id, v);
    return structuredClone(v);
  }
  async get(_userId: string, jobId: string) {
    const v = this.jobs.get(jobId);
    return v ? structuredClone(v) : undefined;
  }
  async replace(job: Job, etag: string) {
    if (this.jobs.get(job.id)?.etag !== etag) throw new ConcurrencyConflictError("job", job.id);
    return this.put(job);
  }
}

const asRepository = (jobs: MemoryJobs) => jobs as unknown as JobRepository;

describe("the outbox", () => {
  it("holds the event of every transition until it is published", () => {
    const d = applied(sentJob(), { type: "start", at: at(1), attempt: 1 });
    expect(d.job.outbox).toBe(d.event.eventId);
    expect(pendingEvent(d.job)).toEqual({ ...d.event, at: d.job.updatedAt });
    // Progress is not kept there: it is superseded by the next report anyway.
    const progressed = decide(d.job, { type: "progress", at: at(2), stage: "extract", pagesDone: 1 });
    expect(progressed.job.outbox).toBe(d.event.eventId);
  });

  it("is emptied after a successful publish, and kept when the publish fails", async () => {
    const jobs = new MemoryJobs();
    const job = jobs.put(sentJob()).value;
    const published: JobEvent[] = [];
    const ok = await transitionJob(
      { jobs: asRepository(jobs), events: { publish: async (e) => void published.push(e) } },
      job.userId,
      job.id,
      { type: "start", at: at(1), attempt: 1 },
    );
    expect(published.map((e) => e.type)).toEqual(["job.processing"]);
    expect(ok.job.value.outbox).toBeUndefined();
    expect(jobs.jobs.get(job.id)!.value.outbox).toBeUndefined();
    // The returned version is the stored one: its etag still writes.
    expect(ok.job.etag).toBe(jobs.jobs.get(job.id)!.etag);

    const failing = { publish: async () => Promise.reject(new Error("broker down")) };
    await expect(
      transitionJob({ jobs: asRepository(jobs), events: failing }, job.userId, job.id, {
        type: "complete",
        at: at(2),
        result: sampleResult(),
      }),
    ).rejects.toThrow("broker down");
    const stored = jobs.jobs.get(job.id)!.value;
    expect(stored.status).toBe("COMPLETED");
    expect(pendingEvent(stored)?.type).toBe("job.completed");
  });

  it("lets a repeated command re-send the event only while the publish is unconfirmed", async () => {
    const jobs = new MemoryJobs();
    const job = jobs.put(sentJob()).value;
    const published: JobEvent[] = [];
    const events = { publish: async (e: JobEvent) => void published.push(e) };
    const failing = { publish: async () => Promise.reject(new Error("broker down")) };
    const fail = {
      type: "fail",
      at: at(2),
      error: { code: "CORRUPT_DOCUMENT", message: "The document could not be read.", permanent: true },
    } as const;
    // The worker's fail was written, its publish failed: the triage's repeated fail sends it.
    await expect(
      transitionJob({ jobs: asRepository(jobs), events: failing }, job.userId, job.id, fail),
    ).rejects.toThrow();
    const mended = await transitionJob({ jobs: asRepository(jobs), events }, job.userId, job.id, fail);
    expect(mended.decision.outcome).toBe("duplicate");
    expect(published.map((e) => e.type)).toEqual(["job.failed"]);
    // Once confirmed, a further repeat sends nothing: the user gets one job.failed, not two.
    const again = await transitionJob({ jobs: asRepository(jobs), events }, job.userId, job.id, fail);
    expect(again.event).toBeUndefined();
    expect(published).toHaveLength(1);
  });

  it("is left for the timer when someone wrote the job in between", async () => {
    const jobs = new MemoryJobs();
    const d = applied(sentJob(), { type: "start", at: at(1), attempt: 1 });
    const stored = jobs.put(d.job);
    jobs.put({ ...d.job, updatedAt: at(2).toISOString() }); // a concurrent write
    const after = await confirmPublished(asRepository(jobs), stored, d.event.eventId);
    expect(after.value.outbox).toBe(d.event.eventId);
    expect(after.etag).toBe(jobs.jobs.get(d.job.id)!.etag);
  });
});

describe("retry backoff", () => {
  const policy = { baseMs: 1000, capMs: 30_000 };

  it("doubles per retry up to the cap, between half and all of it", () => {
    const low = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, () => 0));
    const high = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, () => 1));
    expect(high).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(low).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
  });

  it("never waits zero and never past the cap, whatever the retry count", () => {
    for (const n of [0, 10, 100, 10_000]) {
      const delay = backoffDelayMs(n, policy, Math.random);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});
