import {
  ProblemError,
  decide,
  kindOfContentType,
  maxBytesOfKind,
  problem,
  sniffKind,
  xmlInvoiceHead,
  transitionJob,
  confirmPublished,
  currentEvent,
  dispatchGeneration,
  isStalled,
  ConcurrencyConflictError,
  JobIdSchema,
  INTAKE_WINDOW_MS,
  MESSAGE_SCHEMA_VERSION,
  QuotaExceededError,
  decideCreated,
  decideIntake,
  resultSummary,
  isRetryableByOwner,
} from "@docsift/core";
import type { InferenceTask, Job, JobView, Versioned } from "@docsift/core";
import type { FunctionDeps } from "./deps.js";

/** Route ids are validated before any lookup: a malformed id is a 400, never a query. */
export function parseJobId(raw: string | undefined): string {
  const parsed = JobIdSchema.safeParse(raw);
  if (!parsed.success)
    throw new ProblemError(
      problem("validation-failed", {
        detail: "The job id must be a UUID.",
        errors: [{ field: "id", message: "not a UUID" }],
      }),
    );
  return parsed.data;
}

/** A user's own job, or 404: another user's id is indistinguishable from a missing one. */
export async function loadOwnJob(deps: FunctionDeps, userId: string, jobId: string): Promise<Versioned<Job>> {
  const found = await deps.jobs.get(userId, jobId);
  if (!found || found.value.status === "DELETED")
    throw new ProblemError(problem("not-found", { detail: "No such job." }));
  return found;
}

/** Refuses a new job with a 429 (QuotaExceededError) when the user is at an intake limit. */
export async function admitNewJob(deps: FunctionDeps, userId: string): Promise<void> {
  const now = deps.clock.now();
  const usage = await deps.jobs.intakeUsage(userId, new Date(now.getTime() - INTAKE_WINDOW_MS));
  const decision = decideIntake(usage, deps.config.intake, now);
  if (!decision.allowed)
    throw new QuotaExceededError(decision.code, decision.retryAfterSeconds, decision.detail);
}

/**
 * Checks a job just written against the jobs written before it, and takes it back (429) when
 * parallel creates took its place: the check before the write cannot see them.
 */
export async function confirmNewJob(deps: FunctionDeps, job: Job): Promise<void> {
  const createdAt = new Date(job.createdAt);
  const usage = await deps.jobs.intakeUsage(job.userId, new Date(createdAt.getTime() - INTAKE_WINDOW_MS));
  const decision = decideCreated(usage, { id: job.id, createdAt }, deps.config.intake, deps.clock.now());
  if (decision.allowed) return;
  // No SAS was issued for it yet: removing the document undoes the create entirely.
  await deps.jobs.purge(job.userId, job.id);
  throw new QuotaExceededError(decision.code, decision.retryAfterSeconds, decision.detail);
}

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    status: job.status,
    fileName: job.fileName,
    contentType: job.contentType,
    sizeBytes: job.sizeBytes,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    attempt: job.attempt,
    ...(job.progress ? { progress: job.progress } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(job.result ? { result: job.result } : {}),
    ...(job.result && job.status === "COMPLETED" ? { review: resultSummary(job) } : {}),
    ...(job.status === "FAILED" ? { retryable: isRetryableByOwner(job) } : {}),
    history: job.history,
  };
}

export function taskFor(deps: FunctionDeps, job: Job, submittedAt: Date): InferenceTask {
  const documentKind = kindOfContentType(job.contentType);
  if (!documentKind)
    throw new Error(`job ${job.id} has a content type that no longer maps to a kind: ${job.contentType}`);
  return {
    schemaVersion: MESSAGE_SCHEMA_VERSION,
    jobId: job.id,
    userId: job.userId,
    submission: job.submissions,
    // Only from the second generation on: a first-generation task stays exactly what workers of
    // the previous release accept, so a deploy can roll out in either order.
    ...(dispatchGeneration(job) > 1 ? { dispatch: dispatchGeneration(job) } : {}),
    blob: {
      container: job.blob.container,
      name: job.blob.name,
      sizeBytes: job.sizeBytes,
      contentType: job.contentType,
      ...(job.blob.etag ? { etag: job.blob.etag } : {}),
    },
    documentKind,
    model: {
      name: deps.config.model.name,
      ...(deps.config.model.version ? { version: deps.config.model.version } : {}),
    },
    submittedAt: submittedAt.toISOString(),
  };
}

/**
 * Sends the task of the job's current submission unless that was done already, then records
 * it. A crash between the two sends the same message id again on the next try: the worker's
 * idempotency absorbs that; a lost task would not be absorbed by anything.
 */
export async function dispatchTask(
  deps: FunctionDeps,
  job: Versioned<Job>,
  options: { scheduledAt?: Date } = {},
): Promise<Versioned<Job>> {
  if (job.value.status !== "QUEUED" || (job.value.dispatched ?? 0) >= job.value.submissions) return job;
  await deps.tasks.enqueue(taskFor(deps, job.value, deps.clock.now()), options);
  for (let current = job; ;) {
    try {
      return await deps.jobs.replace(
        { ...current.value, dispatched: current.value.submissions },
        current.etag,
      );
    } catch (err) {
      const fresh = await deps.jobs.get(job.value.userId, job.value.id);
      // Someone else moved the job on (a worker took it): the task is evidently out, nothing to record.
      if (!fresh || fresh.value.submissions !== job.value.submissions || fresh.value.status !== "QUEUED")
        return fresh ?? current;
      if ((fresh.value.dispatched ?? 0) >= fresh.value.submissions) return fresh;
      if (fresh.etag === current.etag) throw err;
      current = fresh;
    }
  }
}

