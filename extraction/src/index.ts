export { sniffDocumentKind, readFileHead, HEAD_BYTES } from "./sniff.js";
export {
  downloadToTempFile,
  sweepStaleDocuments,
  type TempDocument,
  type DownloadOptions,
} from "./temp-download.js";
export {
  readDocument,
  type ReadOptions,
  type ReadStats,
  type DocumentReading,
  type PdfEngine,
} from "./read-document.js";
export { DEFAULT_LIMITS, type ReadLimits } from "./limits.js";
export { hasPoppler } from "./pdf/poppler.js";
export { popplerLauncherPid, usePopplerLauncher } from "./pdf/poppler-launcher.js";
export { detectTextEncoding, type TextEncodingGuess } from "./text/encoding.js";
export { withOcrPageCap, type OcrEngine } from "./ocr-engine.js";
