import { describe, expect, it } from "vitest";
import {
  ALLOWED_TRANSITIONS,
  InvalidTransitionError,
  JOB_STATUSES,
  JobEventSchema,
  JobSchema,
  createJob,
  currentEvent,
  decide,
} from "../src/index.js";
import type { Job, JobCommand, JobResult, JobStatus } from "../src/index.js";
import { sampleResult } from "../src/testing/index.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const result: JobResult = sampleResult();

function jobIn(status: JobStatus, attempt = 1): Job {
  const base = createJob({
    id: "0f8fad5b-d9cb-469f-a165-70867728950e",
    userId: "alice",
    fileName: "a.pdf",
    contentType: "application/pdf",
    sizeBytes: 10,
    blob: { container: "uploads", name: "alice/0f8fad5b-d9cb-469f-a165-70867728950e" },
    uploadWindowMs: 60_000,
    at: T0,
  });
  const extra: Partial<Job> =
    status === "COMPLETED"
      ? { result }
      : status === "FAILED"
        ? { error: { code: "CORRUPT_DOCUMENT", message: "bad", permanent: true } }
        : {};
  return {
    ...base,
    ...extra,
    status,
    attempt: status === "AWAITING_UPLOAD" ? 0 : attempt,
    submissions: status === "AWAITING_UPLOAD" ? 0 : 1,
  };
}

// One representative command per event name; `start` uses a higher attempt than the job's.
const commands: Record<JobCommand["type"], JobCommand> = {
  submit: { type: "submit", at: at(1) },
  expire: { type: "expire", at: at(1) },
  start: { type: "start", at: at(1), attempt: 2 },
  progress: { type: "progress", at: at(1), stage: "extract", pagesDone: 3 },
  complete: { type: "complete", at: at(1), result },
  fail: { type: "fail", at: at(1), error: { code: "CORRUPT_DOCUMENT", message: "bad", permanent: true } },
  retry: { type: "retry", at: at(1), reason: "DEPENDENCY_UNAVAILABLE" },
  resubmit: { type: "resubmit", at: at(1), reason: "on-call" },
  redispatch: { type: "redispatch", at: at(1), reason: "task presumed lost" },
  delete: { type: "delete", at: at(1) },
};

// Commands that repeat what already happened: allowed, but change nothing.
const DUPLICATES: ReadonlyArray<readonly [JobStatus, JobCommand["type"]]> = [
  ["QUEUED", "submit"],
  ["PROCESSING", "submit"],
  ["COMPLETED", "submit"],
  ["FAILED", "submit"],
  ["EXPIRED", "expire"],
  ["COMPLETED", "complete"],
  ["FAILED", "fail"],
  ["QUEUED", "retry"],
  ["DELETED", "delete"],
];

