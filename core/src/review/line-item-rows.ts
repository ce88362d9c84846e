import type { Job } from "../contracts/job.js";
import { LINE_ITEM_FIELD_NAMES } from "../contracts/result.js";
import type { LineItem } from "../contracts/result.js";
import { reviewedResult } from "./revisions.js";

/**
 * The columns of a result's line-item export: one row per invoice line, keyed by job and line
 * number so a spreadsheet joins it to the result export's row (same `jobId`).
 */
export const LINE_ITEM_EXPORT_COLUMNS = [
  "jobId",
  "fileName",
  "line",
  ...LINE_ITEM_FIELD_NAMES,
  "currency",
  "page",
] as const;

/** The columns a spreadsheet must read as numbers (a credit's "-12.50" stays a number). */
export const LINE_ITEM_NUMERIC_COLUMNS: readonly string[] = [
  "line",
  "quantity",
  "unitPrice",
  "amount",
  "taxRate",
  "page",
];

// The page of a line is where its first stated part was read.
const pageOf = (item: LineItem): string => {
  const pages = LINE_ITEM_FIELD_NAMES.flatMap((f) => (item[f] ? [item[f].page] : []));
  return pages.length ? String(Math.min(...pages)) : "";
};

/**
 * A completed job's line items as rows of {@link LINE_ITEM_EXPORT_COLUMNS}, the values as read
 * (parts not stated empty), with the reviewed currency. None for a result without line items;
 * a job without a result throws as {@link reviewedResult} does.
 */
export function lineItemRows(job: Job): string[][] {
  const currency = reviewedResult(job).fields.currency?.value ?? "";
  return (job.result?.lineItems ?? []).map((item, i) => [
    job.id,
    job.fileName,
    String(i + 1),
    ...LINE_ITEM_FIELD_NAMES.map((f) => item[f]?.value ?? ""),
    currency,
    pageOf(item),
  ]);
}
