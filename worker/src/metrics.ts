import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const JOB_OUTCOMES = [
  "completed",
  "failed",
  "retried",
  "dead_lettered",
  "invalid",
  "skipped",
] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];
export type Stage = "download" | "extract" | "infer" | "total";

/**
 * The worker's Prometheus metrics, on a registry of its own so several workers in one process
 * (tests) do not collide on prom-client's global registry.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly jobs: Counter<"outcome">;
  readonly stageSeconds: Histogram<"stage">;
  readonly inFlight: Gauge;
  readonly lockRenewals: Counter<"result">;
  readonly documentBytes: Counter;
  readonly documentSizeBytes: Histogram;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.jobs = new Counter({
      name: "docsift_worker_jobs_total",
      help: "Task messages handled, by outcome",
      labelNames: ["outcome"],
      registers,
    });
    // Pre-set every outcome to 0 so rate() and alerts see the series before the first event.
    for (const outcome of JOB_OUTCOMES) this.jobs.inc({ outcome }, 0);
    this.stageSeconds = new Histogram({
      name: "docsift_worker_stage_duration_seconds",
      help: "Time spent per processing stage of a job",
      labelNames: ["stage"],
      // Jobs run from under a second to several minutes.
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.inFlight = new Gauge({
      name: "docsift_worker_jobs_in_flight",
      help: "Jobs being processed now",
      registers,
    });
    this.lockRenewals = new Counter({
      name: "docsift_worker_lock_renewals_total",
      help: "Message lock renewals, by result (ok, lost, error)",
      labelNames: ["result"],
      registers,
    });
    for (const result of ["ok", "lost", "error"]) this.lockRenewals.inc({ result }, 0);
    this.documentBytes = new Counter({
      name: "docsift_worker_document_bytes_total",
      help: "Bytes of documents downloaded",
      registers,
    });
    this.documentSizeBytes = new Histogram({
      name: "docsift_worker_document_size_bytes",
      help: "Size of each downloaded document",
      buckets: [64 * 1024, 1 << 20, 5 << 20, 10 << 20, 25 << 20, 50 << 20, 100 << 20, 250 << 20],
      registers,
    });
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: "docsift_worker_" });
  }

  outcome(outcome: JobOutcome): void {
    this.jobs.inc({ outcome });
  }

  stage(stage: Stage, ms: number): void {
    this.stageSeconds.observe({ stage }, ms / 1000);
  }

  async count(outcome: JobOutcome): Promise<number> {
    const metric = await this.jobs.get();
    return metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  }
}
