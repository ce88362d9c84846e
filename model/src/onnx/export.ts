import { FEATURE_SPEC, DENSE_SIZE } from "../features/spec.js";
import { CLASS_COUNT, DOC_TYPE_COUNT, inputSize, type Weights } from "../train/weights.js";
import { AttributeType, DataType, ModelProto } from "@docsift/extraction/onnx-proto";

import { INPUTS, OUTPUTS, SLOTS_DIM } from "./io-names.js";

export { INPUTS, OUTPUTS, SLOTS_DIM };

const floatTensor = (name: string, dims: number[], data: Float32Array) => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
});
const int64Tensor = (name: string, values: number[]) => {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
};
const valueInfo = (name: string, elemType: number, dims: Array<number | string>) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    },
  },
});
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
  opType,
  input,
  output,
  name: output[0],
  attribute,
});

// Indices are int32 (Gather accepts them): converting ~100k ids per batch to BigInt cost more than
// the inference itself.
/**
 * The graph: Gather(embedding, cand_idx) → ReduceSum over slots → Concat(dense) → MatMul/Add/Relu →
 * MatMul/Add → Softmax for the field classes, and a bag-of-words head for the document type.
 */
export function exportOnnx(w: Weights, meta: Record<string, string>): Uint8Array {
  const { embeddingDim: D, hidden: H, docEmbeddingDim: Dd } = w.arch;
  const graph = {
    name: "docsift_kie",
    input: [
      valueInfo(INPUTS.candIdx, DataType.INT32, ["n", SLOTS_DIM]),
      valueInfo(INPUTS.candDense, DataType.FLOAT, ["n", DENSE_SIZE]),
      valueInfo(INPUTS.docIdx, DataType.INT32, ["m", FEATURE_SPEC.docSlots]),
    ],
    output: [
      valueInfo(OUTPUTS.fieldProbs, DataType.FLOAT, ["n", CLASS_COUNT]),
      valueInfo(OUTPUTS.docTypeProbs, DataType.FLOAT, ["m", DOC_TYPE_COUNT]),
    ],
    initializer: [
      floatTensor("embedding", [FEATURE_SPEC.hashBuckets, D], w.embedding),
      floatTensor("w1", [inputSize(w.arch), H], w.w1),
      floatTensor("b1", [H], w.b1),
      floatTensor("w2", [H, CLASS_COUNT], w.w2),
      floatTensor("b2", [CLASS_COUNT], w.b2),
      floatTensor("doc_embedding", [FEATURE_SPEC.docHashBuckets, Dd], w.docEmbedding),
      floatTensor("wd", [Dd, DOC_TYPE_COUNT], w.wd),
      floatTensor("bd", [DOC_TYPE_COUNT], w.bd),
      int64Tensor("axis1", [1]),
    ],
    node: [
      node(
        "Gather",
        ["embedding", INPUTS.candIdx],
        ["emb"],
        [{ name: "axis", type: AttributeType.INT, i: 0 }],
      ),
      node("ReduceSum", ["emb", "axis1"], ["bag"], [{ name: "keepdims", type: AttributeType.INT, i: 0 }]),
      node("Concat", ["bag", INPUTS.candDense], ["z"], [{ name: "axis", type: AttributeType.INT, i: 1 }]),
      node("MatMul", ["z", "w1"], ["h_mm"]),
      node("Add", ["h_mm", "b1"], ["h_pre"]),
      node("Relu", ["h_pre"], ["h"]),
      node("MatMul", ["h", "w2"], ["logits_mm"]),
      node("Add", ["logits_mm", "b2"], ["logits"]),
      node("Softmax", ["logits"], [OUTPUTS.fieldProbs], [{ name: "axis", type: AttributeType.INT, i: -1 }]),
      node(
        "Gather",
        ["doc_embedding", INPUTS.docIdx],
        ["doc_emb"],
        [{ name: "axis", type: AttributeType.INT, i: 0 }],
      ),
      node(
        "ReduceSum",
        ["doc_emb", "axis1"],
        ["doc_bag"],
        [{ name: "keepdims", type: AttributeType.INT, i: 0 }],
      ),
      node("MatMul", ["doc_bag", "wd"], ["doc_mm"]),
      node("Add", ["doc_mm", "bd"], ["doc_logits"]),
      node(
        "Softmax",
        ["doc_logits"],
        [OUTPUTS.docTypeProbs],
        [{ name: "axis", type: AttributeType.INT, i: -1 }],
      ),
    ],
  };
  const model = {
    irVersion: 8,
    producerName: "docsift-model",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: 13 }],
    graph,
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`invalid ONNX model message: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
