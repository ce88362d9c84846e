import { join } from "node:path";
import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { artifactsRoot } from "../src/runtime/location.js";
import { ModelProto } from "@docsift/extraction/onnx-proto";
import { exportOnnx, INPUTS, SLOTS_DIM } from "../src/onnx/export.js";
import { withVariableSlots } from "../src/onnx/variable-slots.js";
import { initWeights } from "../src/train/weights.js";

// docsift-kie 3.1.0, the last model exported with the token dimension fixed at 96 (later ones
// leave it open): what withVariableSlots exists for.
const FIXED_WIDTH_MODEL = join(artifactsRoot(), "docsift-kie", "3.1.0", "model.onnx");

const candIdxShape = async (model: Uint8Array) => {
  const session = await ort.InferenceSession.create(model);
  try {
    return session.inputMetadata.find((m) => m.name === INPUTS.candIdx && m.isTensor) as
      { shape: ReadonlyArray<number | string> } | undefined;
  } finally {
    await session.release();
  }
};

type Message = {
  graph: {
    input: Array<{ name: string; type: { tensorType: { shape: { dim: Array<Record<string, unknown>> } } } }>;
  };
};
const decode = (bytes: Uint8Array) =>
  ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as Message;

describe("withVariableSlots", () => {
  it("opens the token dimension of a model exported with it fixed, and changes nothing else", async () => {
    const committed = await readFile(FIXED_WIDTH_MODEL);
    expect((await candIdxShape(committed))?.shape).toEqual(["n", 96]);
    const relaxed = withVariableSlots(committed);
    expect((await candIdxShape(relaxed))?.shape).toEqual(["n", SLOTS_DIM]);
    // The whole message is the same but for that one dimension: weights, nodes, metadata.
    const before = decode(committed);
    before.graph.input.find((i) => i.name === INPUTS.candIdx)!.type.tensorType.shape.dim[1] = {
      dimParam: SLOTS_DIM,
    };
    expect(decode(relaxed)).toEqual(before);
  });

  it("leaves a model exported with the dimension open as it is", async () => {
    const model = exportOnnx(initWeights(1, { embeddingDim: 4, hidden: 8, docEmbeddingDim: 4 }), {});
    expect((await candIdxShape(model))?.shape).toEqual(["n", SLOTS_DIM]);
    expect(withVariableSlots(model)).toBe(model);
  });

  it("refuses a model without a 2-D cand_idx input", () => {
    const message = decode(
      exportOnnx(initWeights(1, { embeddingDim: 4, hidden: 8, docEmbeddingDim: 4 }), {}),
    );
    const input = message.graph.input.find((i) => i.name === INPUTS.candIdx)!;
    input.type.tensorType.shape.dim.push({ dimValue: 2 });
    const threeD = ModelProto.encode(ModelProto.fromObject(message)).finish();
    expect(() => withVariableSlots(threeD)).toThrow(/no 2-D cand_idx input/);
    input.name = "other";
    const none = ModelProto.encode(ModelProto.fromObject(message)).finish();
    expect(() => withVariableSlots(none)).toThrow(/no 2-D cand_idx input/);
  });
});
