import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { SPACE_RECOVERY_THRESHOLD } from "./ctc-decode.js";
import { DETECTION_MAX_PIXELS } from "./detection-size.js";
import { fuseHardSwish } from "./graph-rewrite.js";
import { DataType, ModelProto } from "./onnx-proto.js";

/**
 * Retrained rows of the PP-OCR recogniser's final classifier (`linear → softmax`), for Latin
 * characters its dictionary lacks (€, £, ö, ß, …) or that it reads without their accents (é, ñ):
 * rows for classes the recogniser already has replace theirs, the others are appended after its
 * last class (the space). Everything before the classifier stays as shipped. How it is trained:
 * `model/src/scripts/train-ocr-head.ts` and docs/decisions/0010-ocr.md.
 */
export interface OcrHead {
  version: string;
  sha256: string;
  featureDim: number;
  /** Per row: the character it recognises. */
  chars: string[];
  /** Row-major, `chars.length` × `featureDim`. */
  weights: Float32Array;
  bias: Float32Array;
  /** The recogniser the rows were trained against: they mean nothing on another one. */
  baseModelSha256?: string;
}

export const OCR_HEAD_MANIFEST = "latin-head.json";

/** extraction/assets/ocr, from src/ocr as from dist/ocr. */
export const ocrAssetDir = (): string =>
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "assets", "ocr");

const manifestSchema = z.object({
  name: z.literal("pp-ocrv4-latin-head"),
  version: z.string().min(1),
  /** The float32 file: per row, `featureDim` weights then the bias (little-endian). */
  file: z.string().regex(/^[\w.-]+$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  featureDim: z.number().int().positive(),
  chars: z.array(z.string().length(1)).min(1),
  baseModel: z.object({
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    classes: z.number().int(),
  }),
  recipe: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
});
export type OcrHeadManifest = z.infer<typeof manifestSchema>;

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Reads the head and checks its sha256 against its manifest. */
export async function loadOcrHead(
  dir = ocrAssetDir(),
): Promise<{ head: OcrHead; manifest: OcrHeadManifest }> {
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, OCR_HEAD_MANIFEST), "utf8")));
  const bytes = await readFile(join(dir, manifest.file));
  const sha256 = sha256Hex(bytes);
  if (sha256 !== manifest.sha256) {
    throw new Error(`OCR head ${manifest.file} has sha256 ${sha256}, its manifest says ${manifest.sha256}`);
  }
  return {
    head: { ...decodeOcrHead(bytes, manifest), baseModelSha256: manifest.baseModel.sha256 },
    manifest,
  };
}

