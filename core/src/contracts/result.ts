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

/**
 * The fields the key-information model reads from a document's text. The model's classes are
 * built from this list, so it changes only with a retrained model.
 */
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

/**
 * Fields read from structured e-invoices only (UBL, CII/Factur-X), until the model learns them.
 * Normalised like the model's: addresses as printed lines joined with ", ", countries as ISO 3166
 * alpha-2, tax ids and BIC upper-case without spaces, `paymentTermsDays` an integer, `servicePeriod`
 * an ISO 8601 interval ("2026-11-01/2026-11-30").
 */
export const STRUCTURED_FIELD_NAMES = [
  "vendorAddress",
  "vendorCountry",
  "vendorTaxId",
  "customerAddress",
  "customerCountry",
  "customerTaxId",
  "bic",
  "paymentTerms",
  "paymentTermsDays",
  "amountDue",
  "serviceDate",
  "servicePeriod",
] as const;

/** Every field a result may carry. */
export const RESULT_FIELD_NAMES = [...FIELD_NAMES, ...STRUCTURED_FIELD_NAMES] as const;
export type ResultFieldName = (typeof RESULT_FIELD_NAMES)[number];

/** A line item's parts: amounts and unit price as decimals, the unit as its UN/ECE Rec. 20 code. */
export const LINE_ITEM_FIELD_NAMES = [
  "description",
  "quantity",
  "unit",
  "unitPrice",
  "amount",
  "taxRate",
] as const;
export type LineItemFieldName = (typeof LINE_ITEM_FIELD_NAMES)[number];

/** Where a result's values came from: the model reading the text, or a structured e-invoice's XML. */
export const RESULT_SOURCES = ["model", "e-invoice"] as const;
export type ResultSource = (typeof RESULT_SOURCES)[number];

/**
 * `e-invoice-mismatch`: the value comes from an e-invoice's XML, but the PDF's visible text does
 * not show it (number, date, total are checked): the two disagree and someone must decide.
 */
export const REVIEW_REASONS = [
  "low-confidence",
  "inconsistent",
  "ambiguous-date",
  "e-invoice-mismatch",
] as const;
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

/** One invoice line; a part the document does not state is absent. */
export const LineItemSchema = z.partialRecord(z.enum(LINE_ITEM_FIELD_NAMES), ExtractedFieldSchema);
export type LineItem = z.infer<typeof LineItemSchema>;

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
    fields: z.partialRecord(z.enum(RESULT_FIELD_NAMES), ExtractedFieldSchema),
    /** The invoice's lines, where they were read (e-invoices). Absent in older and model results. */
    lineItems: z.array(LineItemSchema).optional(),
    /** Absent in results made before e-invoices were read: those are the model's. */
    source: z.enum(RESULT_SOURCES).optional(),
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
