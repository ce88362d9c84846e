import { z } from "zod";
import { JobIdSchema, UserIdSchema } from "./job.js";

export const DEAD_LETTER_STATUSES = ["open", "auto-retried", "resubmitted", "dismissed"] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** Cosmos `deadletters` document (partition `/jobId`): what on-call reviews. */
export const DeadLetterRecordSchema = z
  .object({
    /** The dead-lettered message's id + its sequence number: one record per dead-lettered delivery. */
    id: z.string().min(1),
    jobId: JobIdSchema.or(z.literal("unknown")),
    userId: UserIdSchema.or(z.literal("unknown")),
    messageId: z.string(),
    sequenceNumber: z.string(),
    reason: z.string(),
    description: z.string(),
    deliveryCount: z.number().int().nonnegative(),
    enqueuedAt: z.iso.datetime().optional(),
    deadLetteredAt: z.iso.datetime(),
    recordedAt: z.iso.datetime(),
    transient: z.boolean(),
    status: z.enum(DEAD_LETTER_STATUSES),
    /** The original message body, kept so on-call can resubmit exactly what failed. */
    body: z.unknown(),
    actions: z.array(
      z
        .object({ action: z.string(), by: z.string(), at: z.iso.datetime(), note: z.string().optional() })
        .strict(),
    ),
  })
  .strict();
export type DeadLetterRecord = z.infer<typeof DeadLetterRecordSchema>;

export const DeadLetterListQuerySchema = z
  .object({
    reason: z.string().max(200).optional(),
    status: z.enum(DEAD_LETTER_STATUSES).optional(),
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    continuationToken: z.string().max(4096).optional(),
  })
  .strict();
export type DeadLetterListQuery = z.infer<typeof DeadLetterListQuerySchema>;
