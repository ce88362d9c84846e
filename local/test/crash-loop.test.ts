import { describe, expect, it } from "vitest";
import { CrashLoop } from "../src/stack/crash-loop.js";

const policy = { initialDelayMs: 1000, maxDelayMs: 8000, maxCrashes: 6, windowMs: 60_000 };

describe("restarting a crashed child", () => {
  it("waits twice as long after each crash in the window, up to the cap", () => {
    const loop = new CrashLoop(policy);
    const delays = [0, 1, 2, 3, 4].map((i) => loop.crashed(i * 1000));
    expect(delays.map((d) => (d.restart ? d.delayMs : undefined))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it("gives up on the crash that reaches the limit within the window", () => {
    const loop = new CrashLoop(policy);
    for (let i = 0; i < 5; i++) expect(loop.crashed(i * 1000).restart).toBe(true);
    expect(loop.crashed(5000)).toEqual({ restart: false, crashesInWindow: 6 });
  });

  it("forgets crashes older than the window, so a child that ran well starts from the shortest delay", () => {
    const loop = new CrashLoop(policy);
    for (let i = 0; i < 5; i++) loop.crashed(i * 1000);
    expect(loop.crashed(10 * 60_000)).toEqual({ restart: true, delayMs: 1000, crashesInWindow: 1 });
  });
});
