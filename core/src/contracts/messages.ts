import { z } from "zod";
import { DOCUMENT_KINDS } from "../document-text.js";
import { ERROR_CODE_LIST } from "../errors.js";
import { JOB_STATUSES } from "../job/states.js";
import { JobIdSchema, UserIdSchema } from "./job.js";
import { DOCUMENT_TYPES } from "./result.js";

export const MESSAGE_SCHEMA_VERSION = 1;

/** Body of an `inference-tasks` message. */
export const InferenceTaskSchema = z
  .object({
    schemaVersion: z.literal(MESSAGE_SCHEMA_VERSION),
    jobId: JobIdSchema,
    userId: UserIdSchema,
    /** Which submission of the job this is (1 = first submit); resubmits increase it. */
    submission: z.number().int().positive(),
    /**
     * The job's dispatch generation when this task was sent (absent: 1, as tasks sent before
     * re-dispatching existed). A task older than the job's generation is stale.
     */
    dispatch: z.number().int().positive().optional(),
    blob: z
      .object({
        container: z.string().min(1),
        name: z.string().min(1),
        sizeBytes: z.number().int().positive(),
        contentType: z.string().min(1),
        /** The blob version verified at submit: the worker downloads it with If-Match. */
        etag: z.string().min(1).optional(),
      })
      .strict(),
    documentKind: z.enum(DOCUMENT_KINDS),
    model: z.object({ name: z.string().min(1), version: z.string().min(1).optional() }).strict(),
    submittedAt: z.iso.datetime(),
  })
  .strict();
export type InferenceTask = z.infer<typeof InferenceTaskSchema>;

/**
 * The task's message id: the same submission and dispatch generation always produce the same id,
 * so a double submit (or a retried send) is one message to anything that de-duplicates, and one
 * job transition. The first generation keeps the id tasks had before re-dispatching existed.
 */
export const taskMessageId = (jobId: string, submission: number, dispatch = 1): string =>
  dispatch > 1 ? `${jobId}:${submission}:g${dispatch}` : `${jobId}:${submission}`;

export const JOB_EVENT_TYPES = [
  "job.queued",
  "job.processing",
  "job.progress",
  "job.completed",
  "job.failed",
  "job.expired",
  "job.deleted",
] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export const JobEventSummarySchema = z
  .object({
    fileName: z.string(),
    attempt: z.number().int().nonnegative(),
    error: z
      .object({ code: z.enum(ERROR_CODE_LIST), message: z.string() })
      .strict()
      .optional(),
    documentType: z.enum(DOCUMENT_TYPES).optional(),
    fieldsFound: z.number().int().nonnegative().optional(),
    stage: z.enum(["download", "extract", "infer"]).optional(),
    pagesDone: z.number().int().nonnegative().optional(),
    pagesTotal: z.number().int().positive().optional(),
  })
  .strict();

/** Body of a `job-events` message, and what the PWA receives over Web PubSub. */
export const JobEventSchema = z
  .object({
    schemaVersion: z.literal(MESSAGE_SCHEMA_VERSION),
    eventId: z.string().min(1),
    jobId: JobIdSchema,
    userId: UserIdSchema,
    type: z.enum(JOB_EVENT_TYPES),
    status: z.enum(JOB_STATUSES),
    at: z.iso.datetime(),
    summary: JobEventSummarySchema,
  })
  .strict();
export type JobEvent = z.infer<typeof JobEventSchema>;
