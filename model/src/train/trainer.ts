import { FEATURE_SPEC, DENSE_SIZE } from "../features/spec.js";
import { Prng } from "../generator/prng.js";
import type { Dataset } from "./dataset.js";
import { CLASS_COUNT, DOC_TYPE_COUNT, inputSize, softmaxInPlace, type Weights } from "./weights.js";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Multiplies the learning rate after each epoch. */
  decay: number;
  /** Loss weight of the "none" class; below 1 trades precision for recall. */
  noneWeight: number;
  /** Probability of hiding a context token from a training row, so layout features carry weight too. */
  tokenDropout: number;
  /**
   * Share of rows that lose most of their context tokens (`heavyDropout`): it imitates a label
   * wording never seen, so the model also learns to place a value by layout and by its relations
   * to other values on the page (dates, sums) rather than by its label alone.
   */
  heavyDropoutShare?: number;
  heavyDropout?: number;
  seed: number;
  onEpoch?: (e: { epoch: number; loss: number; docLoss: number; ms: number }) => void;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Adam over one tensor; `rows` limits the update to the touched embedding rows (lazy Adam). */
class AdamTensor {
  readonly m: Float32Array;
  readonly v: Float32Array;
  constructor(
    readonly param: Float32Array,
    readonly grad: Float32Array,
  ) {
    this.m = new Float32Array(param.length);
    this.v = new Float32Array(param.length);
  }

  step(lr: number, t: number, scale: number, rows?: { list: number[]; width: number }): void {
    const c1 = 1 - BETA1 ** t;
    const c2 = 1 - BETA2 ** t;
    const update = (i: number): void => {
      const g = (this.grad[i] as number) * scale;
      const m = BETA1 * (this.m[i] as number) + (1 - BETA1) * g;
      const v = BETA2 * (this.v[i] as number) + (1 - BETA2) * g * g;
      this.m[i] = m;
      this.v[i] = v;
      this.param[i] = (this.param[i] as number) - (lr * (m / c1)) / (Math.sqrt(v / c2) + EPS);
      this.grad[i] = 0;
    };
    if (rows) {
      for (const r of rows.list) for (let k = r * rows.width; k < (r + 1) * rows.width; k++) update(k);
    } else {
      for (let i = 0; i < this.param.length; i++) update(i);
    }
  }
}

