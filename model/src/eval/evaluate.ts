import type { ExtractedPage } from "@docsift/core";
import { generateDocument } from "../generator/generate.js";
import { deriveSeed } from "../generator/prng.js";
import type { Split, SyntheticDocument } from "../generator/types.js";
import { stripLabels } from "../render/pages.js";
import { pagesFor, type Variant } from "../train/dataset.js";
import type { KeyInfoModel } from "../runtime/key-info-model.js";
import type { SplitMetrics } from "../runtime/manifest.js";
import { MetricsAccumulator } from "./metrics.js";

export interface SplitSpec {
  key: string;
  label: string;
  split: Split;
  documents: number;
  /** Seeds are derived from this; keep it apart from the training seed. */
  seed: number;
  /** How a document reaches the model: generated layout (optionally through simulated OCR) or a real reader. */
  pages: Variant | ((doc: SyntheticDocument) => Promise<ExtractedPage[]> | AsyncIterable<ExtractedPage>);
  /** A fixed document list instead of `documents` generated from `seed` (e.g. the one-page OCR split). */
  docs?: SyntheticDocument[];
}

export interface SplitResult {
  metrics: SplitMetrics;
  errors: MetricsAccumulator["errors"];
  msPerPage: number;
}

/** Runs the full runtime path (features → ONNX → decoder) on freshly generated documents of one split. */
export async function evaluateSplit(model: KeyInfoModel, spec: SplitSpec): Promise<SplitResult> {
  const acc = new MetricsAccumulator();
  let pages = 0;
  let ms = 0;
  const count = spec.docs ? spec.docs.length : spec.documents;
  for (let i = 0; i < count; i++) {
    const doc = spec.docs?.[i] ?? generateDocument(deriveSeed(spec.seed, i), { split: spec.split });
    const seed = doc.seed;
    const started = performance.now();
    const source =
      typeof spec.pages === "function" ? await spec.pages(doc) : stripLabels(pagesFor(doc, spec.pages));
    const result = await model.extract(source);
    ms += performance.now() - started;
    pages += result.pages;
    acc.add(seed, doc.truth, result.documentType, result.fields);
  }
  return { metrics: acc.result(), errors: acc.errors, msPerPage: pages ? ms / pages : 0 };
}

/** A document with known truth, read however its family is read (a real reader, OCR, generated layout). */
export interface EvalItem {
  seed: number;
  truth: SyntheticDocument["truth"];
  pages: () => Promise<ExtractedPage[]>;
}

/** Runs the full runtime path on any documents with known truth (families, files written by others). */
export async function evaluateItems(
  model: KeyInfoModel,
  items: Iterable<EvalItem> | AsyncIterable<EvalItem>,
): Promise<SplitResult> {
  const acc = new MetricsAccumulator();
  let pages = 0;
  let ms = 0;
  for await (const item of items) {
    const source = await item.pages();
    const started = performance.now();
    const result = await model.extract(source);
    ms += performance.now() - started;
    pages += result.pages;
    acc.add(item.seed, item.truth, result.documentType, result.fields);
  }
  return { metrics: acc.result(), errors: acc.errors, msPerPage: pages ? ms / pages : 0 };
}
