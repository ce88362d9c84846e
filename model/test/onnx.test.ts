import { describe, expect, it } from "vitest";
import { buildDataset } from "../src/train/dataset.js";
import { train } from "../src/train/trainer.js";
import { forwardCandidates, forwardDocType, initWeights } from "../src/train/weights.js";
import { exportOnnx } from "../src/onnx/export.js";
import { createSession, scoreBatch } from "../src/runtime/session.js";
import { FEATURE_SPEC, DENSE_SIZE } from "../src/features/spec.js";

describe("ONNX export", () => {
  it("onnxruntime-node and the training-time forward pass agree (≤ 1e-5)", async () => {
    const data = buildDataset({
      seed: 3,
      documents: 40,
      split: "train",
      ocrShare: 0.25,
      mergedShare: 0.25,
      flowedShare: 0.25,
    });
    const w = initWeights(3, { embeddingDim: 8, hidden: 16, docEmbeddingDim: 4 });
    const losses: number[] = [];
    train(w, data, {
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      decay: 0.7,
      noneWeight: 1,
      tokenDropout: 0.1,
      seed: 3,
      onEpoch: (e) => losses.push(e.loss),
    });
    expect(losses[1]).toBeLessThan(losses[0] as number);

    const session = await createSession(exportOnnx(w, { test: "1" }));
    try {
      const rows = Math.min(300, data.rows);
      const idx = data.idx.subarray(0, rows * FEATURE_SPEC.slots);
      const dense = data.dense.subarray(0, rows * DENSE_SIZE);
      const bag = data.docBags.subarray(0, FEATURE_SPEC.docSlots);
      const ort = await scoreBatch(session, idx, dense, rows, bag);
      const js = forwardCandidates(w, idx, dense, rows);
      let maxDiff = 0;
      for (let i = 0; i < js.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs((ort.fieldProbs[i] as number) - (js[i] as number)));
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
      const jsDoc = forwardDocType(w, bag, 1);
      for (let i = 0; i < jsDoc.length; i++)
        expect(Math.abs((ort.docTypeProbs[i] as number) - (jsDoc[i] as number))).toBeLessThanOrEqual(1e-5);
      // Rows are real probability distributions over the field classes.
      const sum = Array.from(ort.fieldProbs.subarray(0, FEATURE_SPEC.classes.length)).reduce(
        (a, b) => a + b,
        0,
      );
      expect(sum).toBeCloseTo(1, 5);
    } finally {
      await session.release();
    }
  });
});
