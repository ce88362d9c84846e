import type { Job } from "../contracts/job.js";

/** The history reason an owner's retry leaves, so repeats can be told from other resubmits. */
export const OWNER_RETRY_REASON = "retried by the owner";

/** How often an owner may retry one job: a cause that keeps coming back is for on-call. */
export const MAX_OWNER_RETRIES = 3;

export const ownerRetries = (job: Job): number =>
  job.history.filter((h) => h.reason === OWNER_RETRY_REASON).length;

/**
 * Whether the job's owner may put a failed job back on the queue: only for a cause that can
 * pass on its own (a dependency that was down, a worker stopped, a timeout), never for one that
 * will fail the same way (a corrupt or unsupported document, too many pages).
 */
export const isRetryableByOwner = (job: Job): boolean =>
  job.status === "FAILED" && job.error?.permanent === false && ownerRetries(job) < MAX_OWNER_RETRIES;
