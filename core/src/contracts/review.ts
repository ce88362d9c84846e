import { z } from "zod";
import { JOB_STATUSES } from "../job/states.js";
import {
  DOCUMENT_TYPES,
  ExtractedFieldSchema,
  FIELD_NAMES,
  LineItemSchema,
  ModelRefSchema,
  RESULT_SOURCES,
  REVIEW_REASONS,
  STRUCTURED_FIELD_NAMES,
} from "./result.js";

const FieldNameSchema = z.enum(FIELD_NAMES);

/**
 * One step of a user's review of a COMPLETED job's result. The model's result stays as it was
 * (`job.result`); what the user changed is this list, applied in order (ADR 0021).
 */
export const ResultRevisionSchema = z
  .object({
    /** 1 for the first revision, counting up. */
    revision: z.number().int().positive(),
    at: z.iso.datetime(),
    /** The user who made it (the owner: nobody else can). */
    by: z.string().min(1).max(128),
    action: z.enum(["correct", "confirm"]),
    /** correct: field → corrected, normalised value; null marks the field as not in the document. */
    changes: z.partialRecord(FieldNameSchema, z.string().nullable()).optional(),
    /** confirm: the fields confirmed as they stood; every field when `whole`. */
    confirmed: z.array(FieldNameSchema).optional(),
    /** confirm: the user confirmed the result as a whole (document type included). */
    whole: z.boolean().optional(),
  })
  .strict();
export type ResultRevision = z.infer<typeof ResultRevisionSchema>;

/** A field of the reviewed result: the model's value, or the user's correction of it. */
export const ReviewedFieldSchema = z
  .object({
    value: z.string(),
    origin: z.enum(["model", "user"]),
    needsReview: z.boolean(),
    reviewReasons: z.array(z.enum(REVIEW_REASONS)).optional(),
    /** A user confirmed or corrected this value. */
    reviewed: z.boolean(),
    /** What the model read, kept beside a correction so the user sees where it came from. */
    confidence: z.number().min(0).max(1).optional(),
    page: z.number().int().positive().optional(),
    sourceText: z.string().optional(),
    /** The model's value, where a user changed it. */
    modelValue: z.string().optional(),
  })
  .strict();
export type ReviewedField = z.infer<typeof ReviewedFieldSchema>;

/** GET /api/jobs/{id}/result: the model's result with the user's revisions applied. */
export const ReviewedResultSchema = z
  .object({
    jobId: z.string(),
    fileName: z.string(),
    /** 0 while the result is the model's as is. */
    revision: z.number().int().nonnegative(),
    documentType: z.enum(DOCUMENT_TYPES),
    documentTypeConfidence: z.number().min(0).max(1),
    needsReview: z.boolean(),
    /** Fields still needing review. */
    fieldsNeedingReview: z.array(FieldNameSchema),
    /** Present fields only: a field marked absent is missing here (the model's read stays in `modelFields`). */
    fields: z.partialRecord(FieldNameSchema, ReviewedFieldSchema),
    /** Fields the user marked as not in the document. */
    absent: z.array(FieldNameSchema),
    confirmed: z
      .object({ at: z.iso.datetime(), by: z.string(), revision: z.number().int() })
      .strict()
      .optional(),
    model: ModelRefSchema,
    /** Where the values come from: the model, or an e-invoice's XML (absent in older results). */
    source: z.enum(RESULT_SOURCES).optional(),
    /** The further fields an e-invoice carries (addresses, tax ids, terms …), as read: not reviewable. */
    moreFields: z.partialRecord(z.enum(STRUCTURED_FIELD_NAMES), ExtractedFieldSchema).optional(),
    /** The line items, as read. */
    lineItems: z.array(LineItemSchema).optional(),
    completedAt: z.iso.datetime(),
    revisions: z.array(ResultRevisionSchema),
  })
  .strict();
export type ReviewedResult = z.infer<typeof ReviewedResultSchema>;

/**
 * PATCH /api/jobs/{id}/result: a value per field, or null for "not in the document". Values are
 * checked and normalised per field (dates, amounts, IBAN checksums) by the handler.
 */
export const CorrectResultRequestSchema = z
  .object({
    fields: z
      .partialRecord(FieldNameSchema, z.union([z.string().max(500), z.number(), z.null()]))
      .refine((f) => Object.keys(f).length > 0, "name at least one field"),
  })
  .strict();
export type CorrectResultRequest = z.infer<typeof CorrectResultRequestSchema>;

/** POST /api/jobs/{id}/result/confirm: some fields, or (no `fields`) the whole result. */
export const ConfirmResultRequestSchema = z
  .object({ fields: z.array(FieldNameSchema).min(1).optional() })
  .strict();

/**
 * GET /api/jobs/{id}/result: `format=csv` is the result's row in the export's columns;
 * `part=line-items` (CSV only) its line items instead, one row per line, as a second file.
 */
export const ResultQuerySchema = z
  .object({
    format: z.enum(["json", "csv"]).default("json"),
    part: z.enum(["result", "line-items"]).default("result"),
  })
  .strict()
  .refine((q) => q.part === "result" || q.format === "csv", {
    message: "part=line-items is a CSV export: add format=csv",
    path: ["part"],
  });

const StatusListSchema = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(JOB_STATUSES)).min(1));

const dayOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** GET /api/exports/jobs: the caller's jobs, one CSV row each, created within [from, to]. */
export const ExportQuerySchema = z
  .object({
    format: z.literal("csv").default("csv"),
    /** Comma-separated job statuses; COMPLETED by default. */
    status: StatusListSchema.default(["COMPLETED"]),
    /** Created on or after (a date is its start, UTC). */
    from: dayOrInstant.optional(),
    /** Created on or before (a date includes the whole day, UTC). */
    to: dayOrInstant.optional(),
    needsReview: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
  })
  .strict();
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

/** A job list row's view of its result (reviewed values), so the list needs no result reads. */
export const ResultSummarySchema = z
  .object({
    needsReview: z.boolean(),
    fieldsNeedingReview: z.number().int().nonnegative(),
    confirmed: z.boolean(),
    revision: z.number().int().nonnegative(),
    vendorName: z.string().optional(),
    invoiceNumber: z.string().optional(),
    totalAmount: z.string().optional(),
    currency: z.string().optional(),
  })
  .strict();
export type ResultSummary = z.infer<typeof ResultSummarySchema>;

export const JOB_SORTS = ["newest", "oldest", "fileName", "vendor", "total"] as const;
export type JobSort = (typeof JOB_SORTS)[number];

/** The search and filters of GET /api/jobs; with none of them the list is the plain newest-first one. */
export const JobSearchQuerySchema = z.object({
  /** Part of the file name, vendor or invoice number (case-insensitive). */
  q: z.string().trim().max(200).optional(),
  status: StatusListSchema.optional(),
  needsReview: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  sort: z.enum(JOB_SORTS).optional(),
});
