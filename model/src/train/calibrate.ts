import { FIELD_NAMES, type FieldName } from "@docsift/core";
import { documentDateOrder } from "../candidates/date-order.js";
import { titleType, withTitlePrior } from "../candidates/titles.js";
import {
  decode,
  SeenValues,
  type DecodeInput,
  type DecoderOptions,
  type ScoredCandidate,
} from "../decode/decode.js";
import { documentBag, featurizePage, headerWords } from "../features/featurize.js";
import { DENSE_SIZE, FEATURE_SPEC } from "../features/spec.js";
import { generateDocument } from "../generator/generate.js";
import { deriveSeed, Prng } from "../generator/prng.js";
import type { SyntheticDocument, Truth } from "../generator/types.js";
import { stripLabels } from "../render/pages.js";
import { pagesFor, type Variant } from "./dataset.js";
import { FIELD_KIND } from "./labels.js";
import { same } from "../eval/metrics.js";
import {
  fitIsotonic,
  type CalibrationExample,
  type FieldCalibration,
  type IsotonicMap,
} from "../decode/calibration.js";
import { forwardCandidates, forwardDocType, type Weights } from "./weights.js";

export interface ValidationDoc {
  truth: Truth;
  docTypeProbs: number[];
  candidates: Partial<Record<FieldName, ScoredCandidate[]>>;
  seen: DecodeInput["seen"];
}

const THRESHOLDS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7];

/**
 * Scores a validation set drawn from the TRAINING templates and wordings (fresh seeds, the training
 * mix of clean, merged, flowed and OCR-noised pages) with the training-time forward pass, the way
 * the runtime does: every candidate of every page, best few per field.
 */
export function scoreValidation(
  w: Weights,
  seed: number,
  documents: number,
  labelNoise = 0,
  make: (seed: number) => SyntheticDocument = (s) => generateDocument(s, { split: "train", labelNoise }),
): ValidationDoc[] {
  const out: ValidationDoc[] = [];
  const pick = new Prng(deriveSeed(seed, 7));
  const classes = FEATURE_SPEC.classes;
  for (let d = 0; d < documents; d++) {
    const doc = make(deriveSeed(seed, 900_000 + d));
    const r = pick.next();
    const variant: Variant = r < 0.25 ? "ocr" : r < 0.4 ? "merged" : r < 0.55 ? "flowed" : "clean";
    const pages = stripLabels(pagesFor(doc, variant));
    const order = documentDateOrder(pages[0]?.lines ?? []).order;
    const header = pages[0] ? headerWords(pages[0]) : [];
    const candidates: Partial<Record<FieldName, ScoredCandidate[]>> = {};
    const seen = new SeenValues();
    for (const page of pages) {
      const f = featurizePage(page, order, header);
      const probs = forwardCandidates(w, f.idx, f.dense, f.candidates.length);
      f.candidates.forEach((c, i) => {
        seen.remember(c);
        for (let k = 1; k < classes.length; k++) {
          const field = classes[k] as FieldName;
          if (FIELD_KIND[field] !== c.kind) continue;
          const score = probs[i * classes.length + k] as number;
          if (score < 0.01) continue;
          (candidates[field] ??= []).push({ value: c.value, score, page: page.number, sourceText: c.text });
        }
      });
    }
    for (const list of Object.values(candidates)) list.sort((a, b) => b.score - a.score).splice(5);
    const bag = pages[0] ? documentBag(pages[0]) : new Int32Array(FEATURE_SPEC.docSlots);
    const docTypeProbs = withTitlePrior(
      Array.from(forwardDocType(w, bag, 1)),
      FEATURE_SPEC.documentTypes,
      titleType(pages[0]?.lines ?? []),
    );
    out.push({ truth: doc.truth, docTypeProbs, candidates, seen });
  }
  void DENSE_SIZE;
  return out;
}

function fieldF1(docs: ValidationDoc[], opts: DecoderOptions, field: FieldName): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const d of docs) {
    const got = decode({ docTypeProbs: d.docTypeProbs, candidates: d.candidates, seen: d.seen }, opts).fields[
      field
    ]?.value;
    const want = d.truth.fields[field];
    if (sameValue(got, want)) tp++;
    else {
      if (got !== undefined) fp++;
      if (want !== undefined) fn++;
    }
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * Per-field thresholds chosen on the validation set (never on a held-out split): two rounds of
 * coordinate ascent, each field trying every threshold with the others fixed. Ties keep the higher
 * threshold, so the decoder stays on the side of reporting a field absent.
 */
export function calibrateThresholds(
  docs: ValidationDoc[],
  base: DecoderOptions,
): { fieldThresholds: Record<FieldName, number>; f1: Record<FieldName, number> } {
  const fieldThresholds = Object.fromEntries(FIELD_NAMES.map((f) => [f, base.threshold])) as Record<
    FieldName,
    number
  >;
  const f1 = {} as Record<FieldName, number>;
  for (let round = 0; round < 2; round++) {
    for (const field of FIELD_NAMES) {
      let best = fieldThresholds[field];
      let bestF1 = -1;
      for (const t of [...THRESHOLDS].reverse()) {
        const score = fieldF1(docs, { ...base, fieldThresholds: { ...fieldThresholds, [field]: t } }, field);
        if (score > bestF1 + 1e-9) {
          bestF1 = score;
          best = t;
        }
      }
      fieldThresholds[field] = best;
      f1[field] = Math.round(bestF1 * 10000) / 10000;
    }
  }
  return { fieldThresholds, f1 };
}

/** Whether a reported value is the truth: the evaluation's own comparison, so both count alike. */
const sameValue = (got: string | undefined, want: string | undefined): boolean =>
  got !== undefined && want !== undefined && same(got, want);

/**
 * Isotonic maps from raw score to the probability of being right, per field and for the document
 * type, fitted on documents the model was not trained on: every value the decoder reports (with the
 * thresholds already chosen) is one example, right or wrong. A field with too few examples keeps
 * no map (its raw score stands).
 */
export function fitCalibration(
  docs: ValidationDoc[],
  opts: DecoderOptions,
): { calibration: FieldCalibration; documentType: IsotonicMap; examples: number } {
  const byField = new Map<FieldName, CalibrationExample[]>();
  const types: CalibrationExample[] = [];
  const raw: DecoderOptions = { ...opts, calibration: undefined, documentTypeCalibration: undefined };
  for (const d of docs) {
    const out = decode({ docTypeProbs: d.docTypeProbs, candidates: d.candidates, seen: d.seen }, raw);
    types.push({ score: out.documentTypeConfidence, correct: out.documentType === d.truth.documentType });
    for (const f of FIELD_NAMES) {
      const got = out.fields[f];
      if (!got) continue;
      let list = byField.get(f);
      if (!list) byField.set(f, (list = []));
      list.push({ score: got.confidence, correct: sameValue(got.value, d.truth.fields[f]) });
    }
  }
  const calibration: FieldCalibration = {};
  let examples = 0;
  for (const [f, list] of byField) {
    examples += list.length;
    if (list.length >= 40) calibration[f] = fitIsotonic(list);
  }
  return { calibration, documentType: fitIsotonic(types), examples };
}
