import type {
  DocumentType,
  ErrorCode,
  FieldName,
  JobStatus,
  LineItemFieldName,
  ResultFieldName,
} from "@docsift/core";

/** The fields only structured e-invoices give (core's STRUCTURED_FIELD_NAMES). */
export type StructuredFieldName = Exclude<ResultFieldName, FieldName>;

// Exhaustive by type: a new field, status or error code in @docsift/core fails the build here.
export const FIELD_LABELS: Record<FieldName, string> = {
  invoiceNumber: "Invoice number",
  invoiceDate: "Invoice date",
  dueDate: "Due date",
  vendorName: "Vendor",
  customerName: "Customer",
  subtotal: "Subtotal",
  taxAmount: "Tax",
  totalAmount: "Total",
  currency: "Currency",
  iban: "IBAN",
  purchaseOrderNumber: "Purchase order",
};

// In the order the job's page lists them: the parties, then payment, then what was delivered when.
export const STRUCTURED_FIELD_LABELS: Record<StructuredFieldName, string> = {
  vendorAddress: "Vendor address",
  vendorCountry: "Vendor country",
  vendorTaxId: "Vendor tax ID",
  customerAddress: "Customer address",
  customerCountry: "Customer country",
  customerTaxId: "Customer tax ID",
  bic: "BIC",
  paymentTerms: "Payment terms",
  paymentTermsDays: "Payment within",
  amountDue: "Amount due",
  serviceDate: "Delivery date",
  servicePeriod: "Service period",
};

export const LINE_ITEM_LABELS: Record<LineItemFieldName, string> = {
  description: "Description",
  quantity: "Quantity",
  unit: "Unit",
  unitPrice: "Unit price",
  amount: "Amount",
  taxRate: "Tax rate",
};

export const DOCUMENT_TYPE_LABELS: Record<DocumentType, string> = {
  invoice: "Invoice",
  receipt: "Receipt",
  purchase_order: "Purchase order",
  credit_note: "Credit note",
  quote: "Quote",
  delivery_note: "Delivery note",
  order_confirmation: "Order confirmation",
  statement: "Statement",
  letter: "Letter",
  other: "Other document",
};

export const STATUS_LABELS: Record<JobStatus, string> = {
  AWAITING_UPLOAD: "Waiting for upload",
  QUEUED: "Queued",
  PROCESSING: "Processing",
  COMPLETED: "Completed",
  FAILED: "Failed",
  EXPIRED: "Expired",
  DELETED: "Deleted",
};

/** What the user can do about each failure. */
export const ERROR_ADVICE: Record<ErrorCode, string> = {
  UNSUPPORTED_DOCUMENT:
    "Upload the document as a PDF, Word (.docx), text, e-invoice XML, PNG, JPEG or TIFF file.",
  DOCUMENT_TOO_LARGE:
    "Split the document into smaller files (at most 100 MiB each) and upload them separately.",
  TOO_MANY_PAGES: "Split the document into parts with fewer pages and upload each part.",
  CORRUPT_DOCUMENT:
    "Open the file on your device to check it, save or export it again, then upload the new copy.",
  EMPTY_DOCUMENT: "The file has no readable content. Check that you picked the right file.",
  DOCUMENT_CHANGED:
    "The file was replaced after it was submitted, so it was not processed. Upload it again as a new document.",
  DOCUMENT_MISSING: "The upload did not arrive completely. Upload the document again.",
  EXTRACTION_TIMEOUT:
    "Try a smaller or simpler version of the document, e.g. fewer pages or a lower image resolution.",
  INVALID_MESSAGE: "Upload the document again. If it keeps failing, contact support with the job id.",
  MAX_DELIVERY_EXCEEDED: "Our team has been alerted. Try again later or contact support with the job id.",
  DEPENDENCY_UNAVAILABLE: "A temporary problem on our side. Upload the document again in a few minutes.",
  LOCK_LOST: "A temporary problem on our side. Upload the document again in a few minutes.",
  JOB_TIMEOUT: "Try again later, or upload a smaller version of the document.",
  WORKER_SHUTDOWN: "A temporary problem on our side. Upload the document again in a few minutes.",
  INTERNAL: "Something went wrong on our side. Try again later or contact support with the job id.",
  JOB_RATE_LIMITED: "Wait a minute, then add the remaining documents.",
  TOO_MANY_OPEN_UPLOADS: "Finish or remove the uploads that are still waiting, then add more documents.",
};
