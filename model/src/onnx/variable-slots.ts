import { ModelProto } from "@docsift/extraction/onnx-proto";
import { INPUTS, SLOTS_DIM } from "./export.js";

interface Dim {
  dimValue?: number | { toNumber(): number } | null;
  dimParam?: string | null;
}
interface ModelMessage {
  graph?: { input?: Array<{ name?: string; type?: { tensorType?: { shape?: { dim?: Dim[] } } } }> };
}

/**
 * The model's bytes with `cand_idx`'s second dimension (tokens per candidate) left open, so a
 * batch can be sent at the width of its longest row instead of FEATURE_SPEC.slots. Candidates use
 * ~40 of the 96 slots, and Gather → ReduceSum over zero-padded slots cost ORT a third of a batch's
 * time for nothing: the padding bucket's embedding row is zero, so the sums are the same, up to
 * rounding in the last bits where ORT groups the additions differently (widths of 4k + 3,
 * ≤ 1e-6 on a probability; tested at every width).
 * Models exported now declare the dimension open and come back as they are; those exported up
 * to docsift-kie 3.1.0 have it fixed, which ORT enforces. The file's sha256 is checked before this.
 */
export function withVariableSlots(model: Uint8Array): Uint8Array {
  const message = ModelProto.decode(model) as unknown as ModelMessage;
  const input = message.graph?.input?.find((i) => i.name === INPUTS.candIdx);
  const dims = input?.type?.tensorType?.shape?.dim;
  if (!dims || dims.length !== 2) throw new Error(`the model has no 2-D ${INPUTS.candIdx} input`);
  if (dims[1]?.dimParam) return model;
  dims[1] = { dimParam: SLOTS_DIM };
  return ModelProto.encode(message as never).finish();
}
