import { describe, expect, it } from "vitest";
import { TraceFormatError, burstyTrace, parseTrace } from "../../src/capacity/trace.js";

describe("the bursty profile", () => {
  it("gives the reference trace's 591 jobs of 30-300 s over 6 hours, the same for the same seed", () => {
    const trace = burstyTrace({ hours: 6, seed: 1 });
    expect(trace).toHaveLength(591);
    expect(Math.min(...trace.map((j) => j.duration))).toBeGreaterThanOrEqual(30);
    expect(Math.max(...trace.map((j) => j.duration))).toBeLessThanOrEqual(300);
    expect(trace.every((j, i) => i === 0 || j.arrival >= trace[i - 1]!.arrival)).toBe(true);
    expect(trace[trace.length - 1]!.arrival).toBeLessThan(6 * 3600);
    expect(burstyTrace({ hours: 6, seed: 1 })).toEqual(trace);
    expect(burstyTrace({ hours: 6, seed: 2 })).not.toEqual(trace);
  });

  it("is bursty: some minute holds many times the mean arrivals per minute", () => {
    const perMinute = new Map<number, number>();
    for (const j of burstyTrace({ hours: 6, seed: 1 }))
      perMinute.set(Math.floor(j.arrival / 60), (perMinute.get(Math.floor(j.arrival / 60)) ?? 0) + 1);
    // 591 jobs in 360 minutes is 1.6 a minute.
    expect(Math.max(...perMinute.values())).toBeGreaterThan(10);
  });
});

describe("reading an export", () => {
  it("reads CSV with ISO 8601 arrivals, starting the trace at 0", () => {
    const csv = "id,arrival,duration\na,2026-12-07T10:00:30Z,45\nb,2026-12-07T10:00:00Z,120.4\n";
    expect(parseTrace(csv, "csv")).toEqual([
      { arrival: 0, duration: 120 },
      { arrival: 30, duration: 45 },
    ]);
  });

  it("reads job records: arrival at QUEUED, duration from the last PROCESSING to the end; skips unfinished jobs", () => {
    const job = (queued: string, processing: string, end?: string) => ({
      id: queued,
      history: [
        { from: "AWAITING_UPLOAD", to: "QUEUED", at: queued },
        { from: "QUEUED", to: "PROCESSING", at: processing },
        ...(end ? [{ from: "PROCESSING", to: "COMPLETED", at: end }] : []),
      ],
    });
    const json = JSON.stringify({
      items: [
        job("2026-12-07T10:00:00Z", "2026-12-07T10:00:05Z", "2026-12-07T10:01:05Z"),
        job("2026-12-07T10:00:10Z", "2026-12-07T10:00:20Z"),
      ],
    });
    const trace = parseTrace(json, "json");
    expect(trace).toEqual([{ arrival: 0, duration: 60 }]);
  });

  it("names what is wrong", () => {
    expect(() => parseTrace("when,how long\n1,2\n", "csv")).toThrow(/"arrival" and "duration"/);
    expect(() => parseTrace("arrival,duration\n1,soon\n", "csv")).toThrow(/line 2: duration/);
    expect(() => parseTrace("{", "json")).toThrow(TraceFormatError);
    expect(() => parseTrace("[]", "json")).toThrow(/no jobs/);
  });
});
