import { z } from "zod";

/**
 * What a document is. Only invoices, receipts and credit notes ask for payment of their own total;
 * a quote, order, delivery note or statement carries amounts and dates too, and must never be
 * reported as an invoice.
 */
export const DOCUMENT_TYPES = [
  "invoice",
  "receipt",
  "purchase_order",
  "credit_note",
  "quote",
  "delivery_note",
  "order_confirmation",
  "statement",
  "letter",
  "other",
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The document types that ask for no payment of their own: their results name only the two parties. */
export const PAYMENT_FREE_DOCUMENT_TYPES: readonly DocumentType[] = [
  "quote",
  "delivery_note",
  "order_confirmation",
  "statement",
  "letter",
  "other",
];

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

export const REVIEW_REASONS = ["low-confidence", "inconsistent", "ambiguous-date"] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

export const ExtractedFieldSchema = z
  .object({
    /** Normalised: ISO 8601 dates, decimal amounts as strings ("1234.50"), upper-case IBAN, ISO 4217 currency. */
    value: z.string(),
    confidence: z.number().min(0).max(1),
    page: z.number().int().positive(),
    sourceText: z.string(),
    /**
     * Someone should look at this value before relying on it: its calibrated confidence is low, it
     * fails a consistency check, or (dates) the day/month order could not be told from the document.
     * Absent in results made before calibration (read as false).
     */
    needsReview: z.boolean().optional(),
    /** Why `needsReview` is set. */
    reviewReasons: z.array(z.enum(REVIEW_REASONS)).optional(),
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
    /** Some field needs review, or the document type itself is uncertain. Absent in older results. */
    needsReview: z.boolean().optional(),
    pages: z.number().int().nonnegative(),
    ocrPages: z.number().int().nonnegative(),
    characters: z.number().int().nonnegative(),
    documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
    model: ModelRefSchema,
    timings: TimingsSchema,
  })
  .strict();
export type JobResult = z.infer<typeof JobResultSchema>;
