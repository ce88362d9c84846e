import type { JobListResponse, JobView } from "@docsift/core";
import { formatBytes } from "./format.js";
import { renderResult } from "./result.js";
import { renderTable } from "./table.js";

export function renderJob(job: JobView): string {
  const lines = [
    `job ${job.id}`,
    `status: ${job.status}`,
    `file: ${job.fileName} (${job.contentType}, ${formatBytes(job.sizeBytes)})`,
    `created: ${job.createdAt}  updated: ${job.updatedAt}  attempt: ${job.attempt}`,
  ];
  if (job.progress)
    lines.push(
      `progress: ${job.progress.stage}${job.progress.pagesDone !== undefined ? `, ${job.progress.pagesDone} pages` : ""}`,
    );
  if (job.error)
    lines.push(
      `failure: ${job.error.code}: ${job.error.message}${job.error.permanent ? "" : " (transient)"}`,
    );
  if (job.result) lines.push("", renderResult(job.result));
  return lines.join("\n");
}

export function renderJobList(items: JobListResponse["items"]): string {
  if (items.length === 0) return "no jobs";
  return renderTable(
    ["ID", "STATUS", "FILE", "SIZE", "CREATED"],
    items.map((j) => [j.id, j.status, j.fileName, formatBytes(j.sizeBytes), j.createdAt]),
  );
}
