import { describe, expect, it } from "vitest";
import { evaluate, searchSettings } from "../../src/capacity/search.js";
import { PREVIOUS_DEFAULTS, deployedBehavior } from "../../src/capacity/settings.js";
import { burstyTrace } from "../../src/capacity/trace.js";

const workload = { maxPods: 20, podStartSeconds: 45, concurrency: 1 };
const target = { p95WaitSeconds: 120 };

describe("the settings search on the reference-like 6-hour bursty trace", () => {
  const trace = burstyTrace({ hours: 6, seed: 1 });
  const ranked = searchSettings(trace, workload, target);
  const best = ranked[0]!;

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
    const previous = evaluate(trace, PREVIOUS_DEFAULTS, workload, target);
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
