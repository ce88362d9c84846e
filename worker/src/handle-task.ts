import {
  DocsiftError,
  ERROR_CODES,
  INVALID_MESSAGE_REASON,
  InvalidTransitionError,
  JobNotFoundError,
  backoffDelayMs,
  currentEvent,
  dispatchGeneration,
  isStaleTask,
  isTerminal,
  toDocsiftError,
  transitionJob,
  uploadBlobName,
} from "@docsift/core";
import type {
  BackoffPolicy,
  TaskDelivery,
  Clock,
  EventPublisher,
  InferenceTask,
  Job,
  JobCommand,
  JobRepository,
  JobResult,
  ModelRef,
} from "@docsift/core";
import type { Logger } from "pino";
import { StageError } from "./document-pipeline.js";
import { EventNotPublishedError, taggingPublishFailures } from "./event-publishing.js";
import type { PipelineRun, PipelineStage } from "./document-pipeline.js";
import { keepLock } from "./lock-keeper.js";
import type { JobOutcome, WorkerMetrics } from "./metrics.js";
import { ProgressReporter } from "./progress.js";
import { Settlement } from "./settlement.js";
import { parseTaskBody } from "./task-message.js";

export interface TaskHandlerSettings {
  jobTimeoutMs: number;
  /** How long a lock is kept renewed: the job timeout plus time to record the outcome. */
  lockRenewMaxMs: number;
  progressEveryPages: number;
  progressMinIntervalMs: number;
  /** The only container a task may point into. */
  uploadsContainer: string;
  /**
   * How long a job this worker starts stays its own without news: past it, the recovery sweep
   * presumes the task lost. Longer than the job may run plus the lock it may still hold.
   */
  leaseMs: number;
  /** Transient failures are retried by a rescheduled copy after this backoff, `maxRetries` times. */
  retry: BackoffPolicy & { maxRetries: number };
}

/** What the worker's circuit breaker learns from each task. */
export interface DependencyHealth {
  /** The dependencies answered (the job ended, one way or another). */
  success(): void;
  /** A dependency was unavailable. */
  failure(): void;
}

export interface TaskHandlerDeps {
  jobs: JobRepository;
  events: EventPublisher;
  metrics: WorkerMetrics;
  log: Logger;
  clock: Clock;
  runPipeline(task: InferenceTask, run: PipelineRun): Promise<JobResult>;
  /** The model this process loaded: one session per process, whatever a task asks for. */
  modelRef: ModelRef;
  settings: TaskHandlerSettings;
  isDraining(): boolean;
  health?: DependencyHealth;
  /** For the retry jitter; tests pin it. */
  random?: () => number;
}

/** One delivery being handled, with what a drain needs to stop it. */
export class Delivery {
  readonly controller = new AbortController();
  /** Set once the delivery has moved its job to PROCESSING. */
  owned = false;
  settlement: Settlement | undefined;

  constructor(readonly incoming: TaskDelivery) {}

