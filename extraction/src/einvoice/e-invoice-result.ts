import type { ExtractedField, ExtractedPage, JobResult, LineItem } from "@docsift/core";
import type { Agreement } from "./agreement.js";
import { VisibleTextAgreement } from "./agreement.js";
import type { EInvoice, EInvoiceValue } from "./e-invoice.js";

/** The parts of a job result an e-invoice decides; the caller adds pages, hashes, model and timings. */
export type EInvoiceResultParts = Pick<
  JobResult,
  "documentType" | "documentTypeConfidence" | "fields" | "lineItems" | "needsReview" | "source"
>;

/**
 * An e-invoice's values as result fields: confidence 1 (the XML states them; nothing is
 * guessed), page 1 unless the PDF's visible text showed the value on another, the XML's text as
 * source. A checked value the visible text does not show needs review ("e-invoice-mismatch"),
 * and so does the result; the XML's value is kept, never replaced by a reading of the text.
 */
export function eInvoiceResultParts(invoice: EInvoice, agreement: Agreement[] = []): EInvoiceResultParts {
  const field = (v: EInvoiceValue, page = 1): ExtractedField => ({
    value: v.value,
    confidence: 1,
    page,
    sourceText: v.sourceText,
  });
  const fields: JobResult["fields"] = {};
  for (const [name, value] of Object.entries(invoice.fields) as Array<
    [keyof EInvoice["fields"], EInvoiceValue]
  >)
    fields[name] = field(value);
  for (const check of agreement) {
    const current = fields[check.field];
    if (!current) continue;
    fields[check.field] = check.agrees
      ? { ...current, page: check.page ?? current.page }
      : { ...current, needsReview: true, reviewReasons: ["e-invoice-mismatch"] };
  }
  const lineItems = invoice.lineItems.map(
    (line) =>
      Object.fromEntries(Object.entries(line).map(([k, v]) => [k, field(v as EInvoiceValue)])) as LineItem,
  );
  return {
    documentType: invoice.documentType,
    documentTypeConfidence: 1,
    fields,
    lineItems,
    needsReview: agreement.some((a) => !a.agrees),
    source: "e-invoice",
  };
}

export interface VisibleTextCheck {
  agreement: Agreement[];
  pages: number;
  characters: number;
  /** The pages' sources, for counting OCR pages. */
  ocrPages: number;
}

/** Reads every visible page once and checks it against the invoice; no page is kept. */
export async function checkVisibleText(
  invoice: EInvoice,
  pages: AsyncIterable<ExtractedPage>,
  onPage?: (pagesDone: number) => void,
): Promise<VisibleTextCheck> {
  const check = new VisibleTextAgreement(invoice);
  let count = 0;
  let characters = 0;
  let ocrPages = 0;
  for await (const page of pages) {
    count++;
    if (page.source === "ocr") ocrPages++;
    for (const line of page.lines) characters += line.text.length;
    check.addPage(page);
    onPage?.(count);
  }
  return { agreement: check.outcome(), pages: count, characters, ocrPages };
}

/** What a job result takes from an e-invoice: its values, and the figures of what was read. */
export type EInvoiceReadResult = EInvoiceResultParts & Pick<JobResult, "pages" | "ocrPages" | "characters">;

/**
 * The worker's and the CLI's one way to turn an e-invoice into a result. A PDF's visible pages
 * are read (with the reader's caps) for the agreement check; an XML file has none, and counts as
 * one page, the one its fields are on.
 */
export async function eInvoiceReadResult(
  invoice: EInvoice,
  visiblePages: AsyncIterable<ExtractedPage> | undefined,
  onPage?: (pagesDone: number) => void,
): Promise<EInvoiceReadResult> {
  if (!visiblePages) {
    onPage?.(1);
    return { ...eInvoiceResultParts(invoice), pages: 1, ocrPages: 0, characters: invoice.characters };
  }
  const visible = await checkVisibleText(invoice, visiblePages, onPage);
  return {
    ...eInvoiceResultParts(invoice, visible.agreement),
    pages: visible.pages,
    ocrPages: visible.ocrPages,
    characters: visible.characters,
  };
}
