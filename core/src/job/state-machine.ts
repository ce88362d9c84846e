import type { Job, JobError, JobHistoryEntry } from "../contracts/job.js";
import type { JobEvent, JobEventType } from "../contracts/messages.js";
import { MESSAGE_SCHEMA_VERSION } from "../contracts/messages.js";
import type { JobResult } from "../contracts/result.js";
import { InvalidTransitionError } from "../errors.js";
import type { JobStatus } from "./states.js";

/**
 * The one state machine of a job. Pure: every function takes the current job and returns the
 * next one plus the single event to publish, or says the command is a duplicate (a no-op that
 * at-least-once delivery makes normal), or throws InvalidTransitionError. Persisting the result
 * with the etag the job was read with is the caller's part.
 */
export type JobCommand =
  | { type: "submit"; at: Date; blobEtag?: string }
  | { type: "expire"; at: Date }
  | {
      type: "start";
      at: Date;
      attempt: number;
      /** The task's dispatch generation (absent: 1); a lower one than the job's never starts it. */
      dispatch?: number;
      /** When the starting worker will certainly have given up (see Job.leaseUntil). */
      leaseUntil?: Date;
    }
  | {
      type: "progress";
      at: Date;
      stage: "download" | "extract" | "infer";
      pagesDone?: number;
      /** The document's page count, where the reader knows it (PDFs, images). */
      pagesTotal?: number;
    }
  | { type: "complete"; at: Date; result: JobResult }
  | { type: "fail"; at: Date; error: JobError }
  | { type: "retry"; at: Date; reason: string }
  | { type: "resubmit"; at: Date; reason: string }
  /** The job's task is presumed lost: queue it again under a new dispatch generation. */
  | { type: "redispatch"; at: Date; reason: string }
  | { type: "delete"; at: Date };

export type Decision = { outcome: "applied"; job: Job; event: JobEvent } | { outcome: "duplicate"; job: Job };

const EVENT_OF_STATUS: Record<JobStatus, JobEventType | undefined> = {
  AWAITING_UPLOAD: undefined,
  QUEUED: "job.queued",
  PROCESSING: "job.processing",
  COMPLETED: "job.completed",
  FAILED: "job.failed",
  EXPIRED: "job.expired",
  DELETED: "job.deleted",
};

export interface NewJobInput {
  id: string;
  userId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  blob: { container: string; name: string };
  uploadWindowMs: number;
  at: Date;
}

export function createJob(input: NewJobInput): Job {
  const at = input.at.toISOString();
  return {
    id: input.id,
    userId: input.userId,
    status: "AWAITING_UPLOAD",
    fileName: input.fileName,
    contentType: input.contentType,
    sizeBytes: input.sizeBytes,
    blob: input.blob,
    createdAt: at,
    updatedAt: at,
    uploadExpiresAt: new Date(input.at.getTime() + input.uploadWindowMs).toISOString(),
    attempt: 0,
    submissions: 0,
    history: [{ from: null, to: "AWAITING_UPLOAD", at, attempt: 0 }],
  };
}

