import type { Job } from "../contracts/job.js";

export interface StallBounds {
  now: Date;
  /** A QUEUED job unchanged for this long after its task was sent is presumed to have lost it. */
  redispatchAfterMs: number;
}

/**
 * Whether the job's task is presumed lost: QUEUED with its task sent and no change for longer
 * than the bound (no worker took it), or PROCESSING past its lease (the worker that took it has
 * certainly given up, and no redelivery took over). Undispatched QUEUED jobs are not stalled:
 * their task was never sent, and sending it is the dispatcher's part.
 */
export function isStalled(job: Job, bounds: StallBounds): boolean {
  const now = bounds.now.getTime();
  if (job.status === "QUEUED")
    return (
      (job.dispatched ?? 0) >= job.submissions &&
      now - new Date(job.updatedAt).getTime() > bounds.redispatchAfterMs
    );
  if (job.status === "PROCESSING")
    return job.leaseUntil !== undefined && new Date(job.leaseUntil).getTime() < now;
  return false;
}
