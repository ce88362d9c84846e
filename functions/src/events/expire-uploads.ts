import {
  ConcurrencyConflictError,
  InvalidTransitionError,
  JobNotFoundError,
  transitionJob,
} from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import type { InvocationContextType } from "../lib/azure-functions.js";

const BATCH = 100;

/** Timer: jobs whose upload never arrived become EXPIRED and their partial blob is deleted. */
export const expireUploadsHandler =
  (deps: FunctionDeps) =>
  async (_timer: unknown, context: InvocationContextType): Promise<number> => {
    const now = deps.clock.now();
    const stale = await deps.jobs.listUploadExpired(now, BATCH);
    let expired = 0;
    for (const job of stale) {
      try {
        const outcome = await transitionJob({ jobs: deps.jobs, events: deps.events }, job.userId, job.id, {
          type: "expire",
          at: now,
        });
        await deps.documents.remove(job.blob.container, job.blob.name);
        if (outcome.decision.outcome === "applied") expired++;
      } catch (err) {
        // Submitted or deleted meanwhile: not ours to expire any more.
        if (
          err instanceof InvalidTransitionError ||
          err instanceof JobNotFoundError ||
          err instanceof ConcurrencyConflictError
        )
          continue;
        throw err;
      }
    }
    if (stale.length) context.log("expired uploads", { expired, examined: stale.length });
    return expired;
  };
