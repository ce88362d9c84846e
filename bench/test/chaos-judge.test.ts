import { describe, expect, it } from "vitest";
import type { Job, JobStatus } from "@docsift/core";
import { newUploadJob } from "@docsift/core/testing";
import { judgeRun } from "../src/chaos/judge.js";
import type { ReceivedFinalEvent, RunObservations } from "../src/chaos/judge.js";

const T0 = Date.parse("2026-12-07T12:00:00Z");

/** A job that went through `path` (after AWAITING_UPLOAD), ending in its last state. */
function jobThrough(id: string, path: [JobStatus, string?][], error?: Job["error"]): Job {
  const job = newUploadJob("chaos-run", { id, at: new Date(T0) });
  let from: JobStatus = "AWAITING_UPLOAD";
  const history = [...job.history];
  for (const [to, reason] of path) {
    history.push({ from, to, at: new Date(T0).toISOString(), attempt: 1, ...(reason ? { reason } : {}) });
    from = to;
  }
  return { ...job, status: from, history, ...(error ? { error } : {}) };
}

const completed = (id: string) => jobThrough(id, [["QUEUED"], ["PROCESSING"], ["COMPLETED"]]);
const event = (jobId: string, type: string, n = 4, at = T0 + 2000): ReceivedFinalEvent => ({
  eventId: `${jobId}:${n}`,
  type,
  at,
});

function run(jobs: Job[], overrides: Partial<RunObservations> = {}): RunObservations {
  return {
    submitted: new Map(jobs.map((j) => [j.id, { label: `${j.id}.txt`, poison: false, submittedAt: T0 }])),
    stored: new Map(jobs.map((j) => [j.id, j])),
    finalEvents: new Map(jobs.map((j) => [j.id, [event(j.id, `job.${j.status.toLowerCase()}`)]])),
    tempEntries: [],
    killTimes: [],
    drainBoundMs: 300_000,
    ...overrides,
  };
}

describe("the verdict on a chaos run", () => {
  it("finds nothing wrong when every job ended once and was announced once, and gives the figures", () => {
    const a = completed("a");
    const b = jobThrough("b", [["QUEUED"], ["PROCESSING"], ["FAILED"]], {
      code: "CORRUPT_DOCUMENT",
      message: "The document could not be read.",
      permanent: true,
    });
    const observed = run([a, b], {
      submitted: new Map([
        ["a", { label: "a.txt", poison: false, submittedAt: T0 }],
        ["b", { label: "b.pdf", poison: true, submittedAt: T0 }],
      ]),
      finalEvents: new Map([
        ["a", [event("a", "job.completed", 4, T0 + 1000), event("a", "job.completed", 4, T0 + 9000)]],
        ["b", [event("b", "job.failed", 4, T0 + 3000)]],
      ]),
    });
    const verdict = judgeRun(observed);
    expect(verdict.violations).toEqual([]);
    expect(verdict).toMatchObject({
      jobs: 2,
      completed: 1,
      failedByCause: { CORRUPT_DOCUMENT: 1 },
      poison: 1,
      // The same event id twice is allowed (clients key on it), and counted.
      duplicateFinalDeliveries: 1,
      jobsWithSeveralFinalEvents: 0,
      timeToFinalMaxMs: 3000,
    });
  });

  it("names a job left unfinished, one that ended twice and one never announced", () => {
    const stuck = jobThrough("stuck", [["QUEUED"], ["PROCESSING"]]);
    const twice = jobThrough("twice", [["QUEUED"], ["PROCESSING"], ["COMPLETED"], ["COMPLETED"]]);
    const silent = completed("silent");
    const verdict = judgeRun(
      run([stuck, twice, silent], {
        finalEvents: new Map([["twice", [event("twice", "job.completed")]]]),
      }),
    );
    expect(verdict.violations).toEqual([
      "job stuck (stuck.txt) stuck in PROCESSING after 300 s",
      expect.stringMatching(/^job twice \(twice.txt\) reached a final state 2 times/),
      "job silent (silent.txt) ended COMPLETED but no final event arrived",
    ]);
  });

  it("names two different final events, a wrong announcement, a causeless failure and a poison document that passed", () => {
    const two = completed("two");
    const wrong = completed("wrong");
    const causeless = jobThrough("causeless", [["QUEUED"], ["PROCESSING"], ["FAILED"]]);
    const poison = completed("poison");
    const observed = run([two, wrong, causeless, poison], {
      finalEvents: new Map([
        ["two", [event("two", "job.completed", 4), event("two", "job.completed", 6)]],
        ["wrong", [event("wrong", "job.failed")]],
        ["causeless", [event("causeless", "job.failed")]],
        ["poison", [event("poison", "job.completed")]],
      ]),
    });
    (observed.submitted as Map<string, { label: string; poison: boolean; submittedAt: number }>).set(
      "poison",
      {
        label: "poison.pdf",
        poison: true,
        submittedAt: T0,
      },
    );
    const verdict = judgeRun(observed);
    expect(verdict.jobsWithSeveralFinalEvents).toBe(1);
    expect(verdict.failedByCause).toEqual({ none: 1 });
    expect(verdict.violations).toEqual([
      expect.stringMatching(/^job two \(two.txt\) had 2 distinct final events/),
      expect.stringMatching(/^job wrong \(wrong.txt\) is COMPLETED but was announced as .*job.failed/),
      "job causeless (causeless.txt) FAILED without a cause",
      "poison job poison (poison.pdf) ended COMPLETED",
    ]);
  });

  it("counts a sweep's re-dispatch and a second start", () => {
    const recovered = jobThrough("r", [
      ["QUEUED"],
      ["PROCESSING"],
      ["QUEUED", "processing lease expired"],
      ["PROCESSING"],
      ["COMPLETED"],
    ]);
    const verdict = judgeRun(run([recovered, completed("plain")]));
    expect(verdict).toMatchObject({ redispatched: 1, startedMoreThanOnce: 1, violations: [] });
  });

  it("accepts a temp download touched shortly before a kill and names any other as left behind", () => {
    const kill = T0 + 60_000;
    const verdict = judgeRun(
      run([completed("a")], {
        killTimes: [kill],
        tempEntries: [
          { name: "docsift-dl-killed", mtimeMs: kill - 500 },
          { name: "docsift-dl-leaked", mtimeMs: kill + 30_000 },
        ],
      }),
    );
    expect(verdict.tempLeftByKills).toBe(1);
    expect(verdict.violations).toEqual([expect.stringMatching(/^temp entry docsift-dl-leaked left behind/)]);
  });
});
