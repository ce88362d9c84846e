import type { ErrorCode } from "./errors.js";

/** Per-user limits on creating jobs (configured by MAX_JOBS_PER_MINUTE and MAX_OPEN_UPLOADS). */
export interface IntakeLimits {
  jobsPerMinute: number;
  openUploads: number;
}

/**
 * What the job store knows about one user's recent intake: when each job created in the last
 * minute was created, and when each job still AWAITING_UPLOAD stops waiting.
 */
export interface IntakeUsage {
  createdAt: Date[];
  openUploadExpiries: Date[];
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
export function decideIntake(usage: IntakeUsage, limits: IntakeLimits, now: Date): IntakeDecision {
  const t = now.getTime();
  const recent = usage.createdAt
    .map((d) => d.getTime())
    .filter((c) => c > t - INTAKE_WINDOW_MS && c <= t)
    .sort((a, b) => a - b);
  if (recent.length >= limits.jobsPerMinute) {
    // Allowed again once enough of the window's jobs have aged out to leave room for one more.
    const freesRoom = recent[recent.length - limits.jobsPerMinute]! + INTAKE_WINDOW_MS;
    return {
      allowed: false,
      code: "JOB_RATE_LIMITED",
      retryAfterSeconds: secondsUntil(freesRoom, t),
      detail: `At most ${limits.jobsPerMinute} jobs can be created per minute.`,
    };
  }
  const open = usage.openUploadExpiries
    .map((d) => d.getTime())
    .filter((e) => e > t)
    .sort((a, b) => a - b);
  if (open.length >= limits.openUploads) {
    // Without the user acting, room comes when the upload window of an open job ends.
    const freesRoom = open[open.length - limits.openUploads]!;
    return {
      allowed: false,
      code: "TOO_MANY_OPEN_UPLOADS",
      retryAfterSeconds: secondsUntil(freesRoom, t),
      detail: `At most ${limits.openUploads} jobs can wait for an upload at once. Upload and submit, or delete, one of them first.`,
    };
  }
  return { allowed: true };
}
