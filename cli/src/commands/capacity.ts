import { readFile } from "node:fs/promises";
import path from "node:path";
import { ZodError } from "zod";
import type { CommandContext } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import type { CapacityReport, ReportRow } from "../capacity/report.js";
import { renderReport, rowOf } from "../capacity/report.js";
import { combineRuns, evaluate, searchSettings } from "../capacity/search.js";
import type { CapacitySettings, Workload } from "../capacity/settings.js";
import { PREVIOUS_DEFAULTS, seedModels, settingsFromJson } from "../capacity/settings.js";
import { simulate } from "../capacity/simulate.js";
import type { TraceJob } from "../capacity/trace.js";
import { TraceFormatError, burstyTrace, parseTrace } from "../capacity/trace.js";

export interface CapacityOptions {
  trace?: string;
  profile: "bursty";
  hours: number;
  seed: number;
  targetWait: number;
  maxPods: number;
  podStart: number;
  concurrency: number;
  settings?: string;
  deletionCost: boolean;
  top: number;
  runs: number;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

async function loadTrace(o: CapacityOptions): Promise<{ jobs: TraceJob[]; source: string }> {
  if (!o.trace)
    return { jobs: burstyTrace({ hours: o.hours, seed: o.seed }), source: `bursty profile, seed ${o.seed}` };
  const format = path.extname(o.trace).toLowerCase() === ".csv" ? "csv" : "json";
  try {
    return { jobs: parseTrace(await readText(o.trace), format), source: o.trace };
  } catch (err) {
    if (err instanceof TraceFormatError) throw new CliError(`${o.trace}: ${err.message}`);
    throw err;
  }
}

async function loadSettings(file: string): Promise<CapacitySettings> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readText(file));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${file}: not JSON: ${(err as Error).message}`);
  }
  try {
    return settingsFromJson(raw);
  } catch (err) {
    if (err instanceof ZodError)
      throw new CliError(
        `${file}: not scaling settings: ${err.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
      );
    throw err;
  }
}

/**
 * Replays a job trace through a model of KEDA, the HPA and the worker pods; with --settings it
 * evaluates that one setting, otherwise it searches a grid and recommends the cheapest setting
 * meeting the target wait with no job killed.
 */
export async function capacityCommand(c: CommandContext, o: CapacityOptions): Promise<number> {
  const { jobs, source } = await loadTrace(o);
  const workload: Workload = {
    maxPods: o.maxPods,
    podStartSeconds: o.podStart,
    concurrency: o.concurrency,
    deletionCost: o.deletionCost,
  };
  const target = { p95WaitSeconds: o.targetWait };
  const seed = seedModels(workload);
  const seedResult = combineRuns(
    Array.from({ length: o.runs }, (_, i) => simulate(jobs, seed.scaler, seed.pods, { seed: o.seed + i })),
  );
  const seedRow: ReportRow = {
    label: "seed",
    description: "messageCount 5, HPA default behavior, poll 30s, no drain (30 s grace)",
    result: seedResult,
    meetsTarget: false,
  };

  const rows: ReportRow[] = [];
  let recommended: CapacitySettings | undefined;
  let evaluated = 1;
  if (o.settings) {
    rows.push(
      rowOf(
        path.basename(o.settings),
        evaluate(jobs, await loadSettings(o.settings), workload, target, o.seed, o.runs),
      ),
    );
  } else {
    c.info("searching the settings grid…");
    const ranked = searchSettings(jobs, workload, target, undefined, o.seed, o.runs);
    evaluated = ranked.length;
    recommended = ranked[0]?.meetsTarget ? ranked[0].settings : undefined;
    rows.push(
      seedRow,
      rowOf("previous defaults", evaluate(jobs, PREVIOUS_DEFAULTS, workload, target, o.seed, o.runs)),
    );
    ranked
      .slice(0, o.top)
      .forEach((e, i) => rows.push(rowOf(i === 0 && recommended ? "recommended" : `#${i + 1}`, e)));
  }

  const report: CapacityReport = {
    trace: {
      source,
      jobs: jobs.length,
      workHours: jobs.reduce((sum, j) => sum + j.duration, 0) / 3600,
      spanHours: (jobs[jobs.length - 1]!.arrival - jobs[0]!.arrival) / 3600,
    },
    workload: { ...workload, deletionCost: o.deletionCost },
    runs: o.runs,
    target,
    rows,
    recommended,
    evaluated,
  };
  c.print(() => renderReport(report), report);
  return EXIT.ok;
}
