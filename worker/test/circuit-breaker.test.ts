import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CircuitBreaker } from "../src/circuit-breaker.js";

// The breaker's states with fake timers: which outcomes open it, when it probes, what a probe decides.

function breaker(probeResults: boolean[]) {
  const calls: string[] = [];
  const b = new CircuitBreaker({
    failures: 3,
    cooldownMs: 1000,
    probe: async () => {
      calls.push("probe");
      if (!probeResults.shift()) throw new Error("still down");
    },
    onOpen: () => void calls.push("open"),
    onClose: () => void calls.push("close"),
  });
  return { b, calls };
}

describe("circuit breaker", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("opens after the configured failures in a row, not before", () => {
    const { b, calls } = breaker([]);
    b.failure();
    b.failure();
    expect(b.state).toBe("closed");
    b.failure();
    expect(b.state).toBe("open");
    expect(calls).toEqual(["open"]);
    b.dispose();
  });

  it("a success in between resets the count", () => {
    const { b } = breaker([]);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe("closed");
    b.dispose();
  });

  it("probes after the cool-down and closes when the probe succeeds", async () => {
    const { b, calls } = breaker([true]);
    for (let i = 0; i < 3; i++) b.failure();
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual(["open"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(["open", "probe", "close"]);
    expect(b.state).toBe("closed");
    b.dispose();
  });

  it("stays open after a failed probe, for twice the cool-down, then probes again", async () => {
    const { b, calls } = breaker([false, true]);
    for (let i = 0; i < 3; i++) b.failure();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(["open", "probe", "open"]);
    expect(b.state).toBe("open");
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(["open", "probe", "open", "probe", "close"]);
    b.dispose();
  });

  it("ignores failures reported while open (work that was already in hand)", async () => {
    const { b, calls } = breaker([true]);
    for (let i = 0; i < 3; i++) b.failure();
    b.failure();
    b.failure();
    expect(calls).toEqual(["open"]);
    b.dispose();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(["open"]);
  });
});
