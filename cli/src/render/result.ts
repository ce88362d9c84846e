import { FIELD_NAMES, LINE_ITEM_FIELD_NAMES, RESULT_FIELD_NAMES } from "@docsift/core";
import type { JobResult } from "@docsift/core";
import { renderTable } from "./table.js";

/**
 * Document type, where the values came from, the fields found (value, confidence, whether to
 * review it and why, page, source text), the line items, what was not found, timings.
 */
/** Rounded down, so a value flagged below the 0.90 review bar never reads "0.90". */
const twoDecimalsDown = (x: number): string => (Math.floor(x * 100 + 1e-9) / 100).toFixed(2);

export function renderResult(result: JobResult, extra: string[] = []): string {
  const eInvoice = result.source === "e-invoice";
  const found = RESULT_FIELD_NAMES.filter((f) => result.fields[f]);
  // The model looks for its own fields only: the others are "not found" only where an XML was read.
  const missing = (eInvoice ? RESULT_FIELD_NAMES : FIELD_NAMES).filter((f) => !result.fields[f]);
  const lines = [
    `document type: ${result.documentType} (confidence ${result.documentTypeConfidence.toFixed(2)})`,
    ...(result.needsReview
      ? ["needs review: yes (check the fields marked below before relying on them)"]
      : []),
    `pages: ${result.pages}${result.ocrPages ? ` (${result.ocrPages} by OCR)` : ""}, characters: ${result.characters}`,
    eInvoice
      ? "source: e-invoice (values read from its XML; the model was not run)"
      : `model: ${result.model.name}@${result.model.version}`,
    ...extra,
    "",
  ];
  if (found.length > 0)
    lines.push(
      renderTable(
        ["FIELD", "VALUE", "CONFIDENCE", "REVIEW", "PAGE", "SOURCE TEXT"],
        found.map((f) => {
          const v = result.fields[f]!;
          const review = v.needsReview ? (v.reviewReasons ?? ["yes"]).join(", ") : "";
          return [f, v.value, twoDecimalsDown(v.confidence), review, String(v.page), v.sourceText];
        }),
      ),
    );
  else lines.push("no fields found");
  if (result.lineItems?.length)
    lines.push(
      "",
      renderTable(
        ["LINE", "DESCRIPTION", "QUANTITY", "UNIT", "UNIT PRICE", "AMOUNT", "TAX %"],
        result.lineItems.map((item, i) => [
          String(i + 1),
          ...LINE_ITEM_FIELD_NAMES.map((part) => {
            const v = item[part];
            return v ? `${v.value}${v.needsReview ? " (review)" : ""}` : "";
          }),
        ]),
      ),
    );
  if (missing.length > 0) lines.push("", `not found: ${missing.join(", ")}`);
  const t = result.timings;
  lines.push(
    "",
    `timings: read ${t.downloadMs} ms, extract ${t.extractMs} ms, infer ${t.inferMs} ms, total ${t.totalMs} ms`,
  );
  return lines.join("\n");
}
