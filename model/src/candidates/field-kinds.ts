import type { FieldName } from "@docsift/core";
import type { CandidateKind } from "./extract.js";

/** The kind of candidate each field's value is: the decoder and the training labels share it. */
export const FIELD_KIND: Record<FieldName, CandidateKind> = {
  invoiceNumber: "id",
  purchaseOrderNumber: "id",
  invoiceDate: "date",
  dueDate: "date",
  vendorName: "text",
  customerName: "text",
  subtotal: "amount",
  taxAmount: "amount",
  totalAmount: "amount",
  currency: "currency",
  iban: "iban",
};
