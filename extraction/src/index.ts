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
export {
  readEInvoice,
  parseEInvoice,
  E_INVOICE_ATTACHMENT_NAMES,
  type EInvoiceReading,
  type EInvoiceReadOptions,
} from "./einvoice/read-e-invoice.js";
export type { EInvoice, EInvoiceValue, EInvoiceLine } from "./einvoice/e-invoice.js";
export {
  VisibleTextAgreement,
  CHECKED_FIELDS,
  type Agreement,
  type CheckedField,
} from "./einvoice/agreement.js";
export {
  eInvoiceResultParts,
  eInvoiceReadResult,
  checkVisibleText,
  type EInvoiceResultParts,
  type EInvoiceReadResult,
  type VisibleTextCheck,
} from "./einvoice/e-invoice-result.js";
