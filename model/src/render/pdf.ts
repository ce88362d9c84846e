import { createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import PDFDocument from "pdfkit";
import { PAGE_HEIGHT_PT, PAGE_WIDTH_PT, type SyntheticDocument } from "../generator/types.js";

/** Characters the standard fonts' WinAnsi encoding holds (Latin-1 and a few extras such as € and “”). */
const WIN_ANSI = /^[\n\t\u0020-\u007e\u00a0-\u00ff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]*$/u;
const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/**
 * Writes the document as a text-layer PDF (A4). Text the standard Helvetica fonts can encode uses
 * them; other text (₹, zł, ¥ in CJK form, …) is set in embedded DejaVu Sans where the system has it
 * (Debian's fonts-dejavu-core), since Helvetica would print it as garbage.
 */
export async function renderPdf(doc: SyntheticDocument, path: string): Promise<void> {
  const pdf = new PDFDocument({
    size: [PAGE_WIDTH_PT, PAGE_HEIGHT_PT],
    autoFirstPage: false,
    margin: 0,
    compress: true,
  });
  const out = createWriteStream(path);
  pdf.pipe(out);
  const unicode = existsSync(DEJAVU) && existsSync(DEJAVU_BOLD);
  if (unicode) {
    pdf.registerFont("Unicode", DEJAVU);
    pdf.registerFont("Unicode-Bold", DEJAVU_BOLD);
  }
  for (const page of doc.pages) {
    pdf.addPage({ size: [PAGE_WIDTH_PT, PAGE_HEIGHT_PT], margin: 0 });
    for (const it of page.items) {
      pdf
        .font(
          unicode && !WIN_ANSI.test(it.text)
            ? it.bold
              ? "Unicode-Bold"
              : "Unicode"
            : it.bold
              ? "Helvetica-Bold"
              : "Helvetica",
        )
        .fontSize(it.size)
        .text(it.text, it.x * PAGE_WIDTH_PT, it.y * PAGE_HEIGHT_PT, { lineBreak: false });
    }
  }
  pdf.end();
  await once(out, "finish");
}
