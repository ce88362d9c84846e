import { createHash, randomUUID } from "node:crypto";
import {
  ConcurrencyConflictError,
  CreateJobRequestSchema,
  ListJobsQuerySchema,
  ProblemError,
  QuotaExceededError,
  UPLOAD_BLOCK_SIZE_BYTES,
  createJob,
  kindOfContentType,
  maxBytesOfKind,
  problem,
  sanitizeFileName,
  transitionJob,
  uploadBlobName,
} from "@docsift/core";
import type { CreateJobResponse, Job, JobListResponse } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { admitNewJob, confirmNewJob, loadOwnJob, parseJobId, submitJob, toJobView } from "../jobs-service.js";
import { callerOf } from "../lib/identity.js";
import { readJson, readQuery } from "../lib/json-body.js";
import type { HttpHandler } from "../lib/problem-response.js";
import { uploadMultipart } from "./multipart-upload.js";
import { unwrapToken, wrapToken } from "../lib/continuation-token.js";
import { isSearch, searchJobs } from "./job-search.js";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  jsonBody: body,
  headers,
});

/**
 * An Idempotency-Key makes a retried create return the same job: the id is derived from the
 * user and the key (shaped as a v4 UUID so it validates like any other job id).
 */
function jobIdFor(userId: string, idempotencyKey: string | null): string {
  if (!idempotencyKey) return randomUUID();
  const h = createHash("sha256").update(`${userId}\n${idempotencyKey}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function uploadAnswer(deps: FunctionDeps, job: Job): Promise<CreateJobResponse> {
  // The SAS covers exactly this blob, create+write only, for minutes.
  const grant = await deps.documents.grantUpload(
    job.blob.container,
    job.blob.name,
    deps.config.uploads.sasTtlMs,
  );
  return {
    jobId: job.id,
    status: job.status,
    upload: {
      url: grant.url,
      method: "PUT",
      expiresAt: grant.expiresAt.toISOString(),
      blockSizeBytes: UPLOAD_BLOCK_SIZE_BYTES,
      headers: { "x-ms-blob-type": "BlockBlob" },
    },
    statusUrl: `/api/jobs/${job.id}`,
    submitUrl: `/api/jobs/${job.id}/submit`,
  };
}

export const createJobHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const type = (request.headers.get("content-type") ?? "").toLowerCase();
    if (type.startsWith("multipart/form-data")) {
      await admitNewJob(deps, caller.userId);
      const job = await uploadMultipart(deps, caller.userId, request);
      return json(
        202,
        { jobId: job.value.id, status: job.value.status, statusUrl: `/api/jobs/${job.value.id}` },
        { location: `/api/jobs/${job.value.id}` },
      );
    }
    const body = await readJson(request, CreateJobRequestSchema, deps.config.maxJsonBodyBytes);
    const maxBytes = maxBytesOfKind(kindOfContentType(body.contentType), deps.config.uploads.maxBytes);
    if (body.sizeBytes > maxBytes)
      throw new ProblemError(
        problem("validation-failed", {
          code: "DOCUMENT_TOO_LARGE",
          detail: `sizeBytes must be at most ${maxBytes}.`,
          errors: [{ field: "sizeBytes", message: `must be at most ${maxBytes}` }],
        }),
      );
    const idempotencyKey = request.headers.get("idempotency-key");
    const id = jobIdFor(caller.userId, idempotencyKey);
    try {
      await admitNewJob(deps, caller.userId);
    } catch (err) {
      // A retried create of a job that exists is answered as before, whatever the limits say now.
      const retried =
        err instanceof QuotaExceededError && idempotencyKey && (await deps.jobs.get(caller.userId, id));
      if (!retried) throw err;
    }
    const job = createJob({
      id,
      userId: caller.userId,
      fileName: sanitizeFileName(body.fileName),
      contentType: body.contentType,
      sizeBytes: body.sizeBytes,
      blob: { container: deps.config.containers.uploads, name: uploadBlobName(caller.userId, id) },
      uploadWindowMs: deps.config.uploads.windowMs,
      at: deps.clock.now(),
    });
    try {
      await deps.jobs.create(job);
    } catch (err) {
      if (!(err instanceof ConcurrencyConflictError)) throw err;
      // Same idempotency key again: answer with the job it created, if it is the same request.
      const existing = await loadOwnJob(deps, caller.userId, id);
      const same =
        existing.value.fileName === job.fileName &&
        existing.value.contentType === job.contentType &&
        existing.value.sizeBytes === job.sizeBytes;
      if (!same)
        throw new ProblemError(
          problem("idempotency-key-reused", {
            detail: "Use a new Idempotency-Key for a different document.",
          }),
        );
      if (existing.value.status !== "AWAITING_UPLOAD")
        return json(200, { jobId: id, status: existing.value.status, statusUrl: `/api/jobs/${id}` });
      return json(200, await uploadAnswer(deps, existing.value));
    }
    await confirmNewJob(deps, job);
    return json(201, await uploadAnswer(deps, job), { location: `/api/jobs/${id}` });
  };

export const submitJobHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const job = await submitJob(deps, caller.userId, parseJobId(request.params.id));
    return json(202, {
      jobId: job.value.id,
      status: job.value.status,
      statusUrl: `/api/jobs/${job.value.id}`,
    });
  };

export const getJobHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const job = await loadOwnJob(deps, caller.userId, parseJobId(request.params.id));
    return json(200, toJobView(job.value), { etag: job.etag, "cache-control": "no-store" });
  };

export const listJobsHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const query = readQuery(request, ListJobsQuerySchema);
    const page = isSearch(query)
      ? await searchJobs(deps, caller.userId, query, query)
      : await deps.jobs.listByUser(caller.userId, {
          limit: query.limit,
          ...(query.continuationToken ? { continuationToken: unwrapToken(query.continuationToken) } : {}),
        });
    const body: JobListResponse = {
      items: page.items.map((j) => {
        const { result: _r, history: _h, ...summary } = toJobView(j);
        return summary;
      }),
      ...(page.continuationToken
        ? { continuationToken: isSearch(query) ? page.continuationToken : wrapToken(page.continuationToken) }
        : {}),
    };
    return json(200, body, { "cache-control": "no-store" });
  };

export const deleteJobHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const jobId = parseJobId(request.params.id);
    const existing = await deps.jobs.get(caller.userId, jobId);
    if (!existing) throw new ProblemError(problem("not-found", { detail: "No such job." }));
    const outcome = await transitionJob({ jobs: deps.jobs }, caller.userId, jobId, {
      type: "delete",
      at: deps.clock.now(),
    });
    // The tombstone keeps the state machine's last word; the document goes before the event, so
    // a failed publish never leaves it behind (a repeated DELETE re-publishes the same event).
    // It goes under a leased empty blob rather than away: an upload SAS of the job may still be
    // valid for minutes, and a deleted blob could be written again through it (ADR 0023).
    await deps.documents.revokeUploads(
      outcome.job.value.blob.container,
      outcome.job.value.blob.name,
      outcome.job.value.id,
    );
    if (outcome.event) await deps.events.publish(outcome.event);
    return { status: 204 };
  };
