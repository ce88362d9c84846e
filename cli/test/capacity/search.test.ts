import { beforeAll, describe, expect, it } from "vitest";
import type { Evaluation } from "../../src/capacity/search.js";
import { DEFAULT_GRID, combineRuns, evaluate, searchSettings } from "../../src/capacity/search.js";
import type { SimulationResult } from "../../src/capacity/simulate.js";
import { PREVIOUS_DEFAULTS, deployedBehavior } from "../../src/capacity/settings.js";
import { burstyTrace } from "../../src/capacity/trace.js";

const workload = { maxPods: 20, podStartSeconds: 45, concurrency: 1 };
const target = { p95WaitSeconds: 120 };

describe("the settings search on the reference-like 6-hour bursty trace", () => {
  // Seed 8: the previous defaults wait p95 113 s at ~57 pod-hours, as in the reference.
  const trace = burstyTrace({ hours: 6, seed: 8 });
  let ranked: Evaluation[];
  let best: Evaluation;
  beforeAll(() => {
    // One run per setting keeps this synchronous stretch short on a loaded machine.
    ranked = searchSettings(trace, workload, target, DEFAULT_GRID, 1, 1);
    best = ranked[0]!;
  });

  it("recommends a setting that meets the target: no job killed, every job done, p95 wait within 120 s", () => {
    expect(best.meetsTarget).toBe(true);
    expect(best.result.killedJobs).toBe(0);
    expect(best.result.completed).toBe(trace.length);
    expect(best.result.waitP95).toBeLessThanOrEqual(120);
  });

  it("finds none cheaper among the settings meeting the target", () => {
    const meeting = ranked.filter((e) => e.meetsTarget);
    expect(Math.min(...meeting.map((e) => e.result.podHours))).toBeCloseTo(best.result.podHours, 2);
  });

  it("costs well under the previous defaults, whose slow scale-in keeps idle pods for minutes", () => {
    const previous = evaluate(trace, PREVIOUS_DEFAULTS, workload, target, 1, 1);
    expect(previous.meetsTarget).toBe(true);
    expect(best.result.podHours).toBeLessThan(previous.result.podHours * 0.6);
  });
});

describe("the deployed HPA behavior", () => {
  it("is a pods-per-minute scale-in policy, or 100 % per 15 s with no rate limit", () => {
    expect(deployedBehavior(PREVIOUS_DEFAULTS).scaleDown.policies).toEqual([
      { type: "Pods", value: 1, periodSeconds: 60 },
    ]);
    expect(
      deployedBehavior({ ...PREVIOUS_DEFAULTS, scaleDownPodsPerMinute: null }).scaleDown.policies,
    ).toEqual([{ type: "Percent", value: 100, periodSeconds: 15 }]);
  });
});

describe("several runs of one setting", () => {
  it("are judged by their worst waits and kills and their mean cost", () => {
    const run = (waitP95: number, killedJobs: number, podHours: number): SimulationResult => ({
      jobs: 10,
      completed: 10,
      killedJobs,
      kills: killedJobs,
      waitP50: waitP95 / 2,
      waitP95,
      waitMax: waitP95,
      podHours,
      podStarts: 4,
      peakPods: 3,
      endSeconds: 100,
    });
    expect(combineRuns([run(100, 0, 2), run(130, 1, 4)])).toMatchObject({
      waitP95: 130,
      killedJobs: 1,
      podHours: 3,
    });
  });
});
