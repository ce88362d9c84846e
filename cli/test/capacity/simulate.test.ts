import { describe, expect, it } from "vitest";
import type { AutoscalerModel, PodModel } from "../../src/capacity/simulate.js";
import { percentile, simulate } from "../../src/capacity/simulate.js";

const scaler = (over: Partial<AutoscalerModel> = {}): AutoscalerModel => ({
  messageCount: 1,
  activationMessageCount: 0,
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 60,
  maxReplicas: 20,
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Min",
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    },
  },
  ...over,
});
const pods = (over: Partial<PodModel> = {}): PodModel => ({
  concurrency: 1,
  podStartSeconds: 10,
  drainGraceSeconds: 600,
  requeueAfterKillSeconds: 0,
  ...over,
});

describe("KEDA activation and scale to zero", () => {
  it("starts a pod from zero for one message and removes it a cooldown after the last activity", () => {
    const r = simulate([{ arrival: 0, duration: 60 }], scaler(), pods());
    // Activated at the poll at 0 s, ready at 10 s: the job waits for the pod start.
    expect(r).toMatchObject({ completed: 1, waitP95: 10, podStarts: 1, killedJobs: 0 });
    // Busy until 70 s; last active poll at 60 s; the poll at 120 s is a cooldown later.
    expect(r.podHours * 3600).toBe(120);
  });

  it("never wakes a scaled-to-zero worker for messages at or below the activation count", () => {
    const r = simulate([{ arrival: 0, duration: 60 }], scaler({ activationMessageCount: 1 }), pods(), {
      tailSeconds: 3600,
    });
    expect(r).toMatchObject({ completed: 0, podStarts: 0, podHours: 0 });
  });
});

describe("scale-in and drain", () => {
  // A 20 s job on the first pod, a 400 s job arriving while it runs gets a second pod. When the
  // short one ends the HPA asks for one pod, and the ReplicaSet removes the newest: the busy one.
  const trace = [
    { arrival: 0, duration: 20 },
    { arrival: 12, duration: 400 },
  ];

  it("kills a job that outlasts the drain grace of a pod removed while busy; it runs again elsewhere", () => {
    const r = simulate(trace, scaler(), pods({ drainGraceSeconds: 30 }));
    expect(r).toMatchObject({ completed: 2, killedJobs: 1, kills: 1 });
    // Killed 30 s after the scale-in at 30 s, picked up at once by the idle pod: 60 - 12.
    expect(r.waitMax).toBe(48);
  });

  it("kills nothing when the drain grace covers the job", () => {
    const r = simulate(trace, scaler(), pods({ drainGraceSeconds: 600 }));
    expect(r).toMatchObject({ completed: 2, killedJobs: 0 });
  });

  it("kills nothing when idle pods go first (pod-deletion-cost)", () => {
    const r = simulate(trace, scaler(), pods({ drainGraceSeconds: 30, deletionCost: true }));
    expect(r).toMatchObject({ completed: 2, killedJobs: 0 });
  });
});

describe("percentile", () => {
  it("is the nearest rank", () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile([], 95)).toBe(0);
  });
});
