// Document generators with known content, for tests and benchmarks. They need the package's
// dev dependencies (pdfkit, docx, yazl): import this entry only from tests and tools.
export {
  writeTextPdf,
  textPdfLinePosition,
  writeLargePdf,
  largeDocumentLines,
  type TextPdfOptions,
} from "./pdf.js";
export { writeDocx, writeLargeDocx, type DocxBlock } from "./docx.js";
export {
  writeZipBombDocx,
  writeTruncatedDocx,
  writeNonWordZip,
  writeCorruptPdf,
  damagePdf,
} from "./broken.js";
export { noisePng } from "./noise-png.js";
