export { createPpOcrEngine, DEFAULT_OCR_MAX_PIXELS, type PpOcrEngineOptions } from "./pp-ocr-engine.js";
export { readOcrSettings, type OcrSettings } from "./ocr-settings.js";