export function decodeOcrHead(
  bytes: Uint8Array,
  meta: Pick<OcrHeadManifest, "version" | "featureDim" | "chars">,
): OcrHead {
  const { featureDim: d, chars } = meta;
  if (bytes.byteLength !== chars.length * (d + 1) * 4) {
    throw new Error(`OCR head holds ${bytes.byteLength} bytes, expected ${chars.length * (d + 1) * 4}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = new Float32Array(chars.length * d);
  const bias = new Float32Array(chars.length);
  for (let r = 0, o = 0; r < chars.length; r++) {
    for (let k = 0; k < d; k++, o += 4) weights[r * d + k] = view.getFloat32(o, true);
    bias[r] = view.getFloat32(o, true);
    o += 4;
  }
  return { version: meta.version, sha256: sha256Hex(bytes), featureDim: d, chars: [...chars], weights, bias };
}

export function encodeOcrHead(head: Pick<OcrHead, "featureDim" | "chars" | "weights" | "bias">): Uint8Array {
  const d = head.featureDim;
  const out = new Uint8Array(head.chars.length * (d + 1) * 4);
  const view = new DataView(out.buffer);
  for (let r = 0, o = 0; r < head.chars.length; r++) {
    for (let k = 0; k < d; k++, o += 4) view.setFloat32(o, head.weights[r * d + k]!, true);
    view.setFloat32(o, head.bias[r]!, true);
    o += 4;
  }
  return out;
}

/** The recogniser's classifier as found in its graph. */
export interface RecogniserClassifier {
  /** The classifier's input, `[batch, steps, featureDim]`. */
  features: string;
  /** Its output before the softmax, `[batch, steps, classes]`. */
  logits: string;
  featureDim: number;
  classes: number;
  /** Row-major `featureDim` × `classes` (ONNX MatMul's B), and `classes` biases. */
  weights: Float32Array;
  bias: Float32Array;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- a decoded protobuf message is untyped */
type Model = any;
type Node = any;

interface Located {
  model: Model;
  matmul: Node;
  weightsTensor: any;
  biasTensor: any;
  classifier: RecogniserClassifier;
}

function floatsOf(tensor: any): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) throw new Error(`tensor ${tensor.name} is not float32`);
  const raw: Uint8Array | undefined = tensor.rawData;
  if (raw && raw.byteLength > 0) {
    // Copied: protobufjs' bytes may sit at an offset that is not a multiple of 4.
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensor.floatData as number[]);
}

function setFloats(tensor: any, dims: number[], data: Float32Array): void {
  tensor.dims = dims;
  tensor.floatData = [];
  tensor.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Finds the classifier at the end of PP-OCR's recogniser: the graph output is
 * `Softmax(Add(MatMul(features, W), b))`, W and b held by Constant nodes or initializers.
 */
function locate(modelBytes: Uint8Array): Located {
  const model: Model = ModelProto.decode(modelBytes);
  const graph = model.graph;
  const producer = new Map<string, Node>();
  for (const node of graph.node) for (const out of node.output) producer.set(out, node);
  const constant = (name: string): any => {
    const init = graph.initializer.find((t: any) => t.name === name);
    if (init) return init;
    const node = producer.get(name);
    const value =
      node?.opType === "Constant" ? node.attribute.find((a: any) => a.name === "value")?.t : undefined;
    if (!value) throw new Error(`classifier parameter ${name} is neither an initializer nor a constant`);
    return value;
  };
  if (graph.output.length !== 1) throw new Error(`recogniser has ${graph.output.length} outputs, expected 1`);
  const softmax = producer.get(graph.output[0].name);
  const add = softmax?.opType === "Softmax" ? producer.get(softmax.input[0]) : undefined;
  const matmul = add?.opType === "Add" ? producer.get(add.input[0]) : undefined;
  if (!softmax || !add || !matmul || matmul.opType !== "MatMul") {
    throw new Error("recogniser does not end in MatMul → Add → Softmax");
  }
  const weightsTensor = constant(matmul.input[1]);
  const biasTensor = constant(add.input[1]);
  const [featureDim, classes] = (weightsTensor.dims as unknown[]).map(Number) as [number, number];
  const weights = floatsOf(weightsTensor);
  const bias = floatsOf(biasTensor);
  if (weights.length !== featureDim * classes || bias.length !== classes) {
    throw new Error("classifier weights do not match their shapes");
  }
  return {
    model,
    matmul,
    weightsTensor,
    biasTensor,
    classifier: { features: matmul.input[0], logits: add.output[0], featureDim, classes, weights, bias },
  };
}

export function readRecogniserClassifier(modelBytes: Uint8Array): RecogniserClassifier {
  return locate(modelBytes).classifier;
}

export interface PatchOptions {
  /** Replaces and appends classifier rows; appended characters follow the existing classes in order. */
  head?: OcrHead;
  /** Exposes the classifier's input and its pre-softmax output as extra outputs (for training). */
  exposeClassifier?: boolean;
  /** Also rewrites the backbone's hard-swish activations into two passes (`fuseHardSwish`). */
  fuseHardSwish?: boolean;
}

/**
 * Returns the recogniser with `head`'s rows in its classifier and the characters `head` adds to
 * `dictionary` (the recogniser's own: class k is `dictionary[k - 1]`, class 0 the blank).
 */
export function patchRecogniser(
  modelBytes: Uint8Array,
  dictionary: readonly string[],
  opts: PatchOptions,
): { model: Uint8Array; dictionary: string[]; classifier: RecogniserClassifier } {
  const base = opts.head?.baseModelSha256;
  if (base && sha256Hex(modelBytes) !== base) {
    throw new Error(
      `OCR head ${opts.head?.version} was trained against recogniser ${base.slice(0, 12)}…, not this one (retrain it: npm run ocr:train-head)`,
    );
  }
  const { model, weightsTensor, biasTensor, classifier } = locate(modelBytes);
  const { featureDim: d, classes } = classifier;
  if (dictionary.length !== classes - 1) {
    throw new Error(`dictionary has ${dictionary.length} entries for ${classes} classes (blank first)`);
  }
  const extended = [...dictionary];
  const head = opts.head;
  if (head) {
    if (head.featureDim !== d) throw new Error(`OCR head has ${head.featureDim} features, recogniser ${d}`);
    const classOf = new Map<string, number>();
    extended.forEach((ch, i) => {
      if (!classOf.has(ch)) classOf.set(ch, i + 1);
    });
    const target = head.chars.map((ch) => {
      let k = classOf.get(ch);
      if (k === undefined) {
        extended.push(ch);
        k = extended.length;
        classOf.set(ch, k);
      }
      return k;
    });
    const total = extended.length + 1;
    const weights = new Float32Array(d * total);
    for (let f = 0; f < d; f++)
      weights.set(classifier.weights.subarray(f * classes, (f + 1) * classes), f * total);
    const bias = new Float32Array(total);
    bias.set(classifier.bias);
    head.chars.forEach((_, r) => {
      const k = target[r]!;
      for (let f = 0; f < d; f++) weights[f * total + k] = head.weights[r * d + f]!;
      bias[k] = head.bias[r]!;
    });
    setFloats(weightsTensor, [d, total], weights);
    setFloats(biasTensor, [total], bias);
    const dims = model.graph.output[0].type?.tensorType?.shape?.dim;
    if (dims?.length) dims[dims.length - 1] = { dimValue: total };
  }
  if (opts.exposeClassifier) {
    for (const name of [classifier.features, classifier.logits])
      model.graph.output.push({ name, type: { tensorType: { elemType: DataType.FLOAT } } });
  }
  if (opts.fuseHardSwish) fuseHardSwish(model);
  return { model: ModelProto.encode(model).finish(), dictionary: extended, classifier };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Names the recogniser the engine runs (the shipped PP-OCRv4 with the committed head, and the
 * detector's input cap), for caches of OCR output: text read by another head or found by another
 * detector setting must not be reused. Reads the manifest only; the
 * engine checks the head's bytes when it loads it.
 */
export async function recogniserIdentity(dir = ocrAssetDir()): Promise<string> {
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, OCR_HEAD_MANIFEST), "utf8")));
  // The detector's input cap changes which boxes are found, and the decoder's space recovery what
  // is read: both are part of the name.
  return `ppocrv4-${manifest.baseModel.sha256.slice(0, 8)}-head-${manifest.sha256.slice(0, 12)}-det${DETECTION_MAX_PIXELS / 1000}k-sp${SPACE_RECOVERY_THRESHOLD}`;
}
