import { z } from "zod";
import { ALLOWED_CONTENT_TYPE_LIST } from "../documents.js";
import { JOB_STATUSES } from "../job/states.js";
import { JobErrorSchema, JobHistoryEntrySchema, JobIdSchema, JobProgressSchema } from "./job.js";
import { JobResultSchema } from "./result.js";
import { JobSearchQuerySchema, ResultSummarySchema } from "./review.js";

/** POST /api/jobs (JSON): announce an upload. Limits are checked by the handler against configuration. */
export const CreateJobRequestSchema = z
  .object({
    fileName: z.string().min(1).max(1024),
    contentType: z.enum(ALLOWED_CONTENT_TYPE_LIST, {
      error: `contentType must be one of ${ALLOWED_CONTENT_TYPE_LIST.join(", ")}`,
    }),
    sizeBytes: z.number().int().positive(),
  })
  .strict();
export type CreateJobRequest = z.infer<typeof CreateJobRequestSchema>;

export const CreateJobResponseSchema = z
  .object({
    jobId: JobIdSchema,
    status: z.enum(JOB_STATUSES),
    upload: z
      .object({
        url: z.url(),
        method: z.literal("PUT"),
        expiresAt: z.iso.datetime(),
        blockSizeBytes: z.number().int().positive(),
        headers: z.record(z.string(), z.string()),
      })
      .strict(),
    statusUrl: z.string(),
    submitUrl: z.string(),
  })
  .strict();
export type CreateJobResponse = z.infer<typeof CreateJobResponseSchema>;

/** What a user sees of a job: never the blob path or internal ids of other systems. */
export const JobViewSchema = z
  .object({
    id: JobIdSchema,
    status: z.enum(JOB_STATUSES),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int().positive(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    attempt: z.number().int().nonnegative(),
    progress: JobProgressSchema.optional(),
    error: JobErrorSchema.optional(),
    result: JobResultSchema.optional(),
    /** The reviewed result in brief (COMPLETED jobs): what a list row shows and the review badge. */
    review: ResultSummarySchema.optional(),
    /** A FAILED job whose cause can pass on a retry: its owner may retry it (POST /api/jobs/{id}/retry). */
    retryable: z.boolean().optional(),
    history: z.array(JobHistoryEntrySchema),
  })
  .strict();
export type JobView = z.infer<typeof JobViewSchema>;

export const JobListResponseSchema = z
  .object({
    items: z.array(JobViewSchema.omit({ result: true, history: true })),
    continuationToken: z.string().optional(),
  })
  .strict();
export type JobListResponse = z.infer<typeof JobListResponseSchema>;

export const ListJobsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    continuationToken: z.string().max(4096).optional(),
  })
  .extend(JobSearchQuerySchema.shape)
  .strict();

export const NegotiateResponseSchema = z
  .object({ url: z.string(), expiresAt: z.iso.datetime(), userId: z.string() })
  .strict();
export type NegotiateResponse = z.infer<typeof NegotiateResponseSchema>;

export const ResubmitRequestSchema = z.object({ note: z.string().max(1000).optional() }).strict();
export const DismissRequestSchema = z.object({ note: z.string().max(1000).optional() }).strict();
