import { describe, expect, it } from "vitest";
import type { Behavior } from "../../src/capacity/hpa.js";
import {
  hpaDecision,
  metricReplicas,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
} from "../../src/capacity/hpa.js";

const behavior = (downWindow: number, podsPerMinute?: number): Behavior => ({
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: downWindow,
    selectPolicy: "Min",
    policies:
      podsPerMinute === undefined
        ? [{ type: "Percent", value: 100, periodSeconds: 15 }]
        : [{ type: "Pods", value: podsPerMinute, periodSeconds: 60 }],
  },
});

describe("HPA replicas from an external AverageValue metric", () => {
  it("asks for ceil(metric / target) pods", () => {
    expect(metricReplicas(12, 1, 10)).toBe(12);
    expect(metricReplicas(7, 5, 1)).toBe(2);
    expect(metricReplicas(0, 1, 3)).toBe(0);
  });

  it("stays put within the 10 % tolerance: 21 active messages on 20 pods add no pod, 19 remove none", () => {
    expect(metricReplicas(21, 1, 20)).toBe(20);
    expect(metricReplicas(19, 1, 20)).toBe(20);
    expect(metricReplicas(17, 1, 20)).toBe(17);
    // 11 on 10 is exactly 10 % off, but 1 - 11/10 is 0.10000000000000009 in float64, as in the
    // controller: it scales.
    expect(metricReplicas(11, 1, 10)).toBe(11);
  });
});

describe("HPA stabilization", () => {
  it("scales down only to the highest recommendation within the window", () => {
    const history = [
      { at: 0, replicas: 10 },
      { at: 15, replicas: 4 },
    ];
    expect(stabilize(history, 30, 10, 3, behavior(60))).toBe(10);
    // The 10 left the 20 s window (cutoff 10 s): the highest left is 4.
    expect(stabilize(history, 30, 10, 3, behavior(20))).toBe(4);
    expect(stabilize(history, 30, 10, 3, behavior(0))).toBe(3);
  });

  it("does not hold back a scale-up with no scale-up window", () => {
    expect(stabilize([{ at: 0, replicas: 2 }], 15, 2, 9, behavior(300))).toBe(9);
  });
});

describe("HPA rate policies", () => {
  it("scales up by the larger of 4 pods or 100 % per 15 s", () => {
    expect(scaleUpLimit(2, [], [], behavior(0).scaleUp, 100)).toBe(6);
    expect(scaleUpLimit(10, [], [], behavior(0).scaleUp, 100)).toBe(20);
    // 4 pods were added 10 s ago: the period started at 2, so 2 → 6 is all it allows.
    expect(scaleUpLimit(6, [{ at: 90, change: 4 }], [], behavior(0).scaleUp, 100)).toBe(6);
  });

  it("removes at most N pods per minute, counting the ones the minute already removed", () => {
    const rules = behavior(0, 1).scaleDown;
    expect(scaleDownLimit(10, [], [], rules, 60)).toBe(9);
    expect(scaleDownLimit(10, [], [{ at: 30, change: 1 }], rules, 60)).toBe(10);
    expect(scaleDownLimit(10, [], [{ at: 30, change: 1 }], rules, 91)).toBe(9);
  });

  it("puts the decision together: stabilize, limit the rate, keep within min and max", () => {
    const base = { min: 1, max: 20, history: [], upEvents: [], downEvents: [] };
    // 1 pod/min: 10 → 9 although 3 are asked for.
    expect(hpaDecision({ ...base, now: 60, current: 10, desired: 3, behavior: behavior(0, 1) })).toBe(9);
    // No rate limit: straight to 3; and never below min.
    expect(hpaDecision({ ...base, now: 60, current: 10, desired: 3, behavior: behavior(0) })).toBe(3);
    expect(hpaDecision({ ...base, now: 60, current: 10, desired: 0, behavior: behavior(0) })).toBe(1);
    // Scale-up limited to 4 pods or doubling, and to max.
    expect(hpaDecision({ ...base, now: 60, current: 2, desired: 30, behavior: behavior(0) })).toBe(6);
    expect(hpaDecision({ ...base, now: 60, current: 15, desired: 30, behavior: behavior(0) })).toBe(20);
  });
});
