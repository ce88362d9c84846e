import { createWriteStream } from "node:fs";
import { once } from "node:events";
import PDFDocument from "pdfkit";
import { PAGE_HEIGHT_PT, PAGE_WIDTH_PT, type SyntheticDocument } from "../generator/types.js";

/** Writes the document as a text-layer PDF (A4, standard Helvetica fonts, WinAnsi text). */
export async function renderPdf(doc: SyntheticDocument, path: string): Promise<void> {
  const pdf = new PDFDocument({
    size: [PAGE_WIDTH_PT, PAGE_HEIGHT_PT],
    autoFirstPage: false,
    margin: 0,
    compress: true,
  });
  const out = createWriteStream(path);
  pdf.pipe(out);
  for (const page of doc.pages) {
    pdf.addPage({ size: [PAGE_WIDTH_PT, PAGE_HEIGHT_PT], margin: 0 });
    for (const it of page.items) {
      pdf
        .font(it.bold ? "Helvetica-Bold" : "Helvetica")
        .fontSize(it.size)
        .text(it.text, it.x * PAGE_WIDTH_PT, it.y * PAGE_HEIGHT_PT, { lineBreak: false });
    }
  }
  pdf.end();
  await once(out, "finish");
}
