import { FIELD_NAMES } from "@docsift/core";
import type { JobResult } from "@docsift/core";
import { renderTable } from "./table.js";

/**
 * Document type, the fields found (value, confidence, whether to review it and why, page, source
 * text), what was not found, timings.
 */
/** Rounded down, so a value flagged below the 0.90 review bar never reads "0.90". */
const twoDecimalsDown = (x: number): string => (Math.floor(x * 100 + 1e-9) / 100).toFixed(2);

export function renderResult(result: JobResult, extra: string[] = []): string {
  const found = FIELD_NAMES.filter((f) => result.fields[f]);
  const missing = FIELD_NAMES.filter((f) => !result.fields[f]);
  const lines = [
    `document type: ${result.documentType} (confidence ${result.documentTypeConfidence.toFixed(2)})`,
    ...(result.needsReview
      ? ["needs review: yes (check the fields marked below before relying on them)"]
      : []),
    `pages: ${result.pages}${result.ocrPages ? ` (${result.ocrPages} by OCR)` : ""}, characters: ${result.characters}`,
    `model: ${result.model.name}@${result.model.version}`,
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
  if (missing.length > 0) lines.push("", `not found: ${missing.join(", ")}`);
  const t = result.timings;
  lines.push(
    "",
    `timings: read ${t.downloadMs} ms, extract ${t.extractMs} ms, infer ${t.inferMs} ms, total ${t.totalMs} ms`,
  );
  return lines.join("\n");
}