function summaryOf(job: Job): JobEvent["summary"] {
  return {
    fileName: job.fileName,
    attempt: job.attempt,
    ...(job.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
    ...(job.result
      ? {
          documentType: job.result.documentType,
          fieldsFound: Object.keys(job.result.fields).length,
        }
      : {}),
  };
}

/** Event ids are derived from the job's history, so replaying a transition yields the same id. */
function eventFor(job: Job, type: JobEventType, at: Date, suffix = ""): JobEvent {
  return {
    schemaVersion: MESSAGE_SCHEMA_VERSION,
    eventId: `${job.id}:${job.history.length}${suffix}`,
    jobId: job.id,
    userId: job.userId,
    type,
    status: job.status,
    at: at.toISOString(),
    summary: summaryOf(job),
  };
}

function moveTo(job: Job, to: JobStatus, at: Date, changes: Partial<Job>, reason?: string): Decision {
  const entry: JobHistoryEntry = {
    from: job.status,
    to,
    at: at.toISOString(),
    attempt: changes.attempt ?? job.attempt,
    ...(reason !== undefined ? { reason } : {}),
  };
  const type = EVENT_OF_STATUS[to];
  if (!type) throw new InvalidTransitionError(job.status, `enter ${to}`);
  const next: Job = {
    ...job,
    ...changes,
    status: to,
    updatedAt: at.toISOString(),
    history: [...job.history, entry],
  };
  const event = eventFor(next, type, at);
  // Stored with the state, so the event survives a writer that dies before publishing it.
  return { outcome: "applied", job: { ...next, outbox: event.eventId }, event };
}

const duplicate = (job: Job): Decision => ({ outcome: "duplicate", job });

function without<K extends keyof Job>(job: Job, ...keys: K[]): Job {
  const copy = { ...job };
  for (const key of keys) delete copy[key];
  return copy;
}

export function decide(job: Job, command: JobCommand): Decision {
  const { status } = job;
  const invalid = (): never => {
    throw new InvalidTransitionError(status, command.type);
  };

  switch (command.type) {
    case "submit":
      if (status === "AWAITING_UPLOAD")
        return moveTo(job, "QUEUED", command.at, {
          submissions: job.submissions + 1,
          ...(command.blobEtag ? { blob: { ...job.blob, etag: command.blobEtag } } : {}),
        });
      // A repeated submit answers as the first one did and changes nothing.
      if (status === "QUEUED" || status === "PROCESSING" || status === "COMPLETED" || status === "FAILED")
        return duplicate(job);
      return invalid();

    case "expire":
      if (status === "AWAITING_UPLOAD") return moveTo(job, "EXPIRED", command.at, {}, "upload window passed");
      if (status === "EXPIRED") return duplicate(job);
      return invalid();

    case "start": {
      if (!Number.isInteger(command.attempt) || command.attempt < 1) return invalid();
      if (status !== "QUEUED" && status !== "PROCESSING") return invalid();
      // A task of an earlier generation was replaced by a re-dispatch: its copy does the work.
      if ((command.dispatch ?? 1) < dispatchGeneration(job)) return duplicate(job);
      const changes = {
        attempt: command.attempt,
        ...(command.leaseUntil ? { leaseUntil: command.leaseUntil.toISOString() } : {}),
      };
      if (status === "QUEUED") return moveTo(job, "PROCESSING", command.at, changes);
      // A later delivery of the same task takes over a job whose worker died or lost its lock.
      if (command.attempt > job.attempt) return moveTo(job, "PROCESSING", command.at, changes, "redelivered");
      return duplicate(job);
    }

    case "progress": {
      if (status !== "PROCESSING") return invalid();
      const progress = {
        stage: command.stage,
        at: command.at.toISOString(),
        ...(command.pagesDone !== undefined ? { pagesDone: command.pagesDone } : {}),
        ...(command.pagesTotal !== undefined ? { pagesTotal: command.pagesTotal } : {}),
      };
      const next: Job = { ...job, progress, updatedAt: command.at.toISOString() };
      const suffix = `:${command.stage}:${command.pagesDone ?? 0}`;
      return {
        outcome: "applied",
        job: next,
        event: {
          ...eventFor(next, "job.progress", command.at, suffix),
          summary: {
            ...summaryOf(next),
            stage: command.stage,
            ...(command.pagesDone !== undefined ? { pagesDone: command.pagesDone } : {}),
            ...(command.pagesTotal !== undefined ? { pagesTotal: command.pagesTotal } : {}),
          },
        },
      };
    }

    case "complete":
      if (status === "PROCESSING")
        return moveTo(without(job, "progress", "error", "leaseUntil"), "COMPLETED", command.at, {
          result: command.result,
        });
      if (status === "COMPLETED") return duplicate(job);
      return invalid();

    case "fail":
      if (status === "QUEUED" || status === "PROCESSING")
        return moveTo(
          without(job, "progress", "leaseUntil"),
          "FAILED",
          command.at,
          { error: command.error },
          command.error.code,
        );
      if (status === "FAILED") return duplicate(job);
      return invalid();

    case "retry":
      if (status === "PROCESSING")
        return moveTo(without(job, "progress", "leaseUntil"), "QUEUED", command.at, {}, command.reason);
      if (status === "QUEUED") return duplicate(job);
      return invalid();

    case "redispatch":
      // Not "sent" for the new generation yet: the dispatcher sends it and records it.
      if (status === "QUEUED" || status === "PROCESSING")
        return moveTo(
          without(job, "progress", "leaseUntil"),
          "QUEUED",
          command.at,
          { dispatch: dispatchGeneration(job) + 1, dispatched: job.submissions - 1 },
          command.reason,
        );
      return invalid();

    case "resubmit":
      if (status === "FAILED")
        return moveTo(
          without(job, "error"),
          "QUEUED",
          command.at,
          { submissions: job.submissions + 1 },
          command.reason,
        );
      return invalid();

    case "delete":
      if (status === "DELETED") return duplicate(job);
      return moveTo(
        without(job, "result", "resultRevisions", "progress", "leaseUntil"),
        "DELETED",
        command.at,
        {},
      );
  }
}

/** The job's dispatch generation; jobs stored before re-dispatching existed are in the first. */
export const dispatchGeneration = (job: Pick<Job, "dispatch">): number => job.dispatch ?? 1;

/**
 * A task that no longer speaks for its job: an earlier submission's, or an earlier dispatch
 * generation's (its task was presumed lost and sent again; this is the late original).
 */
export const isStaleTask = (task: { submission: number; dispatch?: number }, job: Job): boolean =>
  task.submission < job.submissions ||
  (task.submission === job.submissions && (task.dispatch ?? 1) < dispatchGeneration(job));

/**
 * A job whose event must still be published: the current state's event (same id the transition
 * produced), if the outbox still names it.
 */
export function pendingEvent(job: Job): JobEvent | undefined {
  if (!job.outbox) return undefined;
  const event = currentEvent(job);
  return event?.eventId === job.outbox ? event : undefined;
}

/**
 * The event of the job's current state, with the same id the transition produced. Re-publishing
 * it after a duplicate command mends a publish that failed after the state was stored.
 */
export function currentEvent(job: Job, at: Date = new Date(job.updatedAt)): JobEvent | undefined {
  const type = EVENT_OF_STATUS[job.status];
  return type ? eventFor(job, type, at) : undefined;
}

/** The transitions the table allows, for documentation and exhaustive tests. */
export const ALLOWED_TRANSITIONS: ReadonlyArray<readonly [JobStatus, JobCommand["type"], JobStatus]> = [
  ["AWAITING_UPLOAD", "submit", "QUEUED"],
  ["AWAITING_UPLOAD", "expire", "EXPIRED"],
  ["QUEUED", "start", "PROCESSING"],
  ["PROCESSING", "start", "PROCESSING"],
  ["PROCESSING", "complete", "COMPLETED"],
  ["QUEUED", "fail", "FAILED"],
  ["PROCESSING", "fail", "FAILED"],
  ["PROCESSING", "retry", "QUEUED"],
  ["FAILED", "resubmit", "QUEUED"],
  ["QUEUED", "redispatch", "QUEUED"],
  ["PROCESSING", "redispatch", "QUEUED"],
  ["AWAITING_UPLOAD", "delete", "DELETED"],
  ["QUEUED", "delete", "DELETED"],
  ["PROCESSING", "delete", "DELETED"],
  ["COMPLETED", "delete", "DELETED"],
  ["FAILED", "delete", "DELETED"],
  ["EXPIRED", "delete", "DELETED"],
];

export type { JobError };
