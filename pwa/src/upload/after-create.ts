import type { CreateJobResponse } from "@docsift/core";
import { ApiError } from "../api.js";

export type UploadGrant = NonNullable<CreateJobResponse["upload"]>;

/** What to do with the answer to `POST /api/jobs` (first try or a retry with the same Idempotency-Key). */
export type AfterCreate =
  /** A job waiting for its document: upload the blocks, then submit. */
  | { action: "upload"; jobId: string; upload: UploadGrant }
  /** Uploaded and verified earlier, but the submit's answer was lost: submit again (idempotent). */
  | { action: "submit"; jobId: string }
  /** A worker has taken (or finished) the job: nothing left to send; the list shows how it ends. */
  | { action: "done"; jobId: string }
  /** The key's job is gone (deleted, or its upload window ran out): this is a new attempt. */
  | { action: "start-over"; reason: "deleted" | "expired" };

/**
 * Decides the next step from what a create answered. `answer` is either the response or the
 * error the call threw; errors that are not about the key's job are rethrown for the caller.
 */
export function afterCreate(answer: { response: CreateJobResponse } | { error: unknown }): AfterCreate {
  if ("error" in answer) {
    // The server answers 404 for the key of a deleted job (its tombstone is not the caller's to see).
    if (answer.error instanceof ApiError && answer.error.status === 404)
      return { action: "start-over", reason: "deleted" };
    throw answer.error;
  }
  const { jobId, status, upload } = answer.response;
  switch (status) {
    case "AWAITING_UPLOAD":
      if (!upload)
        throw new Error(`The server answered AWAITING_UPLOAD for job ${jobId} without an upload grant.`);
      return { action: "upload", jobId, upload };
    case "QUEUED":
      return { action: "submit", jobId };
    case "PROCESSING":
    case "COMPLETED":
    case "FAILED":
      return { action: "done", jobId };
    case "EXPIRED":
      return { action: "start-over", reason: "expired" };
    case "DELETED":
      return { action: "start-over", reason: "deleted" };
  }
}
