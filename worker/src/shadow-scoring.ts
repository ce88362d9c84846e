import { FIELD_NAMES, compareFields } from "@docsift/core";
import type { JobResult } from "@docsift/core";
import type { KeyInfoModel } from "@docsift/model";
import type { Logger } from "pino";
import type { RetainedDocument } from "./document-pipeline.js";
import type { WorkerMetrics } from "./metrics.js";

/** Past this many pages a document is not scored in shadow: the comparison is not worth the CPU. */
export const SHADOW_MAX_PAGES = 20;

export interface ShadowOffer {
  jobId: string;
  served: KeyInfoModel;
  shadow: KeyInfoModel;
  result: JobResult;
  document: RetainedDocument;
  /** Lets go of the shadow model once the scoring is over (or was never started). */
  release(): void;
  /** Other jobs are in hand: the CPU is theirs. */
  busy: boolean;
}

/** A shadow scoring accepted for later: started once the user's result is recorded, or dropped. */
export interface PendingShadow {
  start(): void;
  discard(): void;
}

/**
 * Scores a served document again with the candidate model, after the user's result is written,
 * and counts per field whether the two agree. One at a time, never while other jobs run, never
 * on long or OCR'd documents (the shadow read has no OCR): it must not cost a user anything.
 */
export class ShadowScorer {
  private running: Promise<void> | undefined;

  constructor(
    private readonly metrics: WorkerMetrics,
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {}

  offer(offer: ShadowOffer): PendingShadow | undefined {
    const labels = { served_version: offer.served.ref.version, shadow_version: offer.shadow.ref.version };
    const skip = (outcome: "skipped_busy" | "skipped_large") => {
      this.metrics.shadowJobs.inc({ ...labels, outcome });
      return undefined;
    };
    // Not taken: the caller keeps the document and the model lease.
    if (offer.result.source !== "model") return undefined;
    if (offer.result.pages > SHADOW_MAX_PAGES || (offer.result.ocrPages ?? 0) > 0)
      return skip("skipped_large");
    if (offer.busy || this.running) return skip("skipped_busy");
    let settled = false;
    const release = async () => {
      offer.release();
      await offer.document.remove().catch(() => undefined);
    };
    return {
      start: () => {
        if (settled) return;
        settled = true;
        if (this.running) {
          this.metrics.shadowJobs.inc({ ...labels, outcome: "skipped_busy" });
          void release();
          return;
        }
        this.running = this.score(offer, labels).finally(() => {
          this.running = undefined;
          return release();
        });
      },
      discard: () => {
        if (settled) return;
        settled = true;
        void release();
      },
    };
  }

  private async score(
    offer: ShadowOffer,
    labels: { served_version: string; shadow_version: string },
  ): Promise<void> {
    try {
      const read = await offer.shadow.extract(offer.document.pages(AbortSignal.timeout(this.timeoutMs)));
      this.metrics.modelResult(labels.shadow_version, "shadow", read.fields);
      const agreement = {
        documentType: offer.result.documentType === read.documentType ? "agree" : "disagree",
        ...compareFields(offer.result.fields, read.fields, FIELD_NAMES),
      } as const;
      for (const [field, verdict] of Object.entries(agreement))
        this.metrics.shadowAgreement.inc({ ...labels, field, agreement: verdict });
      this.metrics.shadowJobs.inc({ ...labels, outcome: "compared" });
      this.log.info(
        {
          jobId: offer.jobId,
          ...labels,
          disagree: Object.keys(agreement).filter(
            (f) => agreement[f as keyof typeof agreement] === "disagree",
          ),
        },
        "scored in shadow",
      );
    } catch (err) {
      this.metrics.shadowJobs.inc({ ...labels, outcome: "failed" });
      this.log.warn({ err, jobId: offer.jobId, ...labels }, "shadow scoring failed");
    }
  }

  /** Waits for a shadow scoring in progress (before the models are closed). */
  async idle(): Promise<void> {
    await this.running;
  }
}
