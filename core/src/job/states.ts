export const JOB_STATUSES = [
  "AWAITING_UPLOAD",
  "QUEUED",
  "PROCESSING",
  "COMPLETED",
  "FAILED",
  "EXPIRED",
  "DELETED",
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** States a job never leaves by processing; only deletion (and, for FAILED, resubmission) moves them. */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  "COMPLETED",
  "FAILED",
  "EXPIRED",
  "DELETED",
]);
export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.has(status);

/**
 * Everything that can happen to a job. The table of allowed transitions lives in
 * `state-machine.ts`; this is only the vocabulary.
 */
export const JOB_EVENTS = [
  "submit",
  "expire",
  "start",
  "progress",
  "complete",
  "fail",
  "retry",
  "resubmit",
  "redispatch",
  "delete",
] as const;
export type JobEventName = (typeof JOB_EVENTS)[number];
