import type { Job } from "../contracts/job.js";
import type { FieldName, JobResult } from "../contracts/result.js";
import { FIELD_NAMES, STRUCTURED_FIELD_NAMES } from "../contracts/result.js";
import type { ResultRevision, ReviewedField, ReviewedResult } from "../contracts/review.js";
import { InvalidTransitionError } from "../errors.js";
import { ProblemError, problem } from "../problem.js";

/**
 * Review of a COMPLETED job's result. Pure, like the state machine, and beside it on purpose: a
 * correction changes no status, so it is no transition; it appends a revision to the job and
 * leaves the model's result as it was (ADR 0021). Persisting with the read etag is the caller's part.
 */
export type ReviewDecision =
  { outcome: "applied"; job: Job; revision: ResultRevision } | { outcome: "unchanged"; job: Job };

/** Keeps a job document far below Cosmos' 2 MB item limit however often a user edits. */
export const MAX_RESULT_REVISIONS = 200;

function reviewable(job: Job, action: string): NonNullable<Job["result"]> {
  if (job.status !== "COMPLETED" || !job.result) throw new InvalidTransitionError(job.status, action);
  return job.result;
}

function append(job: Job, revision: Omit<ResultRevision, "revision">): ReviewDecision {
  const revisions = job.resultRevisions ?? [];
  if (revisions.length >= MAX_RESULT_REVISIONS)
    throw new ProblemError(
      problem("conflict", { detail: `A result keeps at most ${MAX_RESULT_REVISIONS} revisions.` }),
    );
  const next: ResultRevision = { revision: revisions.length + 1, ...revision };
  return {
    outcome: "applied",
    revision: next,
    job: { ...job, resultRevisions: [...revisions, next], updatedAt: next.at },
  };
}

/**
 * Applies already checked and normalised values (null: not in the document). A value the
 * reviewed result already holds, reviewed, is no change; nothing changed is `unchanged`, so a
 * repeated request writes nothing.
 */
export function correctResult(
  job: Job,
  input: { changes: Partial<Record<FieldName, string | null>>; by: string; at: Date },
): ReviewDecision {
  reviewable(job, "correct the result of");
  const current = reviewedResult(job);
  const changes: Partial<Record<FieldName, string | null>> = {};
  for (const field of FIELD_NAMES) {
    const value = input.changes[field];
    if (value === undefined) continue;
    const now = current.fields[field];
    const same =
      value === null
        ? now === undefined && current.absent.includes(field)
        : now?.value === value && now.reviewed;
    if (!same) changes[field] = value;
  }
  if (Object.keys(changes).length === 0) return { outcome: "unchanged", job };
  return append(job, { at: input.at.toISOString(), by: input.by, action: "correct", changes });
}

/** Confirms the named fields as they stand, or (no fields) the whole result. */
export function confirmResult(
  job: Job,
  input: { fields?: FieldName[]; by: string; at: Date },
): ReviewDecision {
  reviewable(job, "confirm the result of");
  const current = reviewedResult(job);
  if (input.fields) {
    const missing = input.fields.filter((f) => !current.fields[f]);
    if (missing.length)
      throw new ProblemError(
        problem("validation-failed", {
          detail: "Only fields with a value can be confirmed; correct them or mark them absent instead.",
          errors: missing.map((field) => ({ field: `fields.${field}`, message: "has no value to confirm" })),
        }),
      );
    const open = input.fields.filter((f) => !current.fields[f]!.reviewed);
    if (open.length === 0) return { outcome: "unchanged", job };
    return append(job, { at: input.at.toISOString(), by: input.by, action: "confirm", confirmed: open });
  }
  if (current.confirmed && current.confirmed.revision === current.revision)
    return { outcome: "unchanged", job };
  const confirmed = FIELD_NAMES.filter((f) => current.fields[f]);
  return append(job, { at: input.at.toISOString(), by: input.by, action: "confirm", confirmed, whole: true });
}

/** The model's result with every revision applied in order. */
export function reviewedResult(job: Job): ReviewedResult {
  const result = reviewable(job, "read the result of");
  const fields: Partial<Record<FieldName, ReviewedField>> = {};
  for (const field of FIELD_NAMES) {
    const f = result.fields[field];
    if (!f) continue;
    fields[field] = {
      value: f.value,
      origin: "model",
      needsReview: f.needsReview ?? false,
      ...(f.reviewReasons?.length ? { reviewReasons: f.reviewReasons } : {}),
      reviewed: false,
      confidence: f.confidence,
      page: f.page,
      sourceText: f.sourceText,
    };
  }
  const absent = new Set<FieldName>();
  let confirmed: ReviewedResult["confirmed"];
  const revisions = job.resultRevisions ?? [];
  for (const r of revisions) {
    for (const [name, value] of Object.entries(r.changes ?? {})) {
      const field = name as FieldName;
      if (value === null || value === undefined) {
        delete fields[field];
        absent.add(field);
        continue;
      }
      const model = result.fields[field];
      absent.delete(field);
      fields[field] = {
        value,
        origin: model && model.value === value ? "model" : "user",
        needsReview: false,
        reviewed: true,
        ...(model ? { confidence: model.confidence, page: model.page, sourceText: model.sourceText } : {}),
        ...(model && model.value !== value ? { modelValue: model.value } : {}),
      };
    }
    for (const field of r.confirmed ?? []) {
      const f = fields[field];
      if (!f) continue;
      const { reviewReasons: _reasons, ...rest } = f;
      fields[field] = { ...rest, needsReview: false, reviewed: true };
    }
    // A confirmation is of the result as it then stood: a later correction makes it stale.
    if (r.whole) confirmed = { at: r.at, by: r.by, revision: r.revision };
    else if (r.action === "correct") confirmed = undefined;
  }
  const fieldsNeedingReview = FIELD_NAMES.filter((f) => fields[f]?.needsReview);
  // The model flags the result without flagging a field when the document type is uncertain.
  const typeUncertain =
    result.needsReview === true && !Object.values(result.fields).some((f) => f?.needsReview === true);
  const completed = [...job.history].reverse().find((h) => h.to === "COMPLETED");
  return {
    jobId: job.id,
    fileName: job.fileName,
    revision: revisions.length,
    documentType: result.documentType,
    documentTypeConfidence: result.documentTypeConfidence,
    needsReview: fieldsNeedingReview.length > 0 || (typeUncertain && !confirmed),
    fieldsNeedingReview,
    fields,
    absent: FIELD_NAMES.filter((f) => absent.has(f)),
    ...(confirmed ? { confirmed } : {}),
    model: result.model,
    ...(result.source ? { source: result.source } : {}),
    ...(moreFields(result) ?? {}),
    ...(result.lineItems?.length ? { lineItems: result.lineItems } : {}),
    completedAt: completed?.at ?? job.updatedAt,
    revisions,
  };
}

function moreFields(result: JobResult): Pick<ReviewedResult, "moreFields"> | undefined {
  const more: NonNullable<ReviewedResult["moreFields"]> = {};
  for (const f of STRUCTURED_FIELD_NAMES) if (result.fields[f]) more[f] = result.fields[f];
  return Object.keys(more).length ? { moreFields: more } : undefined;
}
