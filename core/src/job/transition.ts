import type { Job } from "../contracts/job.js";
import type { JobEvent } from "../contracts/messages.js";
import { ConcurrencyConflictError, DocsiftError } from "../errors.js";
import type { EventPublisher, JobRepository, Versioned } from "../ports.js";
import { currentEvent, decide } from "./state-machine.js";
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
 * duplicate command re-publishes the current state's event (same event id), which mends an
 * earlier publish that failed after its write.
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
      const event = options.republishDuplicates === false ? undefined : currentEvent(current.value);
      if (event && deps.events) await deps.events.publish(event);
      return { job: current, decision, event };
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
    if (deps.events) await deps.events.publish(decision.event);
    return { job: stored, decision, event: decision.event };
  }
}
