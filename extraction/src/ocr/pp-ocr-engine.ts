import type { ExtractedPage, TextLine } from "@docsift/core";
import { pino, type Logger } from "pino";
import type { OcrEngine } from "../ocr-engine.js";
import { decodePageImage, type PageBitmap } from "./decode-page-image.js";
import { mergeBoxesIntoLines } from "./merge-lines.js";
import { PpOcrModels, type RecognisedBox } from "./pp-ocr-models.js";
import { SerialQueue } from "./serial-queue.js";

export interface PpOcrEngineOptions {
  /**
   * Pages with more pixels are downscaled to this before OCR, bounding memory and time. The
   * default holds A4 at 200 dpi (1654 × 2339) unscaled.
   */
  maxPixels?: number;
  /** Threads per ONNX Runtime session (detector and recogniser); default: ORT's (one per core). */
  intraOpThreads?: number;
  logger?: Logger;
}

export const DEFAULT_OCR_MAX_PIXELS = 4_000_000;
// Refused before decoding: a 100-megapixel page is far beyond any scan the worker should see
// (A4 at 1200 dpi is 140 MP, but scanners send 150–600 dpi).
const MAX_INPUT_PIXELS = 100_000_000;
// Below this mean character probability a box is more likely noise than text (the threshold
// @gutenye/ocr-common uses).
const MIN_CONFIDENCE = 0.5;

/**
 * The models and the queue are per process: a page costs 0.7–1.6 GB while it is recognised, so
 * every engine in the process shares one pair of sessions and one page runs at a time. The
 * sessions load on the first page and are released when the last engine closes.
 */
const shared: {
  models: Promise<PpOcrModels> | undefined;
  intraOpThreads: number | undefined;
  queue: SerialQueue;
  openEngines: number;
} = { models: undefined, intraOpThreads: undefined, queue: new SerialQueue(), openEngines: 0 };

/** Creates an OCR engine backed by PP-OCRv4 (@gutenye/ocr-node's models on onnxruntime-node). */
export async function createPpOcrEngine(opts: PpOcrEngineOptions = {}): Promise<OcrEngine> {
  const maxPixels = opts.maxPixels ?? DEFAULT_OCR_MAX_PIXELS;
  if (!Number.isInteger(maxPixels) || maxPixels < 32 * 32) {
    throw new RangeError(`maxPixels must be an integer of at least 1024, got ${maxPixels}`);
  }
  if (
    opts.intraOpThreads !== undefined &&
    !(Number.isInteger(opts.intraOpThreads) && opts.intraOpThreads > 0)
  ) {
    throw new RangeError(`intraOpThreads must be a positive integer, got ${opts.intraOpThreads}`);
  }
  const logger = (opts.logger ?? pino({ name: "ocr" })).child({ component: "pp-ocr" });
  if (shared.openEngines > 0 && shared.intraOpThreads !== opts.intraOpThreads) {
    logger.warn(
      { requested: opts.intraOpThreads, inUse: shared.intraOpThreads },
      "OCR sessions are shared per process; keeping the thread count of the first engine",
    );
  } else if (shared.openEngines === 0) {
    shared.intraOpThreads = opts.intraOpThreads;
  }
  shared.openEngines++;
  let closed = false;

  const models = (): Promise<PpOcrModels> => {
    if (!shared.models) {
      const started = performance.now();
      const loading = PpOcrModels.load({ intraOpThreads: shared.intraOpThreads });
      shared.models = loading;
      loading.then(
        () => logger.info({ ms: Math.round(performance.now() - started) }, "OCR models loaded"),
        // Let the next page try again rather than keep a failed load for the process's life.
        () => {
          if (shared.models === loading) shared.models = undefined;
        },
      );
    }
    return shared.models;
  };

  return {
    recognizePage(image: Buffer, pageNumber: number): Promise<ExtractedPage> {
      if (closed) return Promise.reject(new Error("OCR engine is closed"));
      if (!Number.isInteger(pageNumber) || pageNumber < 1) {
        return Promise.reject(new RangeError(`pageNumber must be a 1-based integer, got ${pageNumber}`));
      }
      return shared.queue.run(async () => {
        const started = performance.now();
        const page = await decodePageImage(image, { maxPixels, maxInputPixels: MAX_INPUT_PIXELS });
        if (page.pagesInFile > 1) {
          logger.warn(
            { pageNumber, pagesInFile: page.pagesInFile },
            "multi-page image: only its first page is read",
          );
        }
        const boxes = await (await models()).recognise(page);
        const lines = toTextLines(boxes, page, pageNumber);
        logger.debug(
          {
            pageNumber,
            format: page.format,
            pixels: page.pageWidth * page.pageHeight,
            scale: page.scale,
            boxes: boxes.length,
            lines: lines.length,
            ms: Math.round(performance.now() - started),
          },
          "page recognised",
        );
        return { number: pageNumber, source: "ocr", lines };
      });
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      shared.openEngines--;
      if (shared.openEngines > 0) return;
      // Released behind pages already queued, so none of them loses its session mid-page.
      await shared.queue.run(async () => {
        // Another engine may have opened while this waited its turn: it keeps the sessions.
        if (shared.openEngines > 0 || !shared.models) return;
        const loading = shared.models;
        shared.models = undefined;
        const loaded = await loading.catch(() => undefined);
        await loaded?.release();
      });
    },
  };
}

/** Drops junk boxes, merges the rest into lines and normalises coordinates to the page. */
export function toTextLines(
  boxes: readonly RecognisedBox[],
  page: PageBitmap,
  pageNumber: number,
): TextLine[] {
  const kept = boxes
    .filter((box) => box.confidence >= MIN_CONFIDENCE)
    .map((box) => ({ ...box, text: cleanText(box.text) }))
    .filter((box) => isText(box.text));
  return mergeBoxesIntoLines(kept).map((line, index) => {
    const x0 = clamp01(line.x0 / page.pageWidth);
    const y0 = clamp01(line.y0 / page.pageHeight);
    const x1 = clamp01(line.x1 / page.pageWidth);
    const y1 = clamp01(line.y1 / page.pageHeight);
    return { text: line.text, page: pageNumber, index, x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  });
}

const cleanText = (text: string): string => text.replace(/\s+/g, " ").trim();

// A box without a letter or digit is a speckle, a rule or a stray mark read as punctuation.
const isText = (text: string): boolean => /[\p{L}\p{N}]/u.test(text);

const clamp01 = (n: number): number => Math.min(1, Math.max(0, n));
