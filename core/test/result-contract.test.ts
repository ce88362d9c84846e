import { describe, expect, it } from "vitest";
import { FIELD_NAMES, JobResultSchema, RESULT_FIELD_NAMES } from "../src/index.js";

const field = (value: string) => ({ value, confidence: 0.97, page: 1, sourceText: value });

/** A result as the worker stored it before e-invoices: no source, no line items, model fields only. */
const stored = {
  documentType: "invoice",
  documentTypeConfidence: 0.99,
  fields: { invoiceNumber: field("INV-7"), totalAmount: field("20.00") },
  needsReview: false,
  pages: 1,
  ocrPages: 0,
  characters: 120,
  documentSha256: "a".repeat(64),
  model: { name: "docsift-kie", version: "1.0.0", sha256: "b".repeat(64) },
  timings: { downloadMs: 1, extractMs: 2, inferMs: 3, totalMs: 6 },
};

describe("job result contract", () => {
  it("still reads results stored before e-invoices", () => {
    const parsed = JobResultSchema.parse(stored);
    expect(parsed.source).toBeUndefined();
    expect(parsed.lineItems).toBeUndefined();
  });

  it("takes an e-invoice's result: structured fields, line items, its source, a mismatch review", () => {
    const parsed = JobResultSchema.parse({
      ...stored,
      source: "e-invoice",
      fields: {
        ...stored.fields,
        totalAmount: { ...field("20.00"), needsReview: true, reviewReasons: ["e-invoice-mismatch"] },
        vendorTaxId: field("DE123456789"),
        servicePeriod: field("2026-11-01/2026-11-30"),
        paymentTermsDays: field("30"),
      },
      lineItems: [{ description: field("Widget"), quantity: field("2"), unit: field("C62") }, {}],
    });
    expect(parsed.lineItems).toHaveLength(2);
    expect(parsed.fields.totalAmount?.reviewReasons).toEqual(["e-invoice-mismatch"]);
  });

  it("stays strict: unknown fields, line-item parts, sources and keys are refused", () => {
    expect(JobResultSchema.safeParse({ ...stored, fields: { colour: field("red") } }).success).toBe(false);
    expect(JobResultSchema.safeParse({ ...stored, lineItems: [{ colour: field("red") }] }).success).toBe(
      false,
    );
    expect(JobResultSchema.safeParse({ ...stored, source: "guess" }).success).toBe(false);
    expect(JobResultSchema.safeParse({ ...stored, extra: 1 }).success).toBe(false);
  });

  it("keeps the model's fields first and unchanged, since the model's classes are built from them", () => {
    expect(RESULT_FIELD_NAMES.slice(0, FIELD_NAMES.length)).toEqual([...FIELD_NAMES]);
    expect(FIELD_NAMES).not.toContain("vendorAddress");
  });
});
