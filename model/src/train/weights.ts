import { FEATURE_SPEC, DENSE_SIZE } from "../features/spec.js";
import { Prng } from "../generator/prng.js";

export interface Architecture {
  embeddingDim: number;
  hidden: number;
  docEmbeddingDim: number;
}

export const DEFAULT_ARCHITECTURE: Architecture = { embeddingDim: 24, hidden: 64, docEmbeddingDim: 16 };

/** All trainable tensors, row-major, in the shapes the ONNX graph uses. */
export interface Weights {
  arch: Architecture;
  /** [hashBuckets, embeddingDim]; row 0 is padding and stays zero. */
  embedding: Float32Array;
  /** [embeddingDim + dense, hidden] */
  w1: Float32Array;
  b1: Float32Array;
  /** [hidden, classes] */
  w2: Float32Array;
  b2: Float32Array;
  /** [docHashBuckets, docEmbeddingDim]; row 0 is padding. */
  docEmbedding: Float32Array;
  /** [docEmbeddingDim, documentTypes] */
  wd: Float32Array;
  bd: Float32Array;
}

export const inputSize = (arch: Architecture): number => arch.embeddingDim + DENSE_SIZE;
export const CLASS_COUNT = FEATURE_SPEC.classes.length;
export const DOC_TYPE_COUNT = FEATURE_SPEC.documentTypes.length;

export function initWeights(seed: number, arch: Architecture = DEFAULT_ARCHITECTURE): Weights {
  const rng = new Prng(seed);
  const gauss = (n: number, scale: number, skipFirstRow = 0): Float32Array => {
    const a = new Float32Array(n);
    for (let i = skipFirstRow; i < n; i++) a[i] = rng.normal() * scale;
    return a;
  };
  const inSize = inputSize(arch);
  return {
    arch,
    // Zero: a token never seen in training then contributes nothing instead of noise.
    embedding: new Float32Array(FEATURE_SPEC.hashBuckets * arch.embeddingDim),
    w1: gauss(inSize * arch.hidden, Math.sqrt(2 / inSize)),
    b1: new Float32Array(arch.hidden),
    w2: gauss(arch.hidden * CLASS_COUNT, Math.sqrt(1 / arch.hidden)),
    b2: new Float32Array(CLASS_COUNT),
    docEmbedding: new Float32Array(FEATURE_SPEC.docHashBuckets * arch.docEmbeddingDim),
    wd: gauss(arch.docEmbeddingDim * DOC_TYPE_COUNT, Math.sqrt(1 / arch.docEmbeddingDim)),
    bd: new Float32Array(DOC_TYPE_COUNT),
  };
}

export function softmaxInPlace(v: Float64Array | Float32Array, offset: number, n: number): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, v[offset + i] as number);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((v[offset + i] as number) - max);
    v[offset + i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) v[offset + i] = (v[offset + i] as number) / sum;
}

/** Plain-JS forward pass of the candidate head: the reference the ONNX graph is checked against. */
export function forwardCandidates(
  w: Weights,
  idx: Int32Array,
  dense: Float32Array,
  rows: number,
): Float64Array {
  const { embeddingDim: D, hidden: H } = w.arch;
  const S = FEATURE_SPEC.slots;
  const F = DENSE_SIZE;
  const C = CLASS_COUNT;
  const inSize = D + F;
  const z = new Float64Array(inSize);
  const h = new Float64Array(H);
  const out = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    z.fill(0);
    for (let s = 0; s < S; s++) {
      const row = idx[r * S + s] as number;
      if (row === 0) continue;
      const base = row * D;
      for (let d = 0; d < D; d++) z[d] = (z[d] as number) + (w.embedding[base + d] as number);
    }
    for (let f = 0; f < F; f++) z[D + f] = dense[r * F + f] as number;
    for (let j = 0; j < H; j++) h[j] = w.b1[j] as number;
    for (let i = 0; i < inSize; i++) {
      const zi = z[i] as number;
      if (zi === 0) continue;
      const base = i * H;
      for (let j = 0; j < H; j++) h[j] = (h[j] as number) + zi * (w.w1[base + j] as number);
    }
    for (let j = 0; j < H; j++) if ((h[j] as number) < 0) h[j] = 0;
    const o = r * C;
    for (let c = 0; c < C; c++) out[o + c] = w.b2[c] as number;
    for (let j = 0; j < H; j++) {
      const hj = h[j] as number;
      if (hj === 0) continue;
      for (let c = 0; c < C; c++) out[o + c] = (out[o + c] as number) + hj * (w.w2[j * C + c] as number);
    }
    softmaxInPlace(out, o, C);
  }
  return out;
}

/** Plain-JS forward pass of the document-type head. */
export function forwardDocType(w: Weights, bag: Int32Array, rows: number): Float64Array {
  const Dd = w.arch.docEmbeddingDim;
  const S = FEATURE_SPEC.docSlots;
  const T = DOC_TYPE_COUNT;
  const out = new Float64Array(rows * T);
  const e = new Float64Array(Dd);
  for (let r = 0; r < rows; r++) {
    e.fill(0);
    for (let s = 0; s < S; s++) {
      const row = bag[r * S + s] as number;
      if (row === 0) continue;
      for (let d = 0; d < Dd; d++) e[d] = (e[d] as number) + (w.docEmbedding[row * Dd + d] as number);
    }
    for (let t = 0; t < T; t++) {
      let acc = w.bd[t] as number;
      for (let d = 0; d < Dd; d++) acc += (e[d] as number) * (w.wd[d * T + t] as number);
      out[r * T + t] = acc;
    }
    softmaxInPlace(out, r * T, T);
  }
  return out;
}