describe("job state machine", () => {
  const allowed = new Map(ALLOWED_TRANSITIONS.map(([from, ev, to]) => [`${from}/${ev}`, to]));
  const duplicates = new Set(DUPLICATES.map(([s, e]) => `${s}/${e}`));

  for (const status of JOB_STATUSES) {
    for (const [name, command] of Object.entries(commands)) {
      const key = `${status}/${name}`;
      if (name === "progress") continue; // not a status transition, tested below
      const to = allowed.get(key);
      if (to) {
        it(`${status} --${name}--> ${to}`, () => {
          const job = jobIn(status);
          const d = decide(job, command);
          expect(d.outcome).toBe("applied");
          if (d.outcome !== "applied") return;
          expect(d.job.status).toBe(to);
          expect(d.job.history).toHaveLength(job.history.length + 1);
          expect(d.job.history.at(-1)).toMatchObject({ from: status, to });
          expect(d.event.status).toBe(to);
          expect(d.event.eventId).toBe(`${job.id}:${job.history.length + 1}`);
          expect(JobSchema.parse(d.job)).toEqual(d.job);
          expect(JobEventSchema.parse(d.event)).toEqual(d.event);
          expect(job.status).toBe(status); // input untouched
        });
      } else if (duplicates.has(key)) {
        it(`${status} --${name}--> duplicate (no-op)`, () => {
          const job = jobIn(status);
          const d = decide(job, command);
          expect(d).toEqual({ outcome: "duplicate", job });
        });
      } else {
        it(`${status} --${name}--> forbidden`, () => {
          expect(() => decide(jobIn(status), command)).toThrow(InvalidTransitionError);
        });
      }
    }
  }

  it("counts submissions and keeps them on resubmit, deriving distinct event ids", () => {
    let job = jobIn("AWAITING_UPLOAD");
    const steps: JobCommand[] = [
      commands.submit,
      { type: "start", at: at(2), attempt: 1 },
      commands.fail,
      commands.resubmit,
      { type: "start", at: at(3), attempt: 1 },
      commands.complete,
    ];
    const ids = new Set<string>();
    for (const c of steps) {
      const d = decide(job, c);
      if (d.outcome !== "applied") throw new Error(`expected ${c.type} to apply`);
      ids.add(d.event.eventId);
      job = d.job;
    }
    expect(job.status).toBe("COMPLETED");
    expect(job.submissions).toBe(2);
    expect(job.error).toBeUndefined();
    expect(ids.size).toBe(steps.length);
    expect(job.history.map((h) => h.to)).toEqual([
      "AWAITING_UPLOAD",
      "QUEUED",
      "PROCESSING",
      "FAILED",
      "QUEUED",
      "PROCESSING",
      "COMPLETED",
    ]);
  });

  it("sets the attempt from the delivery and lets only a later delivery take over", () => {
    const queued = jobIn("QUEUED", 0);
    const started = decide(queued, { type: "start", at: at(1), attempt: 1 });
    expect(started.outcome === "applied" && started.job.attempt).toBe(1);
    const processing = jobIn("PROCESSING", 2);
    expect(decide(processing, { type: "start", at: at(1), attempt: 2 }).outcome).toBe("duplicate");
    expect(decide(processing, { type: "start", at: at(1), attempt: 1 }).outcome).toBe("duplicate");
    const takeover = decide(processing, { type: "start", at: at(1), attempt: 3 });
    expect(takeover.outcome === "applied" && takeover.job.history.at(-1)?.reason).toBe("redelivered");
    expect(() => decide(queued, { type: "start", at: at(1), attempt: 0 })).toThrow(InvalidTransitionError);
  });

  it("records progress only while processing, with an id per stage and page", () => {
    const d = decide(jobIn("PROCESSING"), commands.progress);
    expect(d.outcome).toBe("applied");
    if (d.outcome !== "applied") return;
    expect(d.job.status).toBe("PROCESSING");
    expect(d.job.progress).toMatchObject({ stage: "extract", pagesDone: 3 });
    expect(d.event.type).toBe("job.progress");
    expect(d.event.eventId).toMatch(/:extract:3$/);
    expect(d.job.progress).not.toHaveProperty("pagesTotal");
    // With the document's page count where the reader knows it, in the job and in its event.
    const counted = decide(jobIn("PROCESSING"), { ...commands.progress, pagesTotal: 12 });
    expect(counted.outcome === "applied" && counted.job.progress).toMatchObject({
      pagesDone: 3,
      pagesTotal: 12,
    });
    expect(counted.outcome === "applied" && counted.event.summary).toMatchObject({
      pagesDone: 3,
      pagesTotal: 12,
    });
    for (const s of JOB_STATUSES.filter((x) => x !== "PROCESSING"))
      expect(() => decide(jobIn(s), commands.progress)).toThrow(InvalidTransitionError);
  });

  it("drops result and progress on delete and the error on completion", () => {
    const d = decide(jobIn("COMPLETED"), commands.delete);
    expect(d.outcome === "applied" && d.job.result).toBeUndefined();
    const failedThenRetried = decide(
      { ...jobIn("PROCESSING"), error: { code: "LOCK_LOST", message: "x", permanent: false } },
      commands.complete,
    );
    expect(failedThenRetried.outcome === "applied" && failedThenRetried.job.error).toBeUndefined();
  });

  it("re-derives the event of the current state with the transition's id", () => {
    const d = decide(jobIn("AWAITING_UPLOAD"), commands.submit);
    if (d.outcome !== "applied") throw new Error("expected applied");
    expect(currentEvent(d.job)?.eventId).toBe(d.event.eventId);
    expect(currentEvent(jobIn("AWAITING_UPLOAD"))).toBeUndefined();
  });
});
