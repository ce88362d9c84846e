import type * as Ort from "onnxruntime-node";
import { FEATURE_SPEC, DENSE_SIZE } from "../features/spec.js";
import { INPUTS, OUTPUTS } from "../onnx/io-names.js";

// A session on the calling thread, for benchmarks and tests: the runtime scores on its own thread
// (scoring-thread.ts), so ONNX Runtime is loaded here only when a session is asked for, not with
// the package (its native binding cost every `docsift extract` ~30 ms on the main thread).
let ortModule: Promise<typeof Ort> | undefined;
const ort = (): Promise<typeof Ort> => (ortModule ??= import("onnxruntime-node"));

export interface SessionOptions {
  intraOpThreads?: number;
}

export async function createSession(
  model: Uint8Array | string,
  opts: SessionOptions = {},
): Promise<Ort.InferenceSession> {
  const { InferenceSession } = await ort();
  return InferenceSession.create(model as Uint8Array, {
    intraOpNumThreads: opts.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    // Spinning threads would take the core the document parser needs.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
}

const EMPTY_DOC = new Int32Array(FEATURE_SPEC.docSlots);

/**
 * Scores `rows` candidates in one run. Every run also carries a document bag (an empty one when
 * the caller only needs candidate scores), because the graph has both heads.
 */
export async function scoreBatch(
  session: Ort.InferenceSession,
  idx: Int32Array,
  dense: Float32Array,
  rows: number,
  docBag: Int32Array = EMPTY_DOC,
): Promise<{ fieldProbs: Float32Array; docTypeProbs: Float32Array }> {
  // A run needs at least one candidate row; a padding row is scored and ignored.
  const n = Math.max(rows, 1);
  const idxIn = rows > 0 ? idx.subarray(0, rows * FEATURE_SPEC.slots) : new Int32Array(FEATURE_SPEC.slots);
  const denseIn = rows > 0 ? dense.subarray(0, rows * DENSE_SIZE) : new Float32Array(DENSE_SIZE);
  const { Tensor } = await ort();
  const out = await session.run({
    [INPUTS.candIdx]: new Tensor("int32", idxIn, [n, FEATURE_SPEC.slots]),
    [INPUTS.candDense]: new Tensor("float32", denseIn, [n, DENSE_SIZE]),
    [INPUTS.docIdx]: new Tensor("int32", docBag, [1, FEATURE_SPEC.docSlots]),
  });
  return {
    fieldProbs: out[OUTPUTS.fieldProbs]!.data as Float32Array,
    docTypeProbs: out[OUTPUTS.docTypeProbs]!.data as Float32Array,
  };
}
