import type { ExtractedPage, TextLine } from "@docsift/core";
import type { KeyInfoModel } from "@docsift/model";

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
 * Runs made-up pages through the model until V8 has optimised its hot paths: one pass is not
 * enough (the 10th run of the same 40 pages is ~10× faster than the first), and the first job
 * after a scale-out from zero should not pay for compilation. Bounded by rounds and by time, so
 * a slow node still becomes ready. Returns the rounds run.
 */
export async function warmUpModel(
  model: KeyInfoModel,
  opts: { rounds?: number; budgetMs?: number } = {},
): Promise<number> {
  const { rounds = 25, budgetMs = 3000 } = opts;
  const pages = warmUpPages(40);
  const started = performance.now();
  let done = 0;
  while (done < rounds && performance.now() - started < budgetMs) {
    await model.extract(pages);
    done++;
  }
  return done;
}