  abort(reason: DocsiftError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

/** The job is PROCESSING under another delivery's attempt: that delivery owns it. */
class NotOwnerError extends Error {
  constructor(readonly ownerAttempt: number) {
    super(`job is processed by attempt ${ownerAttempt}`);
    this.name = "NotOwnerError";
  }
}

/**
 * The command, if this delivery still owns the job: same dispatch generation (a re-dispatch
 * hands the job to the new task) and, while PROCESSING, the same attempt (a redelivery took over).
 */
const ownedBy =
  (attempt: number, generation: number, command: () => JobCommand) =>
  (job: Job): JobCommand => {
    if (dispatchGeneration(job) !== generation || (job.status === "PROCESSING" && job.attempt !== attempt))
      throw new NotOwnerError(job.attempt);
    return command();
  };

/**
 * Handles one `inference-tasks` delivery from receipt to settlement and returns what happened.
 * Never throws: every failure ends in a settlement (or a known-lost lock) and an outcome.
 */
export async function handleTask(delivery: Delivery, deps: TaskHandlerDeps): Promise<JobOutcome> {
  const { incoming } = delivery;
  const parsed = parseTaskBody(incoming.body);
  if (!parsed.ok) {
    const log = deps.log.child({ messageId: incoming.messageId, attempt: incoming.attempt });
    const settlement = (delivery.settlement = new Settlement(incoming, log));
    log.warn({ reason: parsed.description }, "invalid task message; dead-lettering it");
    await settlement.deadLetter(INVALID_MESSAGE_REASON, parsed.description);
    return "invalid";
  }
  const task = parsed.task;
  const attempt = incoming.attempt;
  const generation = task.dispatch ?? 1;
  const log = deps.log.child({ jobId: task.jobId, attempt });
  const settlement = (delivery.settlement = new Settlement(incoming, log));

  // The contract cannot know names: a task must point at its own job's upload and nowhere else,
  // whoever managed to send it.
  const blobProblem = misplacedBlob(task, deps.settings.uploadsContainer);
  if (blobProblem) {
    log.warn({ reason: blobProblem }, "task names a blob that is not its job's upload; dead-lettering it");
    await settlement.deadLetter(INVALID_MESSAGE_REASON, blobProblem);
    return "invalid";
  }

  if (deps.isDraining()) {
    // It arrived while the receiver was being stopped: hand it straight back, untouched.
    log.info("draining; returning the message unprocessed");
    await settlement.abandon();
    return "retried";
  }

  const started = performance.now();
  const signal = delivery.controller.signal;
  const lock = keepLock(
    incoming,
    {
      maxRenewMs: deps.settings.lockRenewMaxMs,
      onRenewed: () => deps.metrics.lockRenewals.inc({ result: "ok" }),
      onLost: (err) => {
        deps.metrics.lockRenewals.inc({ result: "lost" });
        log.warn({ err }, "message lock lost; stopping the job");
        delivery.abort(new DocsiftError("LOCK_LOST"));
      },
      onError: (err) => {
        deps.metrics.lockRenewals.inc({ result: "error" });
        log.warn({ err }, "lock renewal failed; retrying");
      },
    },
    log,
  );
  const timeout = setTimeout(
    () =>
      delivery.abort(
        new DocsiftError("JOB_TIMEOUT", `The job did not finish within ${deps.settings.jobTimeoutMs} ms.`),
      ),
    deps.settings.jobTimeoutMs,
  );
  const jobDeps = { jobs: deps.jobs, events: taggingPublishFailures(deps.events) };
  let progress: ProgressReporter | undefined;
  try {
    const current = await deps.jobs.get(task.userId, task.jobId);
    if (!current) {
      log.info("job no longer exists; dropping the task");
      await settlement.complete();
      return "skipped";
    }
    const job = current.value;
    // Before the terminal check: an old submission's task must not announce the newer one's
    // outcome, nor a task replaced by a re-dispatch (a late original) do the work twice.
    if (isStaleTask(task, job)) {
      log.info(
        {
          submission: task.submission,
          dispatch: task.dispatch ?? 1,
          current: { submission: job.submissions, dispatch: dispatchGeneration(job) },
          status: job.status,
        },
        "task of an earlier submission or dispatch; dropping it",
      );
      await settlement.complete();
      return "skipped";
    }
    if (isTerminal(job.status)) {
      // The outcome may have been written by a delivery whose publish then failed: announce it
      // again (same event id, so a copy that did get out is deduplicated downstream).
      const event = job.status === "COMPLETED" || job.status === "FAILED" ? currentEvent(job) : undefined;
      if (event) await jobDeps.events.publish(event);
      log.info(
        { status: job.status, republished: event?.type },
        "job already finished; dropping the repeated task",
      );
      await settlement.complete();
      return "skipped";
    }

    let start;
    try {
      const at = deps.clock.now();
      start = await transitionJob(jobDeps, task.userId, task.jobId, {
        type: "start",
        at,
        attempt,
        ...(task.dispatch !== undefined ? { dispatch: task.dispatch } : {}),
        leaseUntil: new Date(at.getTime() + deps.settings.leaseMs),
      });
    } catch (err) {
      if (!(err instanceof InvalidTransitionError)) throw err;
      log.warn({ status: err.from }, "the job's state does not allow processing; dead-lettering the task");
      await settlement.deadLetter(
        INVALID_MESSAGE_REASON,
        `job ${task.jobId} is ${err.from}; a task cannot start it`,
      );
      return "dead_lettered";
    }
    if (start.decision.outcome === "duplicate") {
      log.info(
        { ownerAttempt: start.job.value.attempt },
        "another delivery is processing this job; dropping the duplicate",
      );
      await settlement.complete();
      return "skipped";
    }
    delivery.owned = true;
    log.info({ sizeBytes: task.blob.sizeBytes, kind: task.documentKind }, "job started");
    if (!modelMatches(task.model, deps.modelRef))
      log.warn(
        { requested: task.model, loaded: deps.modelRef },
        "the task asks for another model; running the loaded one",
      );

    // The page count is asked for with the first progress report: a job short enough to send
    // none never pays for it.
    let pageCount: (() => Promise<number | undefined>) | undefined;
    progress = new ProgressReporter(
      deps.settings.progressEveryPages,
      deps.settings.progressMinIntervalMs,
      async (pagesDone) => {
        const pagesTotal = await pageCount?.();
        await transitionJob(
          jobDeps,
          task.userId,
          task.jobId,
          ownedBy(attempt, generation, () => ({
            type: "progress",
            at: deps.clock.now(),
            stage: "extract",
            pagesDone,
            ...(pagesTotal !== undefined ? { pagesTotal } : {}),
          })),
          { republishDuplicates: false },
        );
      },
      log,
    );
    const reporter = progress;
    const result = await deps.runPipeline(task, {
      signal,
      log,
      startedAt: started,
      onPage: (n) => reporter.page(n),
      // The reading counts once and answers undefined when it cannot.
      onReading: (reading) => (pageCount = () => reading.pageCount()),
    });
    // A result that made it out is recorded even if a timeout or shutdown fired meanwhile.
    await reporter.stop();
    // Guarded like every other write: after a lost lock, another delivery may own the job now.
    await transitionJob(
      jobDeps,
      task.userId,
      task.jobId,
      ownedBy(attempt, generation, () => ({ type: "complete", at: deps.clock.now(), result })),
    );
    deps.health?.success();
    deps.metrics.stage("total", performance.now() - started);
    log.info(
      {
        documentType: result.documentType,
        fieldsFound: Object.keys(result.fields).length,
        pages: result.pages,
        timings: result.timings,
      },
      "job completed",
    );
    await settlement.complete();
    return "completed";
  } catch (err) {
    await progress?.stop();
    return await settleFailure(err, { task, attempt, generation, delivery, settlement, deps, log, jobDeps });
  } finally {
    clearTimeout(timeout);
    lock.stop();
  }
}

interface FailureContext {
  task: InferenceTask;
  attempt: number;
  generation: number;
  delivery: Delivery;
  settlement: Settlement;
  deps: TaskHandlerDeps;
  log: Logger;
  jobDeps: { jobs: JobRepository; events: EventPublisher };
}

async function settleFailure(err: unknown, ctx: FailureContext): Promise<JobOutcome> {
  const { task, attempt, generation, delivery, settlement, deps, log, jobDeps } = ctx;
  const { error, stage } = classify(err, delivery.controller.signal);

  if (error.code === "LOCK_LOST") {
    // Whoever holds the message now decides the job; settling or transitioning here could
    // undo their work.
    settlement.relinquish();
    log.warn("stopped after losing the message lock; the next delivery takes over");
    return "retried";
  }
  if (err instanceof JobNotFoundError) {
    log.info("job was removed while processing; dropping the task");
    await settlement.complete();
    return "skipped";
  }
  if (err instanceof NotOwnerError) {
    log.info({ ownerAttempt: err.ownerAttempt }, "another delivery owns the job; dropping this one");
    await settlement.complete();
    return "skipped";
  }
  if (err instanceof EventNotPublishedError) {
    // The state is stored; only its event is missing. A retry or fail transition would be
    // wrong (the job did not fail) and invalid from a terminal state. The redelivery finds the
    // stored state and publishes its event again.
    log.warn(
      { err: err.cause, eventType: err.event.type },
      "job state recorded but its event could not be published; abandoning so a redelivery publishes it",
    );
    await settlement.abandon();
    return "retried";
  }

  if (error.permanent && delivery.owned) {
    const jobError = { code: error.code, message: userMessage(error, stage), permanent: true };
    try {
      await transitionJob(
        jobDeps,
        task.userId,
        task.jobId,
        ownedBy(attempt, generation, () => ({ type: "fail", at: deps.clock.now(), error: jobError })),
      );
    } catch (transitionErr) {
      if (transitionErr instanceof NotOwnerError) {
        log.info(
          { ownerAttempt: transitionErr.ownerAttempt },
          "another delivery owns the job; dropping this one",
        );
        await settlement.complete();
        return "skipped";
      }
      if (transitionErr instanceof EventNotPublishedError) {
        // FAILED is stored; the redelivery publishes job.failed again.
        log.warn(
          { err: transitionErr.cause, code: error.code },
          "failure recorded but job.failed could not be published; abandoning so a redelivery publishes it",
        );
        await settlement.abandon();
        return "retried";
      }
      // The failure could not be recorded: retry the whole job later rather than lose the verdict.
      log.error(
        { err: transitionErr, code: error.code },
        "could not record the failure; abandoning for a retry",
      );
      await settlement.abandon();
      return "retried";
    }
    deps.health?.success();
    log.warn(
      { code: error.code, stage, details: error.details },
      "job failed permanently; dead-lettering the task",
    );
    await settlement.deadLetter(error.code, describe(error));
    return "failed";
  }

  // Transient (or permanent before the job was ours, e.g. the job store was unreachable).
  if (delivery.owned) {
    try {
      await transitionJob(
        jobDeps,
        task.userId,
        task.jobId,
        ownedBy(attempt, generation, () => ({ type: "retry", at: deps.clock.now(), reason: error.code })),
      );
    } catch (transitionErr) {
      if (transitionErr instanceof NotOwnerError) {
        log.info(
          { ownerAttempt: transitionErr.ownerAttempt },
          "another delivery owns the job; dropping this one",
        );
        await settlement.complete();
        return "skipped";
      }
      if (transitionErr instanceof EventNotPublishedError)
        log.warn(
          { err: transitionErr.cause },
          "job put back to QUEUED but job.queued could not be published",
        );
      else log.error({ err: transitionErr }, "could not put the job back to QUEUED; abandoning anyway");
    }
  }
  if (error.code === "DEPENDENCY_UNAVAILABLE") deps.health?.failure();
  if (!BACKED_OFF.has(error.code)) {
    // Another worker may as well try at once: nothing says waiting would help.
    const level = error.code === "WORKER_SHUTDOWN" ? "info" : "warn";
    log[level](
      { code: error.code, stage, err: error.cause ?? error },
      "job will be retried; abandoning the task",
    );
    await settlement.abandon();
    return "retried";
  }
  const { retries } = delivery.incoming;
  const policy = deps.settings.retry;
  if (retries >= policy.maxRetries) {
    log.warn(
      { code: error.code, stage, retries, err: error.cause ?? error },
      "transient failure persists after every retry; dead-lettering the task",
    );
    await settlement.deadLetter(error.code, `gave up after ${retries} retries: ${describe(error)}`);
    return "dead_lettered";
  }
  const delayMs = backoffDelayMs(retries, policy, deps.random);
  log.warn(
    { code: error.code, stage, retry: retries + 1, delayMs, err: error.cause ?? error },
    "job will be retried after a backoff; rescheduling the task",
  );
  await settlement.reschedule(new Date(deps.clock.now().getTime() + delayMs));
  return "retried";
}

/**
 * Failures a retry should wait out (a dependency down, an unexplained error) rather than repeat
 * at once: an immediate abandon would spend every delivery within seconds of an outage.
 */
const BACKED_OFF: ReadonlySet<string> = new Set(["DEPENDENCY_UNAVAILABLE", "INTERNAL"]);

/**
 * Service Bus reports the AMQP delivery count: 0 on the first delivery, one more after each
 * abandon or lock expiry. The attempt number the job records counts from 1.
 */

function classify(
  err: unknown,
  signal: AbortSignal,
): { error: DocsiftError; stage: PipelineStage | undefined } {
  let cause = err;
  let stage: PipelineStage | undefined;
  if (err instanceof StageError) {
    stage = err.stage;
    cause = err.error;
  }
  // A timeout, a shutdown or a lost lock explains whatever the abort made the code throw.
  if (signal.aborted && signal.reason instanceof DocsiftError) return { error: signal.reason, stage };
  if (!(cause instanceof DocsiftError) && stage === "download")
    return {
      error: new DocsiftError(
        "DEPENDENCY_UNAVAILABLE",
        `downloading the document failed: ${messageOf(cause)}`,
        { cause },
      ),
      stage,
    };
  return { error: toDocsiftError(cause), stage };
}

/** Extraction writes its messages for users (parser internals go to details); other stages do not. */
function userMessage(error: DocsiftError, stage: PipelineStage | undefined): string {
  return stage === "extract" ? error.message : ERROR_CODES[error.code].userMessage;
}

function describe(error: DocsiftError): string {
  const details = error.details ? ` ${JSON.stringify(error.details)}` : "";
  return `${error.message}${details}`;
}

function misplacedBlob(task: InferenceTask, uploadsContainer: string): string | undefined {
  if (task.blob.container !== uploadsContainer)
    return `blob container "${task.blob.container}" is not the uploads container`;
  const expected = uploadBlobName(task.userId, task.jobId);
  if (task.blob.name !== expected) return `blob name is not the job's upload (expected ${expected})`;
  return undefined;
}

const modelMatches = (requested: InferenceTask["model"], loaded: ModelRef): boolean =>
  requested.name === loaded.name &&
  (requested.version === undefined ||
    requested.version === "current" ||
    requested.version === loaded.version);

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
