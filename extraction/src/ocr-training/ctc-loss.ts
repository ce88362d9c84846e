/** The result of CTC's forward–backward pass over one sequence. */
export interface CtcResult {
  /** −log p(label | input); Infinity when the label cannot fit in the time steps. */
  loss: number;
  /**
   * `steps` × `symbols`: per time step, the posterior probability that the alignment emits each
   * symbol. With log-probabilities from a softmax over logits z, ∂loss/∂z = softmax(z) − occupancy.
   */
  occupancy: Float64Array;
}

const logAdd = (a: number, b: number): number => {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
};

/**
 * Connectionist temporal classification (Graves et al. 2006) in log space. `logProbs` is
 * `steps` × `symbols` (row-major) of log-probabilities, symbol 0 the blank; `label` holds symbols
 * 1..symbols−1. Only the symbols the label uses matter, so callers pass the blank and the label's
 * distinct symbols, not every class of the recogniser.
 */
export function ctcLoss(
  logProbs: Float64Array,
  steps: number,
  symbols: number,
  label: readonly number[],
): CtcResult {
  if (logProbs.length !== steps * symbols) {
    throw new RangeError(`logProbs holds ${logProbs.length} values, expected ${steps} × ${symbols}`);
  }
  for (const s of label) {
    if (!Number.isInteger(s) || s < 1 || s >= symbols)
      throw new RangeError(`label symbol ${s} out of 1..${symbols - 1}`);
  }
  // The extended label: blanks around and between the symbols.
  const ext = [0];
  for (const s of label) ext.push(s, 0);
  const L = ext.length;
  const occupancy = new Float64Array(steps * symbols);
  if (steps === 0) return { loss: Infinity, occupancy };
  // A symbol may skip the blank before it unless it repeats the symbol two places back.
  const canSkip = ext.map((s, i) => i >= 2 && s !== 0 && s !== ext[i - 2]);
  const lp = (t: number, i: number): number => logProbs[t * symbols + ext[i]!]!;

  const alpha = new Float64Array(steps * L).fill(-Infinity);
  alpha[0] = lp(0, 0);
  if (L > 1) alpha[1] = lp(0, 1);
  for (let t = 1; t < steps; t++) {
    for (let i = 0; i < L; i++) {
      let a = alpha[(t - 1) * L + i]!;
      if (i >= 1) a = logAdd(a, alpha[(t - 1) * L + i - 1]!);
      if (canSkip[i]) a = logAdd(a, alpha[(t - 1) * L + i - 2]!);
      alpha[t * L + i] = a === -Infinity ? a : a + lp(t, i);
    }
  }
  // beta[t][i]: log-probability of the rest of the label after position i at step t, not
  // counting step t's own emission, so alpha + beta is the log-probability of the paths through (t, i).
  const beta = new Float64Array(steps * L).fill(-Infinity);
  beta[(steps - 1) * L + L - 1] = 0;
  if (L > 1) beta[(steps - 1) * L + L - 2] = 0;
  for (let t = steps - 2; t >= 0; t--) {
    for (let i = 0; i < L; i++) {
      let b = beta[(t + 1) * L + i]! + lp(t + 1, i);
      if (i + 1 < L) b = logAdd(b, beta[(t + 1) * L + i + 1]! + lp(t + 1, i + 1));
      if (i + 2 < L && canSkip[i + 2]) b = logAdd(b, beta[(t + 1) * L + i + 2]! + lp(t + 1, i + 2));
      beta[t * L + i] = b;
    }
  }
  let logZ = alpha[(steps - 1) * L + L - 1]!;
  if (L > 1) logZ = logAdd(logZ, alpha[(steps - 1) * L + L - 2]!);
  if (logZ === -Infinity) return { loss: Infinity, occupancy };
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < L; i++) {
      const g = alpha[t * L + i]! + beta[t * L + i]! - logZ;
      if (g > -700) occupancy[t * symbols + ext[i]!]! += Math.exp(g);
    }
  }
  return { loss: -logZ, occupancy };
}
