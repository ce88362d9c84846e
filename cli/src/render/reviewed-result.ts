import { FIELD_NAMES } from "@docsift/core";
import type { ReviewedResult } from "@docsift/core";
import { renderTable } from "./table.js";

/** The reviewed result: fields needing review first, then the rest, then what is absent. */
export function renderReviewedResult(r: ReviewedResult): string {
  const present = FIELD_NAMES.filter((f) => r.fields[f]);
  const order = [
    ...present.filter((f) => r.fields[f]!.needsReview),
    ...present.filter((f) => !r.fields[f]!.needsReview),
  ];
  const lines = [
    `job ${r.jobId} (${r.fileName}): ${r.documentType}, revision ${r.revision}`,
    r.needsReview
      ? `needs review: ${r.fieldsNeedingReview.length ? r.fieldsNeedingReview.join(", ") : "the document type"}`
      : r.confirmed
        ? `confirmed by ${r.confirmed.by} at ${r.confirmed.at}`
        : "needs review: no",
    "",
  ];
  if (order.length)
    lines.push(
      renderTable(
        ["FIELD", "VALUE", "FROM", "REVIEW", "PAGE", "SOURCE TEXT"],
        order.map((f) => {
          const v = r.fields[f]!;
          const review = v.needsReview
            ? (v.reviewReasons ?? ["yes"]).join(", ")
            : v.reviewed
              ? "reviewed"
              : "";
          const from = v.origin === "user" && v.modelValue ? `user (model: ${v.modelValue})` : v.origin;
          return [f, v.value, from, review, v.page ? String(v.page) : "", v.sourceText ?? ""];
        }),
      ),
    );
  else lines.push("no fields");
  if (r.absent.length) lines.push("", `marked absent: ${r.absent.join(", ")}`);
  return lines.join("\n");
}
