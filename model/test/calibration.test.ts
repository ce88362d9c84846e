import { describe, expect, it } from "vitest";
import {
  applyIsotonic,
  fitIsotonic,
  precisionAbove,
  reliability,
  type CalibrationExample,
} from "../src/decode/calibration.js";
import { decode, DEFAULT_DECODER, type ScoredCandidate } from "../src/decode/decode.js";
import { FEATURE_SPEC } from "../src/features/spec.js";
import { Prng } from "../src/generator/prng.js";

const c = (value: string, score: number, extra: Partial<ScoredCandidate> = {}): ScoredCandidate => ({
  value,
  score,
  page: 1,
  sourceText: value,
  ...extra,
});
const invoice = FEATURE_SPEC.documentTypes.map((t) => (t === "invoice" ? 0.97 : 0.03 / 9));

/** Examples whose true accuracy at score s is `truth(s)`. */
function sample(n: number, truth: (s: number) => number, seed = 1): CalibrationExample[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => {
    const score = rng.next();
    return { score, correct: rng.next() < truth(score) };
  });
}

describe("isotonic calibration", () => {
  it("maps an over-confident model's scores to the accuracy they really have", () => {
    // The model says 0.99 where it is right 70 % of the time.
    const examples = sample(4000, (s) => (s > 0.9 ? 0.7 : 0.3 * s));
    const map = fitIsotonic(examples);
    expect(applyIsotonic(map, 0.99)).toBeGreaterThan(0.62);
    expect(applyIsotonic(map, 0.99)).toBeLessThan(0.78);
    expect(applyIsotonic(map, 0.2)).toBeLessThan(0.15);
  });

  it("never decreases and never claims certainty", () => {
    const map = fitIsotonic(sample(3000, (s) => s * s, 2));
    for (let i = 1; i < map.y.length; i++) expect(map.y[i]).toBeGreaterThanOrEqual(map.y[i - 1] as number);
    const allRight = fitIsotonic(Array.from({ length: 50 }, (_, i) => ({ score: i / 50, correct: true })));
    expect(applyIsotonic(allRight, 1)).toBeLessThan(1);
    expect(applyIsotonic(allRight, 1)).toBeGreaterThan(0.95);
  });

  it("pools blocks that would otherwise rest on a handful of examples", () => {
    const map = fitIsotonic(
      sample(100, () => 0.5, 3),
      20,
    );
    expect(map.x.length).toBeLessThanOrEqual(5);
    expect(map.x[map.x.length - 1]).toBe(1);
  });

  it("lowers the expected calibration error of an over-confident model", () => {
    const fit = sample(4000, (s) => 0.5 + 0.4 * s, 4);
    const test = sample(4000, (s) => 0.5 + 0.4 * s, 5);
    const raw = reliability(test.map((e) => ({ confidence: e.score, correct: e.correct })));
    const map = fitIsotonic(fit);
    const calibrated = reliability(
      test.map((e) => ({ confidence: applyIsotonic(map, e.score), correct: e.correct })),
    );
    expect(raw.ece).toBeGreaterThan(0.15);
    expect(calibrated.ece).toBeLessThan(0.03);
    expect(calibrated.table.reduce((n, b) => n + b.n, 0)).toBe(4000);
  });

  it("measures precision among values reported at a confidence or above", () => {
    const examples = [
      { confidence: 0.95, correct: true },
      { confidence: 0.92, correct: false },
      { confidence: 0.5, correct: false },
    ];
    expect(precisionAbove(examples, 0.9)).toEqual({ precision: 0.5, n: 2 });
    expect(precisionAbove([], 0.9)).toEqual({ precision: 1, n: 0 });
  });
});

describe("decoder confidence and review flags", () => {
  const calibration = {
    invoiceNumber: { x: [0.5, 0.9, 1], y: [0.3, 0.6, 0.8] },
    totalAmount: { x: [1], y: [0.99] },
  };

  it("reports the calibrated probability, not the raw score, and flags values below the review bar", () => {
    const out = decode(
      { docTypeProbs: invoice, candidates: { invoiceNumber: [c("INV-7", 0.99)] } },
      { ...DEFAULT_DECODER, calibration },
    );
    expect(out.fields.invoiceNumber).toMatchObject({
      value: "INV-7",
      confidence: 0.8,
      needsReview: true,
      reviewReasons: ["low-confidence"],
    });
    expect(out.needsReview).toBe(true);
  });

  it("does not flag a confident, consistent result", () => {
    const out = decode(
      { docTypeProbs: invoice, candidates: { totalAmount: [c("119.00", 0.97)] } },
      { ...DEFAULT_DECODER, calibration },
    );
    expect(out.fields.totalAmount).toMatchObject({ confidence: 0.99, needsReview: false });
    expect(out.fields.totalAmount?.reviewReasons).toBeUndefined();
    expect(out.needsReview).toBe(false);
  });

  it("flags a date whose day and month order the document does not settle", () => {
    const out = decode({
      docTypeProbs: invoice,
      candidates: { invoiceDate: [c("2024-09-02", 0.99, { ambiguous: true })] },
    });
    expect(out.fields.invoiceDate?.reviewReasons).toEqual(["ambiguous-date"]);
    expect(out.needsReview).toBe(true);
  });

  it("flags amounts that do not add up", () => {
    const candidates = {
      subtotal: [c("100.00", 0.99)],
      taxAmount: [c("19.00", 0.99)],
      totalAmount: [c("120.00", 0.99)],
    };
    // Without the consistency bonus the decoder keeps all three as scored; they disagree.
    const out = decode({ docTypeProbs: invoice, candidates }, { ...DEFAULT_DECODER, consistencyBonus: 0 });
    for (const f of ["subtotal", "taxAmount", "totalAmount"] as const)
      expect(out.fields[f]?.reviewReasons).toEqual(["inconsistent"]);
    // With it, the decoder drops one of them rather than report three that disagree.
    const joint = decode({ docTypeProbs: invoice, candidates });
    expect(Object.keys(joint.fields)).toHaveLength(2);
    expect(joint.needsReview).toBe(false);
  });

  it("flags the whole result when the document type itself is uncertain", () => {
    const out = decode({
      docTypeProbs: FEATURE_SPEC.documentTypes.map((t) => (t === "invoice" ? 0.5 : 0.5 / 9)),
      candidates: {},
    });
    expect(out.needsReview).toBe(true);
  });
});
