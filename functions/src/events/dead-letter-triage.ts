import { setTimeout as sleep } from "node:timers/promises";
import {
  ERROR_CODES,
  backoffDelayMs,
  InferenceTaskSchema,
  InvalidTransitionError,
  JobNotFoundError,
  classifyDeadLetter,
  transitionJob,
} from "@docsift/core";
import type { DeadLetterRecord, ErrorCode, Job } from "@docsift/core";
import { ZodError } from "zod";
import type { FunctionDeps } from "../deps.js";
import { dispatchTask } from "../jobs-service.js";
import type { InvocationContextType } from "../lib/azure-functions.js";

/** Fields the Functions host passes for a Service Bus message (names as the real host uses them). */
interface ServiceBusMetadata {
  messageId?: string;
  sequenceNumber?: number | string;
  deliveryCount?: number;
  enqueuedTimeUtc?: string;
  applicationProperties?: Record<string, unknown>;
  userProperties?: Record<string, unknown>;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

const ERROR_CODE_NAMES = new Set(Object.keys(ERROR_CODES));

function lastErrorCode(job: Job | undefined): ErrorCode | undefined {
  if (job?.error) return job.error.code;
  const reason = [...(job?.history ?? [])]
    .reverse()
    .find((h) => h.reason && ERROR_CODE_NAMES.has(h.reason))?.reason;
  return reason as ErrorCode | undefined;
}

/** The metric on-call alerts on: one structured line per dead letter (a log-based alert). */
export const DEAD_LETTER_EVENT = "docsift.deadletter";

/**
 * The dead-letter queue has no dead-letter queue of its own: a triage that fails (Cosmos down)
 * has its message handed back and delivered again for as long as the failure lasts. Waiting a
 * backoff that grows with the delivery count before handing it back makes that a slow retry
 * (at most one delivery per message per backoff cap) instead of a hot loop. The wait holds the
 * message's lock, which the host renews (host.json maxAutoLockRenewalDuration, above the cap).
 */
export const deadLetterTriageHandler =
  (deps: FunctionDeps, wait: (ms: number) => Promise<unknown> = sleep) =>
  async (message: unknown, context: InvocationContextType): Promise<void> => {
    const triage = triageDeadLetter(deps);
    try {
      await triage(message, context);
    } catch (err) {
      const meta = (context.triggerMetadata ?? {}) as ServiceBusMetadata;
      const deliveries = Number(meta.deliveryCount ?? 0);
      const delayMs = backoffDelayMs(
        Number.isFinite(deliveries) ? deliveries : 0,
        deps.config.recovery.deadLetterBackoff,
      );
      context.warn("dead-letter triage failed; backing off before the message is handed back", {
        messageId: meta.messageId,
        deliveryCount: deliveries,
        delayMs,
        error: (err as Error).message,
      });
      await wait(delayMs);
      throw err;
    }
  };

/**
 * inference-tasks/$DeadLetterQueue → a record for on-call, the job FAILED with a reason the user
 * can read, `job.failed` for the PWA, and one automatic resubmission when the cause is
 * transient. Every step is idempotent, so a redelivered dead letter changes nothing twice.
 */
const triageDeadLetter =
  (deps: FunctionDeps) =>
  async (message: unknown, context: InvocationContextType): Promise<void> => {
    const meta = (context.triggerMetadata ?? {}) as ServiceBusMetadata;
    const props = { ...(meta.userProperties ?? {}), ...(meta.applicationProperties ?? {}) };
    const reason = String(meta.deadLetterReason ?? props.DeadLetterReason ?? "Unknown");
    const description = String(meta.deadLetterErrorDescription ?? props.DeadLetterErrorDescription ?? "");
    const task = InferenceTaskSchema.safeParse(message);
    const jobId = task.success ? task.data.jobId : "unknown";
    const userId = task.success ? task.data.userId : "unknown";
    const now = deps.clock.now();

    let job: Job | undefined;
    try {
      job = task.success ? (await deps.jobs.get(userId, jobId))?.value : undefined;
    } catch (err) {
      // A stored job that no longer parses would fail this message on every delivery, and the
      // dead-letter queue has no dead-letter queue of its own: record it for on-call instead.
      // Other errors (Cosmos unavailable) throw, and the trigger retries.
      if (!(err instanceof ZodError)) throw err;
      deps.logger.error({ err, jobId }, "the job of a dead letter does not match the contract");
    }
    const classification = classifyDeadLetter(reason, lastErrorCode(job));
    const messageId = String(meta.messageId ?? "unknown");
    const record: DeadLetterRecord = {
      id: `${messageId}:${String(meta.sequenceNumber ?? "0")}`,
      jobId,
      userId,
      messageId,
      sequenceNumber: String(meta.sequenceNumber ?? "0"),
      reason,
      description,
      deliveryCount: Number(meta.deliveryCount ?? 0),
      ...(meta.enqueuedTimeUtc ? { enqueuedAt: new Date(meta.enqueuedTimeUtc).toISOString() } : {}),
      deadLetteredAt: now.toISOString(),
      recordedAt: now.toISOString(),
      transient: classification.transient,
      status: "open",
      body: message,
      actions: [],
    };
    let stored = await deps.deadLetters.record(record);
    context.warn(DEAD_LETTER_EVENT, {
      reason,
      code: classification.code,
      transient: classification.transient,
      jobId,
      deliveryCount: record.deliveryCount,
    });
    deps.logger.warn(
      {
        event: DEAD_LETTER_EVENT,
        reason,
        code: classification.code,
        transient: classification.transient,
        jobId,
      },
      "dead letter recorded",
    );

    if (!task.success || !job) return;
    // A dead letter of an earlier submission (the job was resubmitted since, automatically or by
    // on-call) says nothing about the current run: it is recorded, nothing else.
    if (task.data.submission < job.submissions) return;
    try {
      await transitionJob({ jobs: deps.jobs, events: deps.events }, userId, jobId, {
        type: "fail",
        at: now,
        error: {
          code: classification.code,
          message: ERROR_CODES[classification.code].userMessage,
          permanent: !classification.transient,
        },
      });
    } catch (err) {
      // COMPLETED, DELETED or EXPIRED jobs stay as they are: the dead letter is history for on-call.
      if (err instanceof InvalidTransitionError || err instanceof JobNotFoundError) return;
      throw err;
    }

    if (!classification.transient || stored.value.status !== "open") return;
    const earlier = await deps.deadLetters.listForJob(jobId);
    if (earlier.some((r) => r.status === "auto-retried")) return;
    const resubmitted = await transitionJob({ jobs: deps.jobs, events: deps.events }, userId, jobId, {
      type: "resubmit",
      at: now,
      reason: `automatic retry after ${reason}`,
    });
    await dispatchTask(deps, resubmitted.job, {
      scheduledAt: new Date(now.getTime() + deps.config.autoRetryDelayMs),
    });
    stored = await deps.deadLetters.replace(
      {
        ...stored.value,
        status: "auto-retried",
        actions: [...stored.value.actions, { action: "auto-retry", by: "system", at: now.toISOString() }],
      },
      stored.etag,
    );
    context.log("dead letter retried automatically", { jobId, delayMs: deps.config.autoRetryDelayMs });
  };
