import { z } from "zod";

export const DOCUMENT_TYPES = ["invoice", "receipt", "purchase_order", "other"] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const FIELD_NAMES = [
  "invoiceNumber",
  "invoiceDate",
  "dueDate",
  "vendorName",
  "customerName",
  "subtotal",
  "taxAmount",
  "totalAmount",
  "currency",
  "iban",
  "purchaseOrderNumber",
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export const ExtractedFieldSchema = z
  .object({
    /** Normalised: ISO 8601 dates, decimal amounts as strings ("1234.50"), upper-case IBAN, ISO 4217 currency. */
    value: z.string(),
    confidence: z.number().min(0).max(1),
    page: z.number().int().positive(),
    sourceText: z.string(),
  })
  .strict();
export type ExtractedField = z.infer<typeof ExtractedFieldSchema>;

export const ModelRefSchema = z
  .object({ name: z.string().min(1), version: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();
export type ModelRef = z.infer<typeof ModelRefSchema>;

export const TimingsSchema = z
  .object({
    downloadMs: z.number().nonnegative(),
    extractMs: z.number().nonnegative(),
    inferMs: z.number().nonnegative(),
    totalMs: z.number().nonnegative(),
  })
  .strict();

/**
 * A field missing from `fields` was not found in the document: absent, not guessed.
 */
export const JobResultSchema = z
  .object({
    documentType: z.enum(DOCUMENT_TYPES),
    documentTypeConfidence: z.number().min(0).max(1),
    fields: z.partialRecord(z.enum(FIELD_NAMES), ExtractedFieldSchema),
    pages: z.number().int().nonnegative(),
    ocrPages: z.number().int().nonnegative(),
    characters: z.number().int().nonnegative(),
    documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
    model: ModelRefSchema,
    timings: TimingsSchema,
  })
  .strict();
export type JobResult = z.infer<typeof JobResultSchema>;
