import type { Job } from "../contracts/job.js";
import type { JobEvent } from "../contracts/messages.js";
import { ConcurrencyConflictError, DocsiftError } from "../errors.js";
import type { EventPublisher, JobRepository, Versioned } from "../ports.js";
import { decide, pendingEvent } from "./state-machine.js";
import type { Decision, JobCommand } from "./state-machine.js";

export interface TransitionOutcome {
  job: Versioned<Job>;
  decision: Decision;
  /** The event that was (re)published, if any. */
  event: JobEvent | undefined;
}

export class JobNotFoundError extends Error {
  constructor(
    readonly userId: string,
    readonly jobId: string,
  ) {
    super(`job ${jobId} not found`);
    this.name = "JobNotFoundError";
  }
}

/**
 * Read → decide → write with the read etag → publish. A lost race re-reads and decides again,
 * so concurrent writers serialise through the store instead of overwriting each other. A
 * duplicate command re-publishes the current state's event (same event id) while the job's
 * outbox still names it, which mends an earlier publish that failed after its write; once the
 * publish was confirmed it sends nothing (every permanent failure used to reach the user twice:
 * from the worker, then from the dead-letter triage's repeated fail).
 */
export async function transitionJob(
  deps: { jobs: JobRepository; events?: EventPublisher },
  userId: string,
  jobId: string,
  command: JobCommand | ((job: Job) => JobCommand),
  options: { maxConflicts?: number; republishDuplicates?: boolean } = {},
): Promise<TransitionOutcome> {
  const maxConflicts = options.maxConflicts ?? 5;
  for (let round = 0; ; round++) {
    const current = await deps.jobs.get(userId, jobId);
    if (!current) throw new JobNotFoundError(userId, jobId);
    const cmd = typeof command === "function" ? command(current.value) : command;
    const decision = decide(current.value, cmd);
    if (decision.outcome === "duplicate") {
      const event = options.republishDuplicates === false ? undefined : pendingEvent(current.value);
      if (!event || !deps.events) return { job: current, decision, event };
      await deps.events.publish(event);
      return { job: await confirmPublished(deps.jobs, current, event.eventId), decision, event };
    }
    let stored: Versioned<Job>;
    try {
      stored = await deps.jobs.replace(decision.job, current.etag);
    } catch (err) {
      if (err instanceof ConcurrencyConflictError && round < maxConflicts) continue;
      if (err instanceof ConcurrencyConflictError)
        throw new DocsiftError("DEPENDENCY_UNAVAILABLE", `job ${jobId} kept changing under us`, {
          cause: err,
        });
      throw err;
    }
    if (!deps.events) return { job: stored, decision, event: decision.event };
    await deps.events.publish(decision.event);
    return {
      job: await confirmPublished(deps.jobs, stored, decision.event.eventId),
      decision,
      event: decision.event,
    };
  }
}

/**
 * Empties the job's outbox once its event is out. Best effort by design: a lost race (someone
 * wrote the job since) or a failed write leaves the outbox set, and the outbox timer publishes
 * the same event id again, which downstream de-duplicates. The job returned is the newest
 * version known, so callers keep a usable etag.
 */
export async function confirmPublished(
  jobs: JobRepository,
  job: Versioned<Job>,
  eventId: string,
): Promise<Versioned<Job>> {
  if (job.value.outbox !== eventId) return job;
  const cleared = { ...job.value };
  delete cleared.outbox;
  try {
    return await jobs.replace(cleared, job.etag);
  } catch {
    return (await jobs.get(job.value.userId, job.value.id).catch(() => undefined)) ?? job;
  }
}
