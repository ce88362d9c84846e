import { describe, expect, it } from "vitest";
import { decideIntake } from "../src/index.js";

const now = new Date("2026-03-01T12:00:00.000Z");
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);
const inSeconds = (s: number) => new Date(now.getTime() + s * 1000);
const limits = { jobsPerMinute: 3, openUploads: 2 };

describe("intake limits", () => {
  it("admits a job while the user is under both limits", () => {
    expect(
      decideIntake(
        { createdAt: [secondsAgo(5), secondsAgo(1)], openUploadExpiries: [inSeconds(600)] },
        limits,
        now,
      ),
    ).toEqual({ allowed: true });
  });

  it("refuses the job after the per-minute count and says when one has aged out of the window", () => {
    const decision = decideIntake(
      { createdAt: [secondsAgo(50), secondsAgo(20), secondsAgo(10)], openUploadExpiries: [] },
      limits,
      now,
    );
    // The oldest of the three leaves the 60 s window 10 s from now.
    expect(decision).toMatchObject({ allowed: false, code: "JOB_RATE_LIMITED", retryAfterSeconds: 10 });
  });

  it("counts only jobs created within the last minute", () => {
    const decision = decideIntake(
      { createdAt: [secondsAgo(61), secondsAgo(90), secondsAgo(10), secondsAgo(5)], openUploadExpiries: [] },
      limits,
      now,
    );
    expect(decision.allowed).toBe(true);
  });

  it("waits for enough jobs to age out when the count is past the limit (instances raced)", () => {
    const decision = decideIntake(
      { createdAt: [secondsAgo(55), secondsAgo(40), secondsAgo(30), secondsAgo(2)], openUploadExpiries: [] },
      limits,
      now,
    );
    // Four in the window, three allowed: two must leave, the second at 60 - 40 = 20 s.
    expect(decision).toMatchObject({ code: "JOB_RATE_LIMITED", retryAfterSeconds: 20 });
  });

  it("refuses a job while too many wait for their upload, until the first upload window ends", () => {
    const decision = decideIntake(
      { createdAt: [], openUploadExpiries: [inSeconds(1500), inSeconds(90.2)] },
      limits,
      now,
    );
    expect(decision).toMatchObject({ allowed: false, code: "TOO_MANY_OPEN_UPLOADS", retryAfterSeconds: 91 });
    if (!decision.allowed) expect(decision.detail).toMatch(/at once/);
  });

  it("does not count an upload whose window has ended but the expiry timer has not reached yet", () => {
    expect(
      decideIntake({ createdAt: [], openUploadExpiries: [secondsAgo(3), inSeconds(100)] }, limits, now)
        .allowed,
    ).toBe(true);
  });

  it("never answers a Retry-After below one second", () => {
    const decision = decideIntake(
      { createdAt: [secondsAgo(59.999), secondsAgo(1), secondsAgo(1)], openUploadExpiries: [] },
      limits,
      now,
    );
    expect(decision).toMatchObject({ code: "JOB_RATE_LIMITED", retryAfterSeconds: 1 });
  });
});
