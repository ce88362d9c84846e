import type { Job } from "../contracts/job.js";
import { FIELD_NAMES } from "../contracts/result.js";
import { reviewedResult } from "./revisions.js";

/** The columns of a result export, the same for one job and for the bulk export. */
export const EXPORT_COLUMNS = [
  "jobId",
  "fileName",
  "status",
  "createdAt",
  "completedAt",
  "documentType",
  "needsReview",
  "confirmed",
  "revision",
  ...FIELD_NAMES,
  "errorCode",
] as const;

/**
 * One document as one row: the reviewed values (corrections applied, absent fields empty). A job
 * without a result (failed, still running) has its status and error code and empty fields.
 */
export function exportRow(job: Job): string[] {
  const base = [job.id, job.fileName, job.status, job.createdAt];
  if (job.status !== "COMPLETED" || !job.result)
    return [...base, "", "", "", "", "", ...FIELD_NAMES.map(() => ""), job.error?.code ?? ""];
  const r = reviewedResult(job);
  return [
    ...base,
    r.completedAt,
    r.documentType,
    String(r.needsReview),
    String(Boolean(r.confirmed)),
    String(r.revision),
    ...FIELD_NAMES.map((f) => r.fields[f]?.value ?? ""),
    "",
  ];
}
