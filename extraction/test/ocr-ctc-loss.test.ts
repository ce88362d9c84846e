import { describe, expect, it } from "vitest";
import { ctcLoss } from "../src/ocr-training/ctc-loss.js";

// Brute force: every path of length T over K symbols, collapsed (merge repeats, drop blanks).
function collapse(path: number[]): number[] {
  const out: number[] = [];
  path.forEach((s, t) => {
    if (s !== 0 && s !== path[t - 1]) out.push(s);
  });
  return out;
}

function bruteForceLoss(logits: number[][], label: number[]): number {
  const T = logits.length;
  const K = logits[0]!.length;
  const logSoftmax = logits.map((row) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
    return row.map((z) => z - lse);
  });
  let total = 0;
  const path = new Array<number>(T).fill(0);
  const visit = (t: number): void => {
    if (t === T) {
      if (collapse(path).join(",") === label.join(",")) {
        total += Math.exp(path.reduce((a, s, i) => a + logSoftmax[i]![s]!, 0));
      }
      return;
    }
    for (let s = 0; s < K; s++) {
      path[t] = s;
      visit(t + 1);
    }
  };
  visit(0);
  return -Math.log(total);
}

function lossFromLogits(logits: number[][], label: number[]) {
  const T = logits.length;
  const K = logits[0]!.length;
  const logProbs = new Float64Array(T * K);
  const probs = new Float64Array(T * K);
  logits.forEach((row, t) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0));
    row.forEach((z, k) => {
      logProbs[t * K + k] = z - lse;
      probs[t * K + k] = Math.exp(z - lse);
    });
  });
  return { ...ctcLoss(logProbs, T, K, label), probs };
}

// Fixed pseudo-random logits, so the test is the same every run.
function logitsFor(T: number, K: number, seed: number): number[][] {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 4 - 2;
  };
  return Array.from({ length: T }, () => Array.from({ length: K }, next));
}

describe("CTC loss", () => {
  it.each([
    { T: 5, K: 3, label: [1, 2], seed: 1 },
    { T: 6, K: 3, label: [1, 1], seed: 2 },
    { T: 5, K: 4, label: [3], seed: 3 },
    { T: 6, K: 4, label: [2, 3, 2], seed: 4 },
  ])("matches enumerating every alignment (T=$T, K=$K, label $label)", ({ T, K, label, seed }) => {
    const logits = logitsFor(T, K, seed);
    const { loss } = lossFromLogits(logits, label);
    expect(loss).toBeCloseTo(bruteForceLoss(logits, label), 10);
  });

  it("gives softmax − occupancy as the gradient of the logits (central differences)", () => {
    const T = 6;
    const K = 4;
    const label = [2, 2, 3];
    const logits = logitsFor(T, K, 9);
    const { occupancy, probs } = lossFromLogits(logits, label);
    const h = 1e-5;
    for (let t = 0; t < T; t++)
      for (let k = 0; k < K; k++) {
        const up = logits.map((r) => [...r]);
        const down = logits.map((r) => [...r]);
        up[t]![k]! += h;
        down[t]![k]! -= h;
        const numeric = (bruteForceLoss(up, label) - bruteForceLoss(down, label)) / (2 * h);
        expect(probs[t * K + k]! - occupancy[t * K + k]!).toBeCloseTo(numeric, 6);
      }
  });

  it("occupancy sums to one per time step", () => {
    const { occupancy } = lossFromLogits(logitsFor(7, 5, 5), [4, 1, 4]);
    for (let t = 0; t < 7; t++) {
      const sum = [0, 1, 2, 3, 4].reduce((a, k) => a + occupancy[t * 5 + k]!, 0);
      expect(sum).toBeCloseTo(1, 10);
    }
  });

  it("reports an infinite loss when the label cannot fit in the time steps", () => {
    // "1 1" needs a blank between the repeats: three steps.
    expect(lossFromLogits(logitsFor(2, 3, 6), [1, 1]).loss).toBe(Infinity);
    expect(() => lossFromLogits(logitsFor(2, 3, 6), [3])).toThrow(RangeError);
  });
});
