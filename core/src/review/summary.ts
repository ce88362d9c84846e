import type { Job } from "../contracts/job.js";
import type { ResultSummary } from "../contracts/review.js";
import { reviewedResult } from "./revisions.js";

/** What a job list row shows of a result: the reviewed key values and whether it needs review. */
export function resultSummary(job: Job): ResultSummary | undefined {
  if (job.status !== "COMPLETED" || !job.result) return undefined;
  const r = reviewedResult(job);
  const value = (name: "vendorName" | "invoiceNumber" | "totalAmount" | "currency") => {
    const v = r.fields[name]?.value;
    return v !== undefined ? { [name]: v } : {};
  };
  return {
    needsReview: r.needsReview,
    fieldsNeedingReview: r.fieldsNeedingReview.length,
    confirmed: Boolean(r.confirmed),
    revision: r.revision,
    ...value("vendorName"),
    ...value("invoiceNumber"),
    ...value("totalAmount"),
    ...value("currency"),
  };
}
