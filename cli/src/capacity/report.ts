import { renderTable } from "../render/table.js";
import type { Evaluation, Target } from "./search.js";
import type { CapacitySettings } from "./settings.js";
import { describeSettings } from "./settings.js";
import type { SimulationResult } from "./simulate.js";

export interface ReportRow {
  label: string;
  settings?: CapacitySettings;
  /** Shown instead of the settings for a row that is not a CapacitySettings (the seed). */
  description?: string;
  result: SimulationResult;
  meetsTarget: boolean;
}

export interface CapacityReport {
  trace: { source: string; jobs: number; workHours: number; spanHours: number };
  workload: { maxPods: number; podStartSeconds: number; concurrency: number; deletionCost: boolean };
  target: Target;
  /** Runs per setting: waits and kills are the worst of them, pod-hours and starts the mean. */
  runs: number;
  rows: ReportRow[];
  /** The cheapest setting meeting the target, if any did. */
  recommended?: CapacitySettings;
  evaluated: number;
}

export const rowOf = (label: string, e: Evaluation): ReportRow => ({
  label,
  settings: e.settings,
  result: e.result,
  meetsTarget: e.meetsTarget,
});

const killedCell = (r: SimulationResult) =>
  r.killedJobs === 0 ? "0" : `${r.killedJobs} (${((100 * r.killedJobs) / r.jobs).toFixed(1)} %)`;

/** The table the README quotes: one row per setting, the figures the target is judged on. */
export function renderReport(report: CapacityReport): string {
  const t = report.trace;
  const w = report.workload;
  const lines = [
    `trace: ${t.source}: ${t.jobs} jobs over ${t.spanHours.toFixed(1)} h, ${t.workHours.toFixed(1)} h of work`,
    `model: max ${w.maxPods} pods, pod start ${w.podStartSeconds} s, concurrency ${w.concurrency}` +
      (w.deletionCost
        ? ", idle pods removed first (pod-deletion-cost)"
        : ", scale-in picks pods as the ReplicaSet does"),
    `target: p95 wait ≤ ${report.target.p95WaitSeconds} s, no job killed` +
      (report.runs > 1 ? ` (worst of ${report.runs} runs; pod-hours and starts their mean)` : ""),
    "",
    renderTable(
      ["", "setting", "p50 wait", "p95 wait", "killed", "pod-hours", "pod starts", "meets target"],
      report.rows.map((row) => [
        row.label,
        row.description ?? (row.settings ? describeSettings(row.settings) : ""),
        `${row.result.waitP50} s`,
        `${row.result.waitP95} s`,
        killedCell(row.result),
        row.result.podHours.toFixed(1),
        String(row.result.podStarts),
        row.meetsTarget ? "yes" : "no",
      ]),
      120,
    ),
  ];
  if (report.evaluated > 1) {
    lines.push(
      "",
      report.recommended
        ? `recommended (cheapest of ${report.evaluated} settings meeting the target): ${describeSettings(report.recommended)}, drain grace ${report.recommended.drainGraceSeconds} s`
        : `none of the ${report.evaluated} settings meets the target on this trace`,
    );
  }
  return lines.join("\n");
}
