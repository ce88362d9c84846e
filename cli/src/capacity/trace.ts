/** A job trace: when each task message arrived and how long its job ran, in seconds. */
export interface TraceJob {
  /** Seconds from the start of the trace. */
  arrival: number;
  /** Seconds the job runs on a worker once it has the message. */
  duration: number;
}

/**
 * A small seeded generator (mulberry32): the same seed gives the same trace on every machine,
 * which is all a planner needs; not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface BurstyProfile {
  hours: number;
  seed: number;
  /** Jobs per hour on average; 98.5 gives the 591 jobs of the 6-hour reference trace. */
  jobsPerHour?: number;
  /** Share of the jobs that come in bursts; the rest arrive evenly at random. */
  burstShare?: number;
  /** Bursts per hour on average. */
  burstsPerHour?: number;
  /** A burst's messages arrive within this many seconds (a batch upload, a partner's nightly drop). */
  burstSpreadSeconds?: number;
  minDurationSeconds?: number;
  maxDurationSeconds?: number;
}

export const BURSTY_DEFAULTS = {
  jobsPerHour: 98.5,
  burstShare: 0.6,
  burstsPerHour: 2,
  burstSpreadSeconds: 120,
  minDurationSeconds: 30,
  maxDurationSeconds: 300,
} as const;

/**
 * Bursts of documents over a thin steady stream. Job lengths are log-uniform between the bounds:
 * most documents are short, a few run to the maximum (mean ≈ 117 s for 30–300 s).
 */
export function burstyTrace(profile: BurstyProfile): TraceJob[] {
  const p = { ...BURSTY_DEFAULTS, ...profile };
  const random = seededRandom(p.seed);
  const span = p.hours * 3600;
  const total = Math.round(p.jobsPerHour * p.hours);
  const inBursts = Math.round(total * p.burstShare);
  const bursts = Math.max(1, Math.round(p.burstsPerHour * p.hours));
  const duration = () =>
    Math.round(p.minDurationSeconds * (p.maxDurationSeconds / p.minDurationSeconds) ** random());

  // Burst sizes vary 1:4 around the mean; the weights are normalised to `inBursts` jobs.
  const starts = Array.from({ length: bursts }, () => random() * (span - p.burstSpreadSeconds));
  const weights = starts.map(() => 1 + 3 * random());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor((w / weightSum) * inBursts));
  for (let i = 0, left = inBursts - sizes.reduce((a, b) => a + b, 0); left > 0; i++, left--)
    sizes[i % bursts]! += 1;

  const jobs: TraceJob[] = [];
  starts.forEach((start, b) => {
    for (let i = 0; i < sizes[b]!; i++)
      jobs.push({ arrival: Math.floor(start + random() * p.burstSpreadSeconds), duration: duration() });
  });
  for (let i = inBursts; i < total; i++)
    jobs.push({ arrival: Math.floor(random() * span), duration: duration() });
  return jobs.sort((a, b) => a.arrival - b.arrival);
}

export class TraceFormatError extends Error {}

const seconds = (value: unknown, what: string, line: string): number => {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (typeof value === "string") {
    const at = Date.parse(value);
    if (!Number.isNaN(at) && /^\d{4}-\d{2}-\d{2}T/.test(value)) return at / 1000;
  }
  throw new TraceFormatError(
    `${line}: ${what} must be seconds or an ISO 8601 time, got ${JSON.stringify(value)}`,
  );
};

/** A job record's history, as the API and Cosmos DB hold it (core's JobHistoryEntry). */
interface HistoryEntry {
  to: string;
  at: string;
}

/**
 * One job from a job record: arrival at its first QUEUED, duration from its last PROCESSING to
 * COMPLETED or FAILED. Jobs that never finished say nothing about a job's length and are skipped.
 */
function fromHistory(history: readonly HistoryEntry[]): { arrival: number; duration: number } | undefined {
  const queued = history.find((h) => h.to === "QUEUED");
  const ended = [...history].reverse().find((h) => h.to === "COMPLETED" || h.to === "FAILED");
  const started = [...history].reverse().find((h) => h.to === "PROCESSING");
  if (!queued || !ended || !started) return undefined;
  const start = Date.parse(started.at) / 1000;
  return { arrival: Date.parse(queued.at) / 1000, duration: Date.parse(ended.at) / 1000 - start };
}

/** Shifts arrivals so the trace starts at 0 and orders it; whole seconds, at least one. */
function normalise(jobs: TraceJob[]): TraceJob[] {
  if (jobs.length === 0) throw new TraceFormatError("the trace has no jobs");
  const first = Math.min(...jobs.map((j) => j.arrival));
  return jobs
    .map((j) => ({ arrival: Math.round(j.arrival - first), duration: Math.max(1, Math.round(j.duration)) }))
    .sort((a, b) => a.arrival - b.arrival);
}

/**
 * Reads an export of job timings: CSV with a header naming `arrival` and `duration` columns
 * (seconds, or ISO 8601 arrival times), or JSON: an array of `{ arrival, duration }` or of job
 * records with their `history` (the form `docsift list --all --json` and Cosmos DB give).
 */
export function parseTrace(text: string, format: "csv" | "json"): TraceJob[] {
  if (format === "json") {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new TraceFormatError(`not JSON: ${(err as Error).message}`);
    }
    const items = Array.isArray(data)
      ? data
      : data && typeof data === "object" && Array.isArray((data as { items?: unknown }).items)
        ? (data as { items: unknown[] }).items
        : undefined;
    if (!items) throw new TraceFormatError("JSON trace must be an array (or an object with an items array)");
    const jobs: TraceJob[] = [];
    items.forEach((item, i) => {
      const where = `item ${i}`;
      if (!item || typeof item !== "object") throw new TraceFormatError(`${where}: not an object`);
      const o = item as Record<string, unknown>;
      if (Array.isArray(o.history)) {
        const job = fromHistory(o.history as HistoryEntry[]);
        if (job) jobs.push(job);
        return;
      }
      jobs.push({
        arrival: seconds(o.arrival, "arrival", where),
        duration: seconds(o.duration, "duration", where),
      });
    });
    return normalise(jobs);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines.shift() ?? "").split(",").map((h) => h.trim().toLowerCase());
  const arrivalAt = header.indexOf("arrival");
  const durationAt = header.indexOf("duration");
  if (arrivalAt < 0 || durationAt < 0)
    throw new TraceFormatError('CSV trace needs a header with "arrival" and "duration" columns');
  return normalise(
    lines.map((line, i) => {
      const cells = line.split(",");
      const where = `line ${i + 2}`;
      return {
        arrival: seconds(cells[arrivalAt], "arrival", where),
        duration: seconds(cells[durationAt], "duration", where),
      };
    }),
  );
}
