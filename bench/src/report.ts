import { pathToFileURL } from "node:url";
// Every benchmark returns one report; `npm run bench` prints them as a table and writes JSON
// to bench/results/ so runs can be compared.
export interface BenchReport {
  name: string;
  /** Figures with their unit in the key, e.g. `msgPerSec`, `p99Ms`, `peakRssMb`. */
  metrics: Record<string, number>;
  notes?: string[];
}

export type Bench = () => Promise<BenchReport>;

/** Whether the module at `moduleUrl` is the script Node was started with (a benchmark run alone). */
export const isMain = (moduleUrl: string): boolean =>
  Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1] as string).href;

/** Runs one benchmark on its own: its report printed as JSON; a failure sets exit code 1. */
export function runStandalone(bench: Bench): void {
  bench().then(
    (report) => console.log(JSON.stringify(report, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}

/** Nearest-rank percentile of a list of samples (ms). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
