import type { ErrorCode } from "./errors.js";

/** Per-user limits on creating jobs (configured by MAX_JOBS_PER_MINUTE and MAX_OPEN_UPLOADS). */
export interface IntakeLimits {
  jobsPerMinute: number;
  openUploads: number;
}

/** One of the user's jobs as the intake limits see it. */
export interface IntakeEntry {
  id: string;
  createdAt: Date;
  /** While the job is AWAITING_UPLOAD: when its upload window ends. */
  openUntil?: Date;
}

/**
 * What the job store knows about one user's recent intake: the jobs created in the last minute
 * and the jobs still AWAITING_UPLOAD.
 */
export interface IntakeUsage {
  jobs: IntakeEntry[];
}

export type IntakeDecision =
  | { allowed: true }
  | {
      allowed: false;
      code: Extract<ErrorCode, "JOB_RATE_LIMITED" | "TOO_MANY_OPEN_UPLOADS">;
      /** Whole seconds until the same request would be allowed (at least 1). */
      retryAfterSeconds: number;
      detail: string;
    };

export const INTAKE_WINDOW_MS = 60_000;

const secondsUntil = (when: number, now: number) => Math.max(1, Math.ceil((when - now) / 1000));

/**
 * Whether one more job may be created now. Counting comes from the store, not from process
 * memory, so every function instance sees the same numbers; two instances answering at the same
 * moment can each admit one job past a limit, which a limit against abuse can afford.
 */
export function decideIntake(
  usage: IntakeUsage,
  limits: IntakeLimits,
  now: Date,
  /** The moment the counts are taken at (a job's creation time); Retry-After is from `now`. */
  at: Date = now,
): IntakeDecision {
  const t = at.getTime();
  const nowMs = now.getTime();
  const recent = usage.jobs
    .map((j) => j.createdAt.getTime())
    .filter((c) => c > t - INTAKE_WINDOW_MS && c <= t)
    .sort((a, b) => a - b);
  if (recent.length >= limits.jobsPerMinute) {
    // Allowed again once enough of the window's jobs have aged out to leave room for one more.
    const freesRoom = recent[recent.length - limits.jobsPerMinute]! + INTAKE_WINDOW_MS;
    return {
      allowed: false,
      code: "JOB_RATE_LIMITED",
      retryAfterSeconds: secondsUntil(freesRoom, nowMs),
      detail: `At most ${limits.jobsPerMinute} jobs can be created per minute.`,
    };
  }
  const open = usage.jobs
    .flatMap((j) => (j.openUntil ? [j.openUntil.getTime()] : []))
    .filter((e) => e > t)
    .sort((a, b) => a - b);
  if (open.length >= limits.openUploads) {
    // Without the user acting, room comes when the upload window of an open job ends.
    const freesRoom = open[open.length - limits.openUploads]!;
    return {
      allowed: false,
      code: "TOO_MANY_OPEN_UPLOADS",
      retryAfterSeconds: secondsUntil(freesRoom, nowMs),
      detail: `At most ${limits.openUploads} jobs can wait for an upload at once. Upload and submit, or delete, one of them first.`,
    };
  }
  return { allowed: true };
}

/**
 * Whether a job just created keeps its place: the same rule, applied at its creation time to the
 * jobs created before it (by time, then id). Checking only before the write lets a burst of
 * parallel creates all pass on the same count; checked again after the write, every racer sees
 * the others, and only the first ones within the limits stay.
 */
export function decideCreated(
  usage: IntakeUsage,
  job: { id: string; createdAt: Date },
  limits: IntakeLimits,
  now: Date,
): IntakeDecision {
  const t = job.createdAt.getTime();
  const earlier = usage.jobs.filter(
    (j) => j.id !== job.id && (j.createdAt.getTime() < t || (j.createdAt.getTime() === t && j.id < job.id)),
  );
  return decideIntake({ jobs: earlier }, limits, now, job.createdAt);
}
