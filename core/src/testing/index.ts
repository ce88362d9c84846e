// Builders for tests in every package (`@docsift/core/testing`): a job as intake creates it and a
// well-formed result, so tests state only what they are about.
import { randomUUID } from "node:crypto";
import type { Job } from "../contracts/job.js";
import type { JobResult } from "../contracts/result.js";
import { createJob, decide } from "../job/state-machine.js";

/** A job of `userId` awaiting its upload, as intake creates it (a one-minute window by default). */
export function newUploadJob(userId: string, opts: { at?: Date; windowMs?: number; id?: string } = {}): Job {
  const id = opts.id ?? randomUUID();
  return createJob({
    id,
    userId,
    fileName: "invoice.pdf",
    contentType: "application/pdf",
    sizeBytes: 1234,
    blob: { container: "uploads", name: `${userId}/${id}` },
    uploadWindowMs: opts.windowMs ?? 60_000,
    at: opts.at ?? new Date(),
  });
}

/** A result of one invoice page with its total found. */
export function sampleResult(overrides: Partial<JobResult> = {}): JobResult {
  return {
    documentType: "invoice",
    documentTypeConfidence: 0.9,
    fields: { totalAmount: { value: "10.00", confidence: 0.8, page: 1, sourceText: "Total 10.00" } },
    pages: 1,
    ocrPages: 0,
    characters: 100,
    documentSha256: "a".repeat(64),
    model: { name: "docsift-kie", version: "1.0.0", sha256: "b".repeat(64) },
    timings: { downloadMs: 1, extractMs: 1, inferMs: 1, totalMs: 3 },
    ...overrides,
  };
}

/** A job of `userId` that went through submit and start to COMPLETED with `result`. */
export function completedJob(
  userId: string,
  result: JobResult = sampleResult(),
  opts: { at?: Date; id?: string; fileName?: string } = {},
): Job {
  const at = opts.at ?? new Date();
  let job: Job = { ...newUploadJob(userId, { at, ...(opts.id ? { id: opts.id } : {}) }) };
  if (opts.fileName) job = { ...job, fileName: opts.fileName };
  for (const command of [
    { type: "submit", at },
    { type: "start", at, attempt: 1 },
    { type: "complete", at, result },
  ] as const) {
    const decision = decide(job, command);
    job = decision.job;
  }
  return job;
}
