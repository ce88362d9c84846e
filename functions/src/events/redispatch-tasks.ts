import type { FunctionDeps } from "../deps.js";
import { dispatchTask } from "../jobs-service.js";
import type { InvocationContextType } from "../lib/azure-functions.js";

const BATCH = 100;
/** Long enough that a submit in progress has finished its own send. */
const GRACE_MS = 60_000;

/**
 * Timer: sends the task of QUEUED jobs whose send never happened (a crash or an outage between
 * the QUEUED write and the send). The task's message id is derived from the job and its
 * submission, and the worker ignores a task for a job that moved on, so a race with a late
 * original send costs nothing.
 */
export const redispatchTasksHandler =
  (deps: FunctionDeps) =>
  async (_timer: unknown, context: InvocationContextType): Promise<number> => {
    const stuck = await deps.jobs.listUndispatched(new Date(deps.clock.now().getTime() - GRACE_MS), BATCH);
    let sent = 0;
    for (const job of stuck) {
      const current = await deps.jobs.get(job.userId, job.id);
      if (!current) continue;
      try {
        const after = await dispatchTask(deps, current);
        if ((after.value.dispatched ?? 0) >= after.value.submissions) sent++;
      } catch (err) {
        // One failing job must not starve the others; the next tick tries it again.
        context.warn("could not re-send a task", { jobId: job.id, error: (err as Error).message });
      }
    }
    if (stuck.length) context.log("re-sent tasks of queued jobs", { sent, examined: stuck.length });
    return sent;
  };
