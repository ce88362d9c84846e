import { fileURLToPath } from "node:url";
import type { ExtractedPage, TextLine } from "@docsift/core";
import { readDocument, readFileHead, type PdfEngine } from "@docsift/extraction";
import type { KeyInfoModel } from "@docsift/model";

/**
 * Made-up invoices of every locale as a real PDF (worker/scripts/make-warm-up-pdf.ts), read
 * through the same engine as documents are: the reader's child processes and parser, and the
 * model on the text they produce, are then warm for the first job too.
 */
export const WARM_UP_PDF = fileURLToPath(new URL("../assets/warm-up.pdf", import.meta.url));
/** The DOCX reader's hot paths (ZIP entry inflate, streamed XML) are its own. */
export const WARM_UP_DOCX = fileURLToPath(new URL("../assets/warm-up.docx", import.meta.url));

// A small made-up invoice, for compiling the model's hot paths before the first job. Its lines
// touch every candidate kind (ids, dates, amounts, IBAN, currency, names).
const LINES = [
  "Northwind Traders Ltd",
  "12 Harbour Street, Bristol",
  "INVOICE",
  "Invoice number: INV-2024-0042",
  "Invoice date: 14/03/2024",
  "Due date: 13/04/2024",
  "Bill to: Contoso Pharmaceuticals",
  "PO number: PO-77831",
  "Description\tQty\tUnit price\tAmount",
  "Consulting services\t10\t120.00\t1,200.00",
  "Travel expenses\t1\t85.50\t85.50",
  "Subtotal\t1,285.50",
  "VAT 20%\t257.10",
  "Total due\tGBP 1,542.60",
  "IBAN: GB29 NWBK 6016 1331 9268 19",
  "Thank you for your business.",
];

export function warmUpPages(pages = 4): ExtractedPage[] {
  return Array.from({ length: pages }, (_, p) => ({
    number: p + 1,
    source: "text-layer" as const,
    lines: LINES.map((text, index): TextLine => ({
      text,
      page: p + 1,
      index,
      x: 0.08,
      y: 0.05 + index * 0.05,
      width: Math.min(0.84, text.length * 0.012),
      height: 0.015,
    })),
  }));
}

/**
 * Runs made-up documents through the reader and the model until V8 has optimised their hot
 * paths: one pass is not enough (the 10th run of the same 40 pages is ~10× faster than the
 * first), and the first job after a scale-out from zero should not pay for compilation: it took
 * twice as long as the next ones with the model alone warmed up. Bounded by rounds and by time,
 * so a slow node still becomes ready. Returns the rounds run of each kind (a document round reads the PDF and the DOCX).
 */
export async function warmUpModel(
  model: KeyInfoModel,
  opts: { rounds?: number; documentRounds?: number; budgetMs?: number; pdfEngine?: PdfEngine } = {},
): Promise<{ pageRounds: number; documentRounds: number }> {
  const { rounds = 20, documentRounds = 3, budgetMs = 3000, pdfEngine = "auto" } = opts;
  const pages = warmUpPages(40);
  const started = performance.now();
  const inBudget = (): boolean => performance.now() - started < budgetMs;
  let pageRounds = 0;
  while (pageRounds < rounds && inBudget()) {
    await model.extract(pages);
    pageRounds++;
  }
  let documents = 0;
  if (documentRounds > 0) {
    const files = await Promise.all(
      [WARM_UP_PDF, WARM_UP_DOCX].map(async (path) => ({ path, head: await readFileHead(path) })),
    );
    while (documents < documentRounds && inBudget()) {
      for (const file of files) await model.extract(readDocument(file, { pdfEngine }).pages);
      documents++;
    }
  }
  return { pageRounds, documentRounds: documents };
}
