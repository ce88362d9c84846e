import { createHash } from "node:crypto";
import { z } from "zod";
import type { JobResult } from "../contracts/result.js";

/** Versions become Blob names and path segments: nothing that could leave the model's folder. */
const VersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "not a model version")
  .refine((v) => !v.includes(".."), "not a model version");

export const ROLLOUT_MODES = ["shadow", "canary"] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/**
 * `{name}/rollout.json` in the model registry, beside `current`: which version serves jobs, which
 * one is being tried and how, and the one to go back to. Written by `docsift model promote` and
 * `rollback`, read by the workers at start.
 */
export const RolloutSchema = z
  .object({
    current: VersionSchema,
    /** The version `current` replaced: where `docsift model rollback` goes back to. */
    previous: VersionSchema.optional(),
    candidate: z
      .object({
        version: VersionSchema,
        /** shadow: scored as well, the user sees `current`'s result; canary: serves the share. */
        mode: z.enum(ROLLOUT_MODES),
        /** Share of jobs, 0–1, chosen by job id (see `rolloutDraw`). */
        share: z.number().min(0).max(1),
      })
      .strict()
      .optional(),
    updatedAt: z.string(),
  })
  .strict();
export type Rollout = z.infer<typeof RolloutSchema>;

/** Reads a rollout document, naming what is wrong with it. */
export function parseRollout(raw: unknown, source: string): Rollout {
  const parsed = RolloutSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${source} is not a rollout document: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Where a job falls in [0, 1), from its id alone: a redelivered or retried job lands on the same
 * side of the share every time, so it is never served by one model and then the other.
 */
export function rolloutDraw(jobId: string): number {
  return createHash("sha256").update(jobId).digest().readUInt32BE(0) / 2 ** 32;
}

export interface JobRoute {
  /** The version whose result the user gets. */
  serve: string;
  /** A version to score the same document with afterwards, for comparison only. */
  shadow?: string;
}

export function routeJob(rollout: Rollout, jobId: string): JobRoute {
  const { candidate } = rollout;
  if (!candidate || candidate.version === rollout.current || rolloutDraw(jobId) >= candidate.share)
    return { serve: rollout.current };
  return candidate.mode === "canary"
    ? { serve: candidate.version }
    : { serve: rollout.current, shadow: candidate.version };
}

export type FieldAgreement = "agree" | "disagree";

/**
 * Per field, whether two results read the document alike: the same normalised value, or both
 * found nothing. Confidence and position are not compared; a value found on another page is the
 * same value.
 */
export function compareFields(
  served: JobResult["fields"],
  shadow: JobResult["fields"],
  fieldNames: readonly string[],
): Record<string, FieldAgreement> {
  const out: Record<string, FieldAgreement> = {};
  const a = served as Record<string, { value: string } | undefined>;
  const b = shadow as Record<string, { value: string } | undefined>;
  for (const field of fieldNames) out[field] = a[field]?.value === b[field]?.value ? "agree" : "disagree";
  return out;
}

export type RolloutChange =
  { kind: "promote"; version: string } | { kind: "try"; version: string; mode: RolloutMode; share: number };

/**
 * The next rollout document. "try" starts (or changes) a shadow or canary run of a candidate
 * and leaves `current` alone; "promote" makes the version current, remembering the old one.
 * `start` is what the registry holds when there is no rollout document yet: its `current`.
 */
export function applyRolloutChange(start: Rollout, change: RolloutChange, now: Date): Rollout {
  const updatedAt = now.toISOString();
  if (change.kind === "try") {
    if (change.version === start.current)
      throw new Error(`${change.version} is already current; there is nothing to try`);
    return {
      current: start.current,
      ...(start.previous ? { previous: start.previous } : {}),
      candidate: { version: change.version, mode: change.mode, share: change.share },
      updatedAt,
    };
  }
  if (change.version === start.current) {
    // Promoting the current version only ends a trial run, if any.
    const { candidate: _ended, ...rest } = start;
    return { ...rest, updatedAt };
  }
  return { current: change.version, previous: start.current, updatedAt };
}

/**
 * Undoes the last step: a shadow or canary run in progress is stopped (the candidate removed,
 * `current` untouched); otherwise `current` goes back to `previous`.
 */
export function rollbackRollout(start: Rollout, now: Date): Rollout {
  const updatedAt = now.toISOString();
  if (start.candidate) {
    const { candidate: _stopped, ...rest } = start;
    return { ...rest, updatedAt };
  }
  if (!start.previous) throw new Error(`there is no version before ${start.current} to roll back to`);
  return { current: start.previous, updatedAt };
}
