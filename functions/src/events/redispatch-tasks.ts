import { isStalled, confirmPublished, pendingEvent } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { dispatchTask, redispatchTask } from "../jobs-service.js";
import type { InvocationContextType } from "../lib/azure-functions.js";

const BATCH = 100;
/** Long enough that a submit in progress has finished its own send. */
const GRACE_MS = 60_000;

export interface RecoverySweep {
  /** Tasks of QUEUED jobs that were never sent, sent now. */
  sent: number;
  /** Jobs whose task was presumed lost, dispatched again under a new generation. */
  redispatched: number;
  /** Events left in a job's outbox, published now. */
  republished: number;
}

/**
 * Timer: the recovery sweep. (1) Sends the task of QUEUED jobs whose send never happened (a
 * crash or an outage between the QUEUED write and the send); the message id is derived from
 * job, submission and generation, so a race with a late original send costs nothing. (2)
 * Re-dispatches jobs whose task is presumed lost (QUEUED too long after the send, or PROCESSING
 * past the lease) under a new generation. (3) Publishes events a writer stored but did not get
 * out. Each step is idempotent, and one failing job does not starve the others: the next tick
 * tries it again.
 */
export const redispatchTasksHandler =
  (deps: FunctionDeps) =>
  async (_timer: unknown, context: InvocationContextType): Promise<number> => {
    const result = await recoverySweep(deps, context);
    return result.sent + result.redispatched;
  };

export async function recoverySweep(
  deps: FunctionDeps,
  context: InvocationContextType,
): Promise<RecoverySweep> {
  const now = deps.clock.now();
  const result: RecoverySweep = { sent: 0, redispatched: 0, republished: 0 };
  const warn = (what: string, jobId: string, err: unknown) =>
    context.warn(what, { jobId, error: (err as Error).message });

  const undispatched = await deps.jobs.listUndispatched(new Date(now.getTime() - GRACE_MS), BATCH);
  for (const job of undispatched) {
    try {
      const current = await deps.jobs.get(job.userId, job.id);
      if (!current) continue;
      const after = await dispatchTask(deps, current);
      if ((after.value.dispatched ?? 0) >= after.value.submissions) result.sent++;
    } catch (err) {
      warn("could not re-send a task", job.id, err);
    }
  }

  const bounds = { now, redispatchAfterMs: deps.config.recovery.redispatchAfterMs };
  const stalled = await deps.jobs.listStalled({
    queuedBefore: new Date(now.getTime() - bounds.redispatchAfterMs),
    now,
    limit: BATCH,
  });
  for (const job of stalled) {
    try {
      // Re-read: the listing may be older than a worker's start or another sweeper's write.
      const current = await deps.jobs.get(job.userId, job.id);
      if (!current || !isStalled(current.value, bounds)) continue;
      const reason = current.value.status === "QUEUED" ? "task presumed lost" : "processing lease expired";
      if (await redispatchTask(deps, current, reason)) result.redispatched++;
    } catch (err) {
      warn("could not re-dispatch a task", job.id, err);
    }
  }

  const pending = await deps.jobs.listPendingEvents(
    new Date(now.getTime() - deps.config.recovery.outboxGraceMs),
    BATCH,
  );
  for (const job of pending) {
    try {
      const current = await deps.jobs.get(job.userId, job.id);
      if (!current) continue;
      const event = pendingEvent(current.value);
      // An outbox naming an event the state no longer has is stale: nothing to publish.
      if (!event && current.value.outbox) await confirmPublished(deps.jobs, current, current.value.outbox);
      // A QUEUED job whose task is not out yet is announced after the send (step 1), not before.
      const unsent =
        current.value.status === "QUEUED" && (current.value.dispatched ?? 0) < current.value.submissions;
      if (!event || unsent) continue;
      await deps.events.publish(event);
      await confirmPublished(deps.jobs, current, event.eventId);
      result.republished++;
    } catch (err) {
      warn("could not re-publish an event", job.id, err);
    }
  }

  if (undispatched.length || stalled.length || pending.length)
    context.log("recovery sweep", {
      ...result,
      examined: { undispatched: undispatched.length, stalled: stalled.length, pending: pending.length },
    });
  return result;
}
