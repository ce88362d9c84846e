import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import PDFDocument from "pdfkit";
import { noiseJpeg } from "./noise-image.js";

export interface TextPdfOptions {
  /** Points; 12 by default. */
  fontSize?: number;
  /** Left and top margin in points; 72 by default. */
  margin?: number;
  /** Distance between baselines in points; 1.5 × font size by default. */
  lineSpacing?: number;
  /** Page size in points; US Letter (612 × 792) by default. */
  size?: [number, number];
}

/** Where {@link writeTextPdf} puts line `index` of a page, in points from the top-left corner. */
export function textPdfLinePosition(index: number, opts: TextPdfOptions = {}): { x: number; y: number } {
  const fontSize = opts.fontSize ?? 12;
  const margin = opts.margin ?? 72;
  return { x: margin, y: margin + index * (opts.lineSpacing ?? fontSize * 1.5) };
}

/**
 * Writes a PDF with one page per entry and one text line per string, each at a known position
 * ({@link textPdfLinePosition}), streamed to disk. An empty page has no text layer at all.
 */
export async function writeTextPdf(
  path: string,
  pages: string[][],
  opts: TextPdfOptions = {},
): Promise<void> {
  const size = opts.size ?? [612, 792];
  const doc = new PDFDocument({ autoFirstPage: false, size, compress: true });
  const out = createWriteStream(path);
  doc.pipe(out);
  for (const lines of pages) {
    doc.addPage({ size, margin: 0 });
    doc.font("Helvetica").fontSize(opts.fontSize ?? 12);
    lines.forEach((line, index) => {
      const { x, y } = textPdfLinePosition(index, opts);
      doc.text(line, x, y, { lineBreak: false });
    });
    await drain(doc, out);
  }
  doc.end();
  await once(out, "finish");
}

/** A PDF of one page that is only an image (a scan): no text layer at all. */
export async function writeScannedPdf(path: string, png: Buffer): Promise<void> {
  const doc = new PDFDocument({ size: [612, 792], margin: 0, compress: true });
  const out = createWriteStream(path);
  doc.pipe(out);
  doc.image(png, 72, 72, { width: 468 });
  doc.end();
  await once(out, "finish");
}

/** Pixels of each scanned attachment: A4 at 150 dpi; as a noise JPEG about 4–5 MB. */
const SCAN_SIZE = { width: 1240, height: 1754 };

/**
 * Writes a realistic large PDF of about `targetBytes`: text pages (an invoice-like cover and
 * body) followed by scanned-attachment pages, each an incompressible full-page image with a
 * caption in the text layer. Written page by page; at most one image is in memory.
 * @returns the number of pages and the text pages' first lines, to check a reader against.
 */
export async function writeLargePdf(
  path: string,
  targetBytes: number,
  opts: { textPages?: number } = {},
): Promise<{ pages: number; textPages: number; scanPages: number }> {
  const textPages = opts.textPages ?? 20;
  const sample = await noiseJpeg(SCAN_SIZE.width, SCAN_SIZE.height);
  const scanPages = Math.max(0, Math.round((targetBytes - textPages * 3000) / sample.length));
  const doc = new PDFDocument({ autoFirstPage: false, size: "A4", compress: true });
  const out = createWriteStream(path);
  doc.pipe(out);
  for (let p = 1; p <= textPages; p++) {
    doc.addPage({ size: "A4", margin: 0 });
    doc.font("Helvetica").fontSize(11);
    for (const [index, line] of largeDocumentLines(p).entries()) {
      doc.text(line, 60, 60 + index * 16, { lineBreak: false });
    }
    await drain(doc, out);
  }
  for (let s = 1; s <= scanPages; s++) {
    doc.addPage({ size: "A4", margin: 0 });
    doc.image(s === 1 ? sample : await noiseJpeg(SCAN_SIZE.width, SCAN_SIZE.height), 0, 40, {
      width: 595,
      height: 760,
    });
    doc
      .font("Helvetica")
      .fontSize(9)
      .text(`Scanned attachment ${s} of ${scanPages}`, 60, 20, { lineBreak: false });
    await drain(doc, out);
  }
  doc.end();
  await once(out, "finish");
  return { pages: textPages + scanPages, textPages, scanPages };
}

/** The text lines of page `page` of the large generated documents (PDF and DOCX share them). */
export function largeDocumentLines(page: number): string[] {
  const lines = [`Invoice INV-${String(page).padStart(5, "0")} page ${page}`];
  for (let i = 1; i <= 40; i++) {
    lines.push(
      `Item ${page}.${i} consulting services ${i * 3} hours at 120.00 EUR = ${(i * 360).toFixed(2)} EUR`,
    );
  }
  lines.push(`Subtotal page ${page}: ${(((40 * 41) / 2) * 360).toFixed(2)} EUR`);
  return lines;
}

/** pdfkit pushes into a Readable that does not wait for the file: wait while it holds a lot. */
async function drain(
  doc: PDFKit.PDFDocument,
  out: NodeJS.WritableStream & { writableLength: number },
): Promise<void> {
  const readable = doc as unknown as { readableLength: number };
  while (readable.readableLength + out.writableLength > 8 * 1024 * 1024) await sleep(5);
}
