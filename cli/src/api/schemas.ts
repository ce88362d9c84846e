import { DeadLetterRecordSchema, JOB_STATUSES, JobIdSchema } from "@docsift/core";
import { z } from "zod";

// Answers of the API that core's contracts do not name as schemas of their own.

/** POST /api/jobs/{id}/submit, and POST /api/jobs for a job that is past its upload. */
export const JobAcceptedSchema = z
  .object({ jobId: JobIdSchema, status: z.enum(JOB_STATUSES), statusUrl: z.string() })
  .strict();
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;

export const DeadLetterPageSchema = z
  .object({ items: z.array(DeadLetterRecordSchema), continuationToken: z.string().optional() })
  .strict();

export const ResubmitAnswerSchema = z
  .object({
    deadLetter: DeadLetterRecordSchema,
    job: z.object({ id: JobIdSchema, status: z.enum(JOB_STATUSES), submission: z.number().int() }).strict(),
  })
  .strict();
