import { z } from "zod";
import { ERROR_CODE_LIST } from "../errors.js";
import { JOB_STATUSES } from "../job/states.js";
import { DOCUMENT_KINDS } from "../document-text.js";
import { JobResultSchema } from "./result.js";
import { ResultRevisionSchema } from "./review.js";

export const JobIdSchema = z.uuid({ version: "v4" });
/** User ids come from the identity provider; constrain them to what is safe in a blob path and a partition key. */
export const UserIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@-]+$/, "user id has characters that are not allowed")
  // A user id is the first segment of the user's blob names ("<userId>/<jobId>"): "." and ".."
  // would make a path that storage normalises into another place, and Blob Storage advises
  // against any path segment that ends with a dot.
  .refine((id) => !id.endsWith("."), "user id cannot end with a dot");

export const JobErrorSchema = z
  .object({
    code: z.enum(ERROR_CODE_LIST),
    message: z.string(),
    permanent: z.boolean(),
  })
  .strict();
export type JobError = z.infer<typeof JobErrorSchema>;

export const JobHistoryEntrySchema = z
  .object({
    from: z.enum(JOB_STATUSES).nullable(),
    to: z.enum(JOB_STATUSES),
    at: z.iso.datetime(),
    attempt: z.number().int().nonnegative(),
    reason: z.string().optional(),
  })
  .strict();
export type JobHistoryEntry = z.infer<typeof JobHistoryEntrySchema>;

export const JobProgressSchema = z
  .object({
    stage: z.enum(["download", "extract", "infer"]),
    pagesDone: z.number().int().nonnegative().optional(),
    pagesTotal: z.number().int().positive().optional(),
    at: z.iso.datetime(),
  })
  .strict();

/** The job document as stored (Cosmos `jobs`, partition `/userId`). */
export const JobSchema = z
  .object({
    id: JobIdSchema,
    userId: UserIdSchema,
    status: z.enum(JOB_STATUSES),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int().positive(),
    /** `etag`: the uploaded blob's version verified at submit; the worker reads exactly that one. */
    blob: z.object({ container: z.string(), name: z.string(), etag: z.string().optional() }).strict(),
    documentKind: z.enum(DOCUMENT_KINDS).optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    uploadExpiresAt: z.iso.datetime(),
    /** Processing attempts so far; a worker sets it to the message's delivery count + 1. */
    attempt: z.number().int().nonnegative(),
    /** Times the job was put on the queue (submit + resubmits); part of the task message id. */
    submissions: z.number().int().nonnegative(),
    /**
     * The last submission whose task message was sent. Lower than `submissions` only between
     * the QUEUED write and the send: a repeated submit then sends the task again (same id).
     */
    dispatched: z.number().int().nonnegative().optional(),
    /**
     * The dispatch generation (absent = 1): a re-dispatch of a task presumed lost raises it, the
     * task carries it, and a task of a lower generation is stale and dropped unworked.
     */
    dispatch: z.number().int().positive().optional(),
    /**
     * While PROCESSING: when the worker that started the job has certainly given up on it (its
     * job timeout and lock-renewal margin are over). Past it, the sweep presumes the task lost.
     */
    leaseUntil: z.iso.datetime().optional(),
    /**
     * The id of the current state's event until its publish is confirmed: what a timer
     * re-publishes when the writer died (or the publish failed) between the write and the publish.
     */
    outbox: z.string().min(1).optional(),
    history: z.array(JobHistoryEntrySchema),
    progress: JobProgressSchema.optional(),
    error: JobErrorSchema.optional(),
    result: JobResultSchema.optional(),
    /** A user's corrections and confirmations of `result`, oldest first; `result` stays the model's (ADR 0021). */
    resultRevisions: z.array(ResultRevisionSchema).optional(),
  })
  .strict();
export type Job = z.infer<typeof JobSchema>;
