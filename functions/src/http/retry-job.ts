import {
  ERROR_CODES,
  MAX_OWNER_RETRIES,
  OWNER_RETRY_REASON,
  ProblemError,
  isRetryableByOwner,
  ownerRetries,
  problem,
  transitionJob,
} from "@docsift/core";
import type { Job, Versioned } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { dispatchTask, loadOwnJob, parseJobId } from "../jobs-service.js";
import { callerOf } from "../lib/identity.js";
import type { HttpHandler } from "../lib/problem-response.js";

const accepted = (job: Versioned<Job>) => ({
  status: 202,
  jsonBody: { jobId: job.value.id, status: job.value.status, statusUrl: `/api/jobs/${job.value.id}` },
});

/** The owner's last step was this retry and the job has not failed again since. */
const alreadyRetried = (job: Job): boolean =>
  (job.status === "QUEUED" || job.status === "PROCESSING") &&
  [...job.history].reverse().find((h) => h.from === "FAILED")?.reason === OWNER_RETRY_REASON;

/**
 * POST /api/jobs/{id}/retry: the owner puts a FAILED job back on the queue when its cause can
 * pass on its own. A repeated request after the retry answers the same and only mends a task
 * that was not sent.
 */
export const retryJobHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const jobId = parseJobId(request.params.id);
    const current = await loadOwnJob(deps, caller.userId, jobId);
    if (alreadyRetried(current.value)) return accepted(await dispatchTask(deps, current));
    if (current.value.status !== "FAILED")
      throw new ProblemError(problem("conflict", { detail: "Only a failed job can be retried." }));
    if (!isRetryableByOwner(current.value)) {
      const code = current.value.error?.code;
      const detail =
        ownerRetries(current.value) >= MAX_OWNER_RETRIES
          ? `This job was retried ${MAX_OWNER_RETRIES} times already; upload the document again as a new job.`
          : `A retry cannot succeed: ${code ? ERROR_CODES[code].userMessage : "the failure is permanent."}`;
      throw new ProblemError(problem("conflict", { detail, ...(code ? { code } : {}) }));
    }
    const outcome = await transitionJob({ jobs: deps.jobs }, caller.userId, jobId, (job) => {
      // Re-checked on the version the write is based on: a concurrent retry must not go twice.
      if (!isRetryableByOwner(job))
        throw new ProblemError(problem("conflict", { detail: "The job changed meanwhile." }));
      return { type: "resubmit", at: deps.clock.now(), reason: OWNER_RETRY_REASON };
    });
    // Task first, event second, as on submit.
    const job = await dispatchTask(deps, outcome.job);
    if (outcome.event && job.value.status === "QUEUED") await deps.events.publish(outcome.event);
    return accepted(job);
  };
