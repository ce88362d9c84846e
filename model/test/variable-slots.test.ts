import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { defaultModelLocation } from "../src/index.js";
import { exportOnnx, INPUTS, SLOTS_DIM } from "../src/onnx/export.js";
import { withVariableSlots } from "../src/onnx/variable-slots.js";
import { initWeights } from "../src/train/weights.js";

const candIdxShape = async (model: Uint8Array) => {
  const session = await ort.InferenceSession.create(model);
  try {
    return session.inputMetadata.find((m) => m.name === INPUTS.candIdx && m.isTensor) as
      { shape: ReadonlyArray<number | string> } | undefined;
  } finally {
    await session.release();
  }
};

describe("withVariableSlots", () => {
  it("opens the token dimension of a model exported with it fixed, and changes nothing else", async () => {
    const committed = await readFile(defaultModelLocation().onnxPath);
    expect((await candIdxShape(committed))?.shape).toEqual(["n", 96]);
    const relaxed = withVariableSlots(committed);
    expect((await candIdxShape(relaxed))?.shape).toEqual(["n", SLOTS_DIM]);
    // The weights are carried over byte for byte: the size grows by the renamed dimension only.
    expect(Math.abs(relaxed.byteLength - committed.byteLength)).toBeLessThan(16);
  });

  it("leaves a model exported with the dimension open as it is", async () => {
    const model = exportOnnx(initWeights(1, { embeddingDim: 4, hidden: 8, docEmbeddingDim: 4 }), {});
    expect((await candIdxShape(model))?.shape).toEqual(["n", SLOTS_DIM]);
    expect(withVariableSlots(model)).toBe(model);
  });

  it("refuses bytes that are no docsift model", () => {
    const other = exportOnnx(initWeights(1, { embeddingDim: 4, hidden: 8, docEmbeddingDim: 4 }), {});
    // Cutting the message short leaves no graph input to relax.
    expect(() => withVariableSlots(other.subarray(0, 10))).toThrow();
  });
});
