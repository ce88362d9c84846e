// Document generators with known content, for tests and benchmarks. They need the package's
// dev dependencies (pdfkit, docx, fflate): import this entry only from tests and tools.
export {
  writeTextPdf,
  writeScannedPdf,
  textPdfLinePosition,
  writeLargePdf,
  largeDocumentLines,
  type TextPdfOptions,
} from "./pdf.js";
export { writeDocx, writeLargeDocx, type DocxBlock } from "./docx.js";
export {
  writeZipBombDocx,
  writeDocxBodyXml,
  writeTruncatedDocx,
  writeNonWordZip,
  writeCorruptPdf,
  damagePdf,
} from "./broken.js";
export { noisePng, noiseJpeg } from "./noise-image.js";
export {
  sampleInvoice,
  ublInvoiceXml,
  ciiInvoiceXml,
  printedInvoiceLines,
  writeHybridInvoicePdf,
  writeFacturXKitPdf,
  CII_GUIDELINES,
  type EInvoiceFixture,
  type InvoiceParty,
  type InvoiceLineFixture,
  type AttachedXml,
} from "./e-invoice.js";
