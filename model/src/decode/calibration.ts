import type { FieldName } from "@docsift/core";

/**
 * A monotone map from a raw model score to the probability that a reported value is right, fitted
 * by isotonic regression on held-out examples. Stored as the upper score of each block and the
 * block's observed accuracy; a score maps to the accuracy of the first block whose upper bound
 * reaches it, so the map is a step function that never decreases.
 */
export interface IsotonicMap {
  /** Upper raw score of each block, ascending. The last is 1. */
  x: number[];
  /** Calibrated probability of each block, non-decreasing. */
  y: number[];
}

/** One reported value with its raw score and whether it matched the truth. */
export interface CalibrationExample {
  score: number;
  correct: boolean;
}

/**
 * Pool-adjacent-violators on examples sorted by score. Each block needs at least `minBlock`
 * examples, so one lucky example cannot claim certainty; the block's probability is shrunk
 * towards 0.5 by one pseudo-count each way (a block of 40 right answers says 0.976, not 1), since
 * "100 %" is a promise no finite sample can keep.
 */
export function fitIsotonic(examples: readonly CalibrationExample[], minBlock = 20): IsotonicMap {
  if (examples.length === 0) return { x: [1], y: [0.5] };
  const sorted = [...examples].sort((a, b) => a.score - b.score);
  interface Block {
    hits: number;
    n: number;
    upper: number;
  }
  // Start from runs of at least minBlock examples (ties kept together), then pool violators.
  const blocks: Block[] = [];
  let cur: Block = { hits: 0, n: 0, upper: 0 };
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i] as CalibrationExample;
    cur.hits += e.correct ? 1 : 0;
    cur.n++;
    cur.upper = e.score;
    const next = sorted[i + 1];
    if (cur.n >= minBlock && (!next || next.score > e.score)) {
      blocks.push(cur);
      cur = { hits: 0, n: 0, upper: 0 };
    }
  }
  if (cur.n > 0) {
    const last = blocks[blocks.length - 1];
    if (last) {
      last.hits += cur.hits;
      last.n += cur.n;
      last.upper = cur.upper;
    } else blocks.push(cur);
  }
  const rate = (b: Block): number => (b.hits + 1) / (b.n + 2);
  const stack: Block[] = [];
  for (const b of blocks) {
    stack.push({ ...b });
    while (stack.length > 1) {
      const top = stack[stack.length - 1] as Block;
      const below = stack[stack.length - 2] as Block;
      if (rate(below) <= rate(top)) break;
      stack.pop();
      below.hits += top.hits;
      below.n += top.n;
      below.upper = top.upper;
    }
  }
  const x = stack.map((b) => b.upper);
  x[x.length - 1] = 1;
  return { x, y: stack.map((b) => Math.round(rate(b) * 10000) / 10000) };
}

/** The calibrated probability of a raw score. */
export function applyIsotonic(map: IsotonicMap, score: number): number {
  // Few blocks (tens at most): a linear scan is as fast as a search and obviously right.
  for (let i = 0; i < map.x.length; i++) if (score <= (map.x[i] as number)) return map.y[i] as number;
  return map.y[map.y.length - 1] as number;
}

export type FieldCalibration = Partial<Record<FieldName, IsotonicMap>>;

/** One row of a reliability table: examples whose confidence fell in [from, to). */
export interface ReliabilityBin {
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

/**
 * Expected calibration error over equal-width confidence bins: the mean gap between confidence
 * and accuracy, weighted by how many values each bin holds.
 */
export function reliability(
  examples: ReadonlyArray<{ confidence: number; correct: boolean }>,
  bins = 10,
): { ece: number; table: ReliabilityBin[] } {
  const acc = Array.from({ length: bins }, (_, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    n: 0,
    conf: 0,
    hits: 0,
  }));
  for (const e of examples) {
    const b = acc[Math.min(bins - 1, Math.floor(e.confidence * bins))] as (typeof acc)[number];
    b.n++;
    b.conf += e.confidence;
    b.hits += e.correct ? 1 : 0;
  }
  let ece = 0;
  const table: ReliabilityBin[] = [];
  for (const b of acc) {
    if (b.n === 0) continue;
    const meanConfidence = b.conf / b.n;
    const accuracy = b.hits / b.n;
    ece += (b.n / Math.max(1, examples.length)) * Math.abs(meanConfidence - accuracy);
    table.push({
      from: b.from,
      to: b.to,
      n: b.n,
      meanConfidence: r4(meanConfidence),
      accuracy: r4(accuracy),
    });
  }
  return { ece: r4(ece), table };
}

/** Share of values reported at confidence ≥ `at` that are right (1 when none is). */
export function precisionAbove(
  examples: ReadonlyArray<{ confidence: number; correct: boolean }>,
  at: number,
): { precision: number; n: number } {
  let n = 0;
  let hits = 0;
  for (const e of examples)
    if (e.confidence >= at) {
      n++;
      if (e.correct) hits++;
    }
  return { precision: n === 0 ? 1 : r4(hits / n), n };
}

const r4 = (v: number): number => Math.round(v * 10000) / 10000;
