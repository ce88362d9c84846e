import { describe, expect, it } from "vitest";
import { decideCreated, decideIntake } from "../src/index.js";

const now = new Date("2026-03-01T12:00:00.000Z");
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);
const inSeconds = (s: number) => new Date(now.getTime() + s * 1000);
const limits = { jobsPerMinute: 3, openUploads: 2 };
let n = 0;
/** Usage from creation times (jobs no longer waiting for their upload) and open upload deadlines. */
const usage = ({ createdAt = [] as Date[], openUploadExpiries = [] as Date[] }) => ({
  jobs: [
    ...createdAt.map((c) => ({ id: `c${++n}`, createdAt: c })),
    ...openUploadExpiries.map((e) => ({ id: `o${++n}`, createdAt: secondsAgo(3600), openUntil: e })),
  ],
});

describe("intake limits", () => {
  it("admits a job while the user is under both limits", () => {
    expect(
      decideIntake(
        usage({ createdAt: [secondsAgo(5), secondsAgo(1)], openUploadExpiries: [inSeconds(600)] }),
        limits,
        now,
      ),
    ).toEqual({ allowed: true });
  });

  it("refuses the job after the per-minute count and says when one has aged out of the window", () => {
    const decision = decideIntake(
      usage({ createdAt: [secondsAgo(50), secondsAgo(20), secondsAgo(10)], openUploadExpiries: [] }),
      limits,
      now,
    );
    // The oldest of the three leaves the 60 s window 10 s from now.
    expect(decision).toMatchObject({ allowed: false, code: "JOB_RATE_LIMITED", retryAfterSeconds: 10 });
  });

  it("counts only jobs created within the last minute", () => {
    const decision = decideIntake(
      usage({
        createdAt: [secondsAgo(61), secondsAgo(90), secondsAgo(10), secondsAgo(5)],
        openUploadExpiries: [],
      }),
      limits,
      now,
    );
    expect(decision.allowed).toBe(true);
  });

  it("waits for enough jobs to age out when the count is past the limit (instances raced)", () => {
    const decision = decideIntake(
      usage({
        createdAt: [secondsAgo(55), secondsAgo(40), secondsAgo(30), secondsAgo(2)],
        openUploadExpiries: [],
      }),
      limits,
      now,
    );
    // Four in the window, three allowed: two must leave, the second at 60 - 40 = 20 s.
    expect(decision).toMatchObject({ code: "JOB_RATE_LIMITED", retryAfterSeconds: 20 });
  });

  it("refuses a job while too many wait for their upload, until the first upload window ends", () => {
    const decision = decideIntake(
      usage({ createdAt: [], openUploadExpiries: [inSeconds(1500), inSeconds(90.2)] }),
      limits,
      now,
    );
    expect(decision).toMatchObject({ allowed: false, code: "TOO_MANY_OPEN_UPLOADS", retryAfterSeconds: 91 });
    if (!decision.allowed) expect(decision.detail).toMatch(/at once/);
  });

  it("does not count an upload whose window has ended but the expiry timer has not reached yet", () => {
    expect(
      decideIntake(usage({ createdAt: [], openUploadExpiries: [secondsAgo(3), inSeconds(100)] }), limits, now)
        .allowed,
    ).toBe(true);
  });

  it("never answers a Retry-After below one second", () => {
    const decision = decideIntake(
      usage({ createdAt: [secondsAgo(59.999), secondsAgo(1), secondsAgo(1)], openUploadExpiries: [] }),
      limits,
      now,
    );
    expect(decision).toMatchObject({ code: "JOB_RATE_LIMITED", retryAfterSeconds: 1 });
  });

  it("keeps only the first jobs of a parallel burst once each sees the others after its write", () => {
    // Five creates passed the check before writing at the same moment (each saw none of the others).
    const burst = ["e", "a", "d", "b", "c"].map((id) => ({ id, createdAt: now }));
    const kept = burst.filter((job) => decideCreated({ jobs: burst }, job, limits, now).allowed);
    // Ties go by id: the first three of the minute stay.
    expect(kept.map((j) => j.id).sort()).toEqual(["a", "b", "c"]);
    // Refused a little later (the write and the second look took 2.5 s): Retry-After counts from then.
    expect(decideCreated({ jobs: burst }, burst[0]!, limits, inSeconds(2.5))).toMatchObject({
      code: "JOB_RATE_LIMITED",
      retryAfterSeconds: 58,
    });
  });

  it("lets a created job keep its place against later jobs and against open uploads created after it", () => {
    const mine = { id: "m", createdAt: secondsAgo(10), openUntil: inSeconds(600) };
    const later = [1, 2, 3].map((i) => ({
      id: `l${i}`,
      createdAt: secondsAgo(5 - i),
      openUntil: inSeconds(600),
    }));
    expect(decideCreated({ jobs: [mine, ...later] }, mine, limits, now).allowed).toBe(true);
    const earlierOpen = [1, 2].map((i) => ({
      id: `e${i}`,
      createdAt: secondsAgo(3000),
      openUntil: inSeconds(60),
    }));
    expect(decideCreated({ jobs: [...earlierOpen, mine] }, mine, limits, now)).toMatchObject({
      code: "TOO_MANY_OPEN_UPLOADS",
    });
  });
});
