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
export const SHADOW_OUTCOMES = ["compared", "skipped_busy", "skipped_large", "failed"] as const;
export type ShadowOutcome = (typeof SHADOW_OUTCOMES)[number];

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
  readonly modelJobs: Counter<"model_version" | "role">;
  readonly fieldConfidence: Histogram<"model_version" | "field">;
  readonly shadowJobs: Counter<"served_version" | "shadow_version" | "outcome">;
  readonly shadowAgreement: Counter<"served_version" | "shadow_version" | "field" | "agreement">;

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
    this.modelJobs = new Counter({
      name: "docsift_worker_model_jobs_total",
      help: "Documents read by each model version: served (the user's result) or shadow (compared only)",
      labelNames: ["model_version", "role"],
      registers,
    });
    this.fieldConfidence = new Histogram({
      name: "docsift_worker_field_confidence",
      help: "Calibrated confidence of each field a model version found (served and shadow results)",
      labelNames: ["model_version", "field"],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99],
      registers,
    });
    this.shadowJobs = new Counter({
      name: "docsift_worker_shadow_jobs_total",
      help: "Jobs picked for shadow scoring, by outcome (compared, or why not)",
      labelNames: ["served_version", "shadow_version", "outcome"],
      registers,
    });
    this.shadowAgreement = new Counter({
      name: "docsift_worker_shadow_field_agreement_total",
      help: "Per field (and documentType), whether the shadow model read the same value as the served one",
      labelNames: ["served_version", "shadow_version", "field", "agreement"],
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

  /** A model's result: which version read the document, and how sure it was of each field. */
  modelResult(
    version: string,
    role: "served" | "shadow",
    fields: Readonly<Record<string, { confidence: number } | undefined>>,
  ): void {
    this.modelJobs.inc({ model_version: version, role });
    for (const [field, found] of Object.entries(fields))
      if (found) this.fieldConfidence.observe({ model_version: version, field }, found.confidence);
  }

  async count(outcome: JobOutcome): Promise<number> {
    const metric = await this.jobs.get();
    return metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  }
}
