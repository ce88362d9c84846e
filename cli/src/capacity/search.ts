import type { CapacitySettings, Workload } from "./settings.js";
import { autoscalerModel, podModel } from "./settings.js";
import type { SimulationResult } from "./simulate.js";
import { simulate } from "./simulate.js";
import type { TraceJob } from "./trace.js";

export interface Evaluation {
  settings: CapacitySettings;
  result: SimulationResult;
  meetsTarget: boolean;
}

export interface Target {
  /** p95 queue wait must not exceed this many seconds. */
  p95WaitSeconds: number;
}

/** The settings the search tries: every combination of these values. */
export interface Grid {
  pollingIntervalSeconds: readonly number[];
  cooldownPeriodSeconds: readonly number[];
  activationMessageCount: readonly number[];
  scaleDownStabilizationSeconds: readonly number[];
  scaleDownPodsPerMinute: ReadonlyArray<number | null>;
  drainGraceSeconds: readonly number[];
}

export const DEFAULT_GRID: Grid = {
  pollingIntervalSeconds: [5, 15, 30],
  cooldownPeriodSeconds: [0, 60, 120, 300],
  // Above 0 a lone message never wakes a scaled-to-zero worker: not a setting to recommend.
  activationMessageCount: [0],
  // The HPA syncs every 15 s, so a 15 s window holds no earlier recommendation: the same as 0.
  scaleDownStabilizationSeconds: [0, 30, 60, 120, 300],
  scaleDownPodsPerMinute: [1, 2, 4, null],
  // Above the longest job the drain never kills; below it the search can see what kills cost.
  drainGraceSeconds: [600],
};

export function gridSettings(grid: Grid): CapacitySettings[] {
  const out: CapacitySettings[] = [];
  for (const pollingIntervalSeconds of grid.pollingIntervalSeconds)
    for (const cooldownPeriodSeconds of grid.cooldownPeriodSeconds)
      for (const activationMessageCount of grid.activationMessageCount)
        for (const scaleDownStabilizationSeconds of grid.scaleDownStabilizationSeconds)
          for (const scaleDownPodsPerMinute of grid.scaleDownPodsPerMinute)
            for (const drainGraceSeconds of grid.drainGraceSeconds)
              out.push({
                pollingIntervalSeconds,
                cooldownPeriodSeconds,
                activationMessageCount,
                scaleDownStabilizationSeconds,
                scaleDownPodsPerMinute,
                drainGraceSeconds,
              });
  return out;
}

/**
 * The cluster's random choices (which free pod gets a message, which of equally ranked pods a
 * scale-in removes) move a p95 by a few seconds: a setting is judged on several runs of the same
 * trace, by its worst waits and kills and its mean cost.
 */
export function combineRuns(runs: readonly SimulationResult[]): SimulationResult {
  const worst = (pick: (r: SimulationResult) => number) => Math.max(...runs.map(pick));
  const mean = (pick: (r: SimulationResult) => number) =>
    runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  return {
    jobs: runs[0]!.jobs,
    completed: Math.min(...runs.map((r) => r.completed)),
    killedJobs: worst((r) => r.killedJobs),
    kills: worst((r) => r.kills),
    waitP50: worst((r) => r.waitP50),
    waitP95: worst((r) => r.waitP95),
    waitMax: worst((r) => r.waitMax),
    podHours: mean((r) => r.podHours),
    podStarts: Math.round(mean((r) => r.podStarts)),
    peakPods: worst((r) => r.peakPods),
    endSeconds: worst((r) => r.endSeconds),
  };
}

export const DEFAULT_RUNS = 3;

export function evaluate(
  trace: readonly TraceJob[],
  settings: CapacitySettings,
  workload: Workload,
  target: Target,
  seed = 1,
  runs = DEFAULT_RUNS,
): Evaluation {
  const scaler = autoscalerModel(settings, workload);
  const pods = podModel(settings, workload);
  const result = combineRuns(
    Array.from({ length: runs }, (_, i) => simulate(trace, scaler, pods, { seed: seed + i })),
  );
  return {
    settings,
    result,
    meetsTarget:
      result.killedJobs === 0 && result.completed === result.jobs && result.waitP95 <= target.p95WaitSeconds,
  };
}

/**
 * Every setting of the grid on the trace, cheapest first among those meeting the target (no job
 * killed, every job done, p95 wait within the target), then the rest by cost. Ties go to the
 * lower p95, then to the calmer setting (longer stabilization, lower scale-in rate), which churns
 * fewer pods for the same cost.
 */
export function searchSettings(
  trace: readonly TraceJob[],
  workload: Workload,
  target: Target,
  grid: Grid = DEFAULT_GRID,
  seed = 1,
  runs = DEFAULT_RUNS,
): Evaluation[] {
  const rate = (s: CapacitySettings) => s.scaleDownPodsPerMinute ?? Infinity;
  return gridSettings(grid)
    .map((s) => evaluate(trace, s, workload, target, seed, runs))
    .sort(
      (a, b) =>
        Number(b.meetsTarget) - Number(a.meetsTarget) ||
        round2(a.result.podHours) - round2(b.result.podHours) ||
        a.result.waitP95 - b.result.waitP95 ||
        b.settings.scaleDownStabilizationSeconds - a.settings.scaleDownStabilizationSeconds ||
        rate(a.settings) - rate(b.settings) ||
        b.settings.pollingIntervalSeconds - a.settings.pollingIntervalSeconds,
    );
}

/** Costs compared at the precision the report prints (0.01 pod-hour = 36 s). */
const round2 = (n: number) => Math.round(n * 100) / 100;
