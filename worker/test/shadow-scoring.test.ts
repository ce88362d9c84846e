import pino from "pino";
import { describe, expect, it } from "vitest";
import type { JobResult } from "@docsift/core";
import type { KeyInfoModel } from "@docsift/model";
import { WorkerMetrics } from "../src/metrics.js";
import { SHADOW_MAX_PAGES, ShadowScorer } from "../src/shadow-scoring.js";
import type { ShadowOffer } from "../src/shadow-scoring.js";

const log = pino({ level: "silent" });
const SHA = "0".repeat(64);
const field = (value: string) => ({ value, confidence: 0.9, page: 1, sourceText: value });

/** What the shadow model reads: `fields`, once `gate` opens. */
function model(version: string, fields: JobResult["fields"] = {}, gate: Promise<void> = Promise.resolve()) {
  return {
    ref: { name: "docsift-kie", version, sha256: SHA },
    extract: async () => {
      await gate;
      return { documentType: "invoice", documentTypeConfidence: 0.9, fields, needsReview: false, pages: 1 };
    },
  } as unknown as KeyInfoModel;
}

const served: JobResult = {
  documentType: "invoice",
  documentTypeConfidence: 0.95,
  fields: { invoiceNumber: field("A-1"), totalAmount: field("100.00") },
  source: "model",
  needsReview: false,
  pages: 1,
  ocrPages: 0,
  characters: 100,
  documentSha256: SHA,
  model: { name: "docsift-kie", version: "1", sha256: SHA },
  timings: { downloadMs: 1, extractMs: 1, inferMs: 1, totalMs: 3 },
};

function offer(over: Partial<ShadowOffer> = {}) {
  const state = { removed: 0, released: 0 };
  const o: ShadowOffer = {
    jobId: "job-1",
    served: model("1"),
    shadow: model("2", { invoiceNumber: field("A-1"), totalAmount: field("110.00") }),
    result: served,
    document: {
      pages: async function* () {},
      remove: () => {
        state.removed++;
        return Promise.resolve();
      },
    },
    release: () => state.released++,
    busy: false,
    ...over,
  };
  return { offer: o, state };
}

const count = async (metrics: WorkerMetrics, name: string, labels: Record<string, string>) => {
  const text = await metrics.registry.metrics();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(" ").at(-1)) : 0;
};

describe("shadow scoring", () => {
  it("counts per field whether the shadow model read the same value, then lets go of the document and model", async () => {
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    const scorer = new ShadowScorer(metrics, log, 10_000);
    const { offer: o, state } = offer();
    scorer.offer(o)!.start();
    await scorer.idle();
    const agreement = "docsift_worker_shadow_field_agreement_total";
    const labels = { served_version: "1", shadow_version: "2" };
    expect(await count(metrics, agreement, { ...labels, field: "invoiceNumber", agreement: "agree" })).toBe(
      1,
    );
    expect(await count(metrics, agreement, { ...labels, field: "totalAmount", agreement: "disagree" })).toBe(
      1,
    );
    expect(await count(metrics, agreement, { ...labels, field: "iban", agreement: "agree" })).toBe(1);
    expect(await count(metrics, agreement, { ...labels, field: "documentType", agreement: "agree" })).toBe(1);
    expect(state).toEqual({ removed: 1, released: 1 });
  });

  it("declines long and OCR'd documents and results not made by the model", async () => {
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    const scorer = new ShadowScorer(metrics, log, 10_000);
    expect(scorer.offer(offer({ result: { ...served, pages: SHADOW_MAX_PAGES + 1 } }).offer)).toBeUndefined();
    expect(scorer.offer(offer({ result: { ...served, ocrPages: 1 } }).offer)).toBeUndefined();
    expect(scorer.offer(offer({ result: { ...served, source: "e-invoice" } }).offer)).toBeUndefined();
    expect(await count(metrics, "docsift_worker_shadow_jobs_total", { outcome: "skipped_large" })).toBe(2);
  });

  it("scores one document at a time and never while other jobs run", async () => {
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    const scorer = new ShadowScorer(metrics, log, 10_000);
    expect(scorer.offer(offer({ busy: true }).offer)).toBeUndefined();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    scorer.offer(offer({ shadow: model("2", {}, gate) }).offer)!.start();
    const second = offer();
    expect(scorer.offer(second.offer)).toBeUndefined();
    open();
    await scorer.idle();
    expect(await count(metrics, "docsift_worker_shadow_jobs_total", { outcome: "skipped_busy" })).toBe(2);
    expect(await count(metrics, "docsift_worker_shadow_jobs_total", { outcome: "compared" })).toBe(1);
  });

  it("a discarded offer (the job did not complete) removes the document and scores nothing", async () => {
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    const scorer = new ShadowScorer(metrics, log, 10_000);
    const { offer: o, state } = offer();
    const pending = scorer.offer(o)!;
    pending.discard();
    pending.start();
    await scorer.idle();
    await new Promise((r) => setImmediate(r));
    expect(state).toEqual({ removed: 1, released: 1 });
    expect(await count(metrics, "docsift_worker_shadow_jobs_total", { outcome: "compared" })).toBe(0);
  });
});
