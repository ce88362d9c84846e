/** A recognised string with the mean probability of its characters. */
export interface DecodedText {
  text: string;
  confidence: number;
}

/**
 * Greedy CTC decoding of one recogniser output (`steps` × `classes` probabilities, row-major):
 * take the best class per time step, drop repeats and the blank class 0; class k is
 * `dictionary[k - 1]`.
 */
export function ctcGreedyDecode(
  probabilities: Float32Array,
  steps: number,
  classes: number,
  dictionary: readonly string[],
): DecodedText {
  let text = "";
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const offset = t * classes;
    let best = 0;
    let bestP = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const p = probabilities[offset + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += dictionary[best - 1] ?? "";
      sum += bestP;
      count++;
    }
    previous = best;
  }
  return { text, confidence: count === 0 ? 0 : sum / count };
}