/** Mini-batch Adam on softmax cross-entropy; deterministic for a given seed and dataset. */
export function train(w: Weights, data: Dataset, opts: TrainOptions): { finalLoss: number } {
  const { embeddingDim: D, hidden: H, docEmbeddingDim: Dd } = w.arch;
  const S = FEATURE_SPEC.slots;
  const F = DENSE_SIZE;
  const C = CLASS_COUNT;
  const T = DOC_TYPE_COUNT;
  const inSize = inputSize(w.arch);
  const gE = new Float32Array(w.embedding.length);
  const gW1 = new Float32Array(w.w1.length);
  const gB1 = new Float32Array(w.b1.length);
  const gW2 = new Float32Array(w.w2.length);
  const gB2 = new Float32Array(w.b2.length);
  const gEd = new Float32Array(w.docEmbedding.length);
  const gWd = new Float32Array(w.wd.length);
  const gBd = new Float32Array(w.bd.length);
  const adamE = new AdamTensor(w.embedding, gE);
  const dense = [
    new AdamTensor(w.w1, gW1),
    new AdamTensor(w.b1, gB1),
    new AdamTensor(w.w2, gW2),
    new AdamTensor(w.b2, gB2),
  ];
  const adamEd = new AdamTensor(w.docEmbedding, gEd);
  const docDense = [new AdamTensor(w.wd, gWd), new AdamTensor(w.bd, gBd)];

  const rng = new Prng(opts.seed);
  const order = Array.from({ length: data.rows }, (_, i) => i);
  const docOrder = Array.from({ length: data.docs }, (_, i) => i);
  const z = new Float64Array(inSize);
  const h = new Float64Array(H);
  const p = new Float64Array(C);
  const dh = new Float64Array(H);
  const dz = new Float64Array(D);
  const active = new Int32Array(S);
  const ed = new Float64Array(Dd);
  const pd = new Float64Array(T);
  let lr = opts.learningRate;
  let step = 0;
  let docStep = 0;
  let finalLoss = Number.NaN;

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const started = performance.now();
    rng.shuffle(order);
    let lossSum = 0;
    let weightSum = 0;
    for (let b = 0; b < data.rows; b += opts.batchSize) {
      const end = Math.min(data.rows, b + opts.batchSize);
      const touched = new Set<number>();
      for (let k = b; k < end; k++) {
        const r = order[k] as number;
        const y = data.labels[r] as number;
        const weight = y === 0 ? opts.noneWeight : 1;
        z.fill(0);
        const dropout =
          opts.heavyDropoutShare && rng.next() < opts.heavyDropoutShare
            ? (opts.heavyDropout ?? 0.7)
            : opts.tokenDropout;
        for (let s = 0; s < S; s++) {
          const row = data.idx[r * S + s] as number;
          // Slots 0-1 (kind and shape) are always kept.
          if (row === 0 || (s > 1 && rng.next() < dropout)) {
            active[s] = 0;
            continue;
          }
          active[s] = row;
          for (let d = 0; d < D; d++) z[d] = (z[d] as number) + (w.embedding[row * D + d] as number);
        }
        for (let f = 0; f < F; f++) z[D + f] = data.dense[r * F + f] as number;
        for (let j = 0; j < H; j++) h[j] = w.b1[j] as number;
        for (let i = 0; i < inSize; i++) {
          const zi = z[i] as number;
          if (zi === 0) continue;
          for (let j = 0; j < H; j++) h[j] = (h[j] as number) + zi * (w.w1[i * H + j] as number);
        }
        for (let j = 0; j < H; j++) if ((h[j] as number) < 0) h[j] = 0;
        for (let c = 0; c < C; c++) p[c] = w.b2[c] as number;
        for (let j = 0; j < H; j++) {
          const hj = h[j] as number;
          if (hj === 0) continue;
          for (let c = 0; c < C; c++) p[c] = (p[c] as number) + hj * (w.w2[j * C + c] as number);
        }
        softmaxInPlace(p, 0, C);
        lossSum += -Math.log(Math.max(p[y] as number, 1e-12)) * weight;
        weightSum += weight;
        // Backward: dlogits = (p - onehot) * weight.
        for (let c = 0; c < C; c++) p[c] = ((p[c] as number) - (c === y ? 1 : 0)) * weight;
        for (let c = 0; c < C; c++) gB2[c] = (gB2[c] as number) + (p[c] as number);
        for (let j = 0; j < H; j++) {
          const hj = h[j] as number;
          if (hj === 0) {
            dh[j] = 0;
            continue;
          }
          let acc = 0;
          for (let c = 0; c < C; c++) {
            gW2[j * C + c] = (gW2[j * C + c] as number) + hj * (p[c] as number);
            acc += (w.w2[j * C + c] as number) * (p[c] as number);
          }
          dh[j] = acc;
        }
        for (let j = 0; j < H; j++) gB1[j] = (gB1[j] as number) + (dh[j] as number);
        for (let i = 0; i < inSize; i++) {
          const zi = z[i] as number;
          let acc = 0;
          for (let j = 0; j < H; j++) {
            const g = dh[j] as number;
            if (g === 0) continue;
            if (zi !== 0) gW1[i * H + j] = (gW1[i * H + j] as number) + zi * g;
            if (i < D) acc += (w.w1[i * H + j] as number) * g;
          }
          if (i < D) dz[i] = acc;
        }
        for (let s = 0; s < S; s++) {
          const row = active[s] as number;
          if (row === 0) continue;
          touched.add(row);
          for (let d = 0; d < D; d++) gE[row * D + d] = (gE[row * D + d] as number) + (dz[d] as number);
        }
      }
      step++;
      const scale = 1 / (end - b);
      for (const t of dense) t.step(lr, step, scale);
      adamE.step(lr, step, scale, { list: [...touched], width: D });
    }

    // Document-type head, one pass over the documents.
    rng.shuffle(docOrder);
    let docLoss = 0;
    const docBatch = 16;
    for (let b = 0; b < data.docs; b += docBatch) {
      const end = Math.min(data.docs, b + docBatch);
      const touched = new Set<number>();
      for (let k = b; k < end; k++) {
        const r = docOrder[k] as number;
        const y = data.docLabels[r] as number;
        ed.fill(0);
        for (let s = 0; s < FEATURE_SPEC.docSlots; s++) {
          const row = data.docBags[r * FEATURE_SPEC.docSlots + s] as number;
          if (row === 0) continue;
          for (let d = 0; d < Dd; d++) ed[d] = (ed[d] as number) + (w.docEmbedding[row * Dd + d] as number);
        }
        for (let t = 0; t < T; t++) {
          let acc = w.bd[t] as number;
          for (let d = 0; d < Dd; d++) acc += (ed[d] as number) * (w.wd[d * T + t] as number);
          pd[t] = acc;
        }
        softmaxInPlace(pd, 0, T);
        docLoss += -Math.log(Math.max(pd[y] as number, 1e-12));
        for (let t = 0; t < T; t++) pd[t] = (pd[t] as number) - (t === y ? 1 : 0);
        for (let t = 0; t < T; t++) gBd[t] = (gBd[t] as number) + (pd[t] as number);
        for (let d = 0; d < Dd; d++) {
          let acc = 0;
          for (let t = 0; t < T; t++) {
            gWd[d * T + t] = (gWd[d * T + t] as number) + (ed[d] as number) * (pd[t] as number);
            acc += (w.wd[d * T + t] as number) * (pd[t] as number);
          }
          ed[d] = acc;
        }
        for (let s = 0; s < FEATURE_SPEC.docSlots; s++) {
          const row = data.docBags[r * FEATURE_SPEC.docSlots + s] as number;
          if (row === 0) continue;
          touched.add(row);
          for (let d = 0; d < Dd; d++) gEd[row * Dd + d] = (gEd[row * Dd + d] as number) + (ed[d] as number);
        }
      }
      docStep++;
      const scale = 1 / (end - b);
      for (const t of docDense) t.step(lr, docStep, scale);
      adamEd.step(lr, docStep, scale, { list: [...touched], width: Dd });
    }

    finalLoss = lossSum / Math.max(1, weightSum);
    opts.onEpoch?.({
      epoch,
      loss: finalLoss,
      docLoss: docLoss / Math.max(1, data.docs),
      ms: performance.now() - started,
    });
    lr *= opts.decay;
  }
  return { finalLoss };
}
