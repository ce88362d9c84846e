// Every benchmark returns one report; `npm run bench` prints them as a table and writes JSON
// to bench/results/ so runs can be compared.
export interface BenchReport {
  name: string;
  /** Figures with their unit in the key, e.g. `msgPerSec`, `p99Ms`, `peakRssMb`. */
  metrics: Record<string, number>;
  notes?: string[];
}

export type Bench = () => Promise<BenchReport>;

/** Nearest-rank percentile of a list of samples (ms). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