/**
 * Queues the job again under a new dispatch generation and sends its task: the recovery of a
 * task presumed lost (see isStalled). The write is guarded by the etag the job was read with,
 * so of two sweepers (or a sweeper and a worker that did take the job) only one acts;
 * undefined means this caller lost that race and did nothing. A late original task is of the
 * older generation and the worker drops it unworked.
 */
export async function redispatchTask(
  deps: FunctionDeps,
  job: Versioned<Job>,
  reason: string,
): Promise<Versioned<Job> | undefined> {
  const decision = decide(job.value, { type: "redispatch", at: deps.clock.now(), reason });
  if (decision.outcome !== "applied") return job;
  let stored: Versioned<Job>;
  try {
    stored = await deps.jobs.replace(decision.job, job.etag);
  } catch (err) {
    if (err instanceof ConcurrencyConflictError) return undefined;
    throw err;
  }
  // Task first, event second, as at submit; a failure in between is mended by the timers.
  const sent = await dispatchTask(deps, stored);
  await deps.events.publish(decision.event);
  return confirmPublished(deps.jobs, sent, decision.event.eventId);
}

const HEAD_BYTES = 4096;

/**
 * Verifies the uploaded document (exists, exact size, allowed magic bytes), moves the job to
 * QUEUED and sends one task. Repeating it answers the same and sends nothing new.
 */
export async function submitJob(deps: FunctionDeps, userId: string, jobId: string): Promise<Versioned<Job>> {
  const current = await loadOwnJob(deps, userId, jobId);
  const job = current.value;
  let blobEtag: string | undefined;
  if (job.status === "AWAITING_UPLOAD") {
    const props = await deps.documents.properties(job.blob.container, job.blob.name);
    if (!props)
      throw new ProblemError(
        problem("upload-incomplete", { detail: "No document has been uploaded for this job yet." }),
      );
    const maxBytes = maxBytesOfKind(kindOfContentType(job.contentType), deps.config.uploads.maxBytes);
    if (props.sizeBytes > maxBytes)
      throw new ProblemError(
        problem("document-rejected", {
          code: "DOCUMENT_TOO_LARGE",
          detail: `The document is ${props.sizeBytes} bytes; the limit is ${maxBytes}.`,
        }),
      );
    if (props.sizeBytes !== job.sizeBytes)
      throw new ProblemError(
        problem("upload-incomplete", {
          detail: `Expected ${job.sizeBytes} bytes but ${props.sizeBytes} were uploaded. Finish or repeat the upload, then submit.`,
        }),
      );
    const head = await deps.documents.readHead(job.blob.container, job.blob.name, HEAD_BYTES);
    const kind = sniffKind(head);
    const declared = kindOfContentType(job.contentType);
    if (!kind || kind !== declared)
      throw new ProblemError(
        problem("document-rejected", {
          code: "UNSUPPORTED_DOCUMENT",
          detail: kind
            ? `The file content is ${kind}, but it was announced as ${job.contentType}.`
            : "The file content is not a supported document type.",
        }),
      );
    // Refused here already, not only by the worker's parser: no DTD is ever worth a queued job.
    if (kind === "xml" && xmlInvoiceHead(head)?.doctype)
      throw new ProblemError(
        problem("document-rejected", {
          code: "UNSUPPORTED_DOCUMENT",
          detail: "XML with a document type declaration (DTD, entities) is not accepted.",
        }),
      );
    blobEtag = props.etag;
  } else {
    decide(job, { type: "submit", at: deps.clock.now() }); // throws 409 for EXPIRED / DELETED
  }
  // The verified blob version goes into the job and the task: the worker reads exactly that one,
  // so a blob overwritten later through the still-valid SAS is refused, not processed.
  const outcome = await transitionJob({ jobs: deps.jobs }, userId, jobId, {
    type: "submit",
    at: deps.clock.now(),
    ...(blobEtag ? { blobEtag } : {}),
  });
  // A repeated submit of a job whose task is presumed lost sends it again, under a new generation.
  if (
    outcome.decision.outcome === "duplicate" &&
    isStalled(outcome.job.value, {
      now: deps.clock.now(),
      redispatchAfterMs: deps.config.recovery.redispatchAfterMs,
    })
  ) {
    const redispatched = await redispatchTask(deps, outcome.job, "resubmitted while its task was lost");
    if (redispatched) return redispatched;
    return (await deps.jobs.get(userId, jobId)) ?? outcome.job;
  }
  // Task first, event second: a failure in between leaves a submit the client can repeat (which
  // sends the task if it is still missing), never a job.queued for a task that was not sent.
  const dispatched = await dispatchTask(deps, outcome.job);
  const event =
    outcome.decision.outcome === "applied" ? outcome.decision.event : currentEvent(dispatched.value);
  if (!event || dispatched.value.status !== "QUEUED") return dispatched;
  await deps.events.publish(event);
  return confirmPublished(deps.jobs, dispatched, event.eventId);
}
