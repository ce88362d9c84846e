import { readFile } from "node:fs/promises";
import { ModelProto } from "@docsift/extraction/onnx-proto";
import { describe, expect, it } from "vitest";
import { defaultModelLocation } from "../src/runtime/location.js";
import { exportOnnx, INPUTS } from "../src/onnx/export.js";
import { ScoringThread } from "../src/runtime/scoring-thread.js";
import { initWeights } from "../src/train/weights.js";
import { FEATURE_SPEC, DENSE_SIZE } from "../src/features/spec.js";

const tiny = () => exportOnnx(initWeights(1, { embeddingDim: 4, hidden: 8, docEmbeddingDim: 4 }), {});

type Message = {
  graph: { input: Array<{ name: string; type: { tensorType: { shape: { dim: object[] } } } }> };
};

/** A model as exported up to docsift-kie 3.1.0: the token dimension fixed at the full width. */
function withFixedWidth(model: Uint8Array): Uint8Array {
  const message = ModelProto.toObject(ModelProto.decode(model), { longs: Number }) as Message;
  message.graph.input.find((i) => i.name === INPUTS.candIdx)!.type.tensorType.shape.dim[1] = {
    dimValue: FEATURE_SPEC.slots,
  };
  return ModelProto.encode(ModelProto.fromObject(message)).finish();
}

async function withThread<T>(model: Uint8Array, use: (t: ScoringThread) => Promise<T>): Promise<T> {
  const thread = await ScoringThread.start(model, { intraOpThreads: 1 });
  try {
    return await use(thread);
  } finally {
    await thread.close();
  }
}

describe("the scoring thread tells whether its model takes rows of any width", () => {
  it("does for the committed model and for any model exported now", async () => {
    const committed = await readFile(defaultModelLocation().onnxPath);
    expect(await withThread(committed, async (t) => t.takesAnyWidth)).toBe(true);
    expect(await withThread(tiny(), async (t) => t.takesAnyWidth)).toBe(true);
  });

  it("does not for a model exported with the width fixed, which still scores full-width rows", async () => {
    await withThread(withFixedWidth(tiny()), async (t) => {
      expect(t.takesAnyWidth).toBe(false);
      const rows = 3;
      const idx = new Int32Array(rows * FEATURE_SPEC.slots).fill(1);
      const out = await t.score(idx, new Float32Array(rows * DENSE_SIZE), rows);
      expect(out.fieldProbs.length).toBe(rows * FEATURE_SPEC.classes.length);
      // A narrower row is refused by ONNX Runtime: why the runtime must know.
      await expect(
        t.score(new Int32Array(rows * 40), new Float32Array(rows * DENSE_SIZE), rows, undefined, 40),
      ).rejects.toThrow(/run failed/);
    });
  });
});
