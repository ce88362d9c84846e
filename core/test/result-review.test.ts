import { describe, expect, it } from "vitest";
import {
  EXPORT_COLUMNS,
  InvalidTransitionError,
  LINE_ITEM_EXPORT_COLUMNS,
  JobSchema,
  ProblemError,
  checkFieldValue,
  confirmResult,
  correctResult,
  decide,
  exportRow,
  lineItemRows,
  reviewedResult,
} from "../src/index.js";
import type { Job, JobResult } from "../src/index.js";
import { completedJob, newUploadJob, sampleResult } from "../src/testing/index.js";

const at = new Date("2026-03-01T10:00:00Z");
const result: JobResult = sampleResult({
  needsReview: true,
  fields: {
    totalAmount: {
      value: "10.00",
      confidence: 0.4,
      page: 1,
      sourceText: "Total 10.00",
      needsReview: true,
      reviewReasons: ["low-confidence"],
    },
    vendorName: { value: "ACME GmbH", confidence: 0.95, page: 1, sourceText: "ACME GmbH" },
    iban: {
      value: "DE89370400440532013000",
      confidence: 0.9,
      page: 2,
      sourceText: "IBAN DE89 3704 0044 0532 0130 00",
    },
  },
});

const applied = (d: ReturnType<typeof correctResult>): Job => {
  expect(d.outcome).toBe("applied");
  return JobSchema.parse(d.job);
};

describe("a user's field values are checked and normalised per field", () => {
  it.each([
    ["invoiceDate", "2026-02-28", "2026-02-28"],
    ["totalAmount", "1234,5", "1234.50"],
    ["totalAmount", 99, "99.00"],
    ["taxAmount", "-12.30", "-12.30"],
    ["iban", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"],
    ["currency", "eur", "EUR"],
    ["vendorName", "  ACME   Corp  ", "ACME Corp"],
  ] as const)("%s %j → %s", (field, raw, value) => {
    expect(checkFieldValue(field, raw)).toEqual({ ok: true, value });
  });

  it.each([
    ["invoiceDate", "2025-02-29", /date/],
    ["dueDate", "31.12.2026", /YYYY-MM-DD/],
    ["totalAmount", "twelve", /number/],
    ["totalAmount", "1.234,56", /number/],
    ["subtotal", 1.005, /number/],
    ["iban", "DE89370400440532013001", /checksum/],
    ["iban", "12345", /IBAN/],
    ["currency", "EURO", /ISO 4217/],
    ["vendorName", "   ", /empty/],
    ["invoiceNumber", 17, /text/],
  ] as const)("%s %j is refused", (field, raw, message) => {
    const checked = checkFieldValue(field, raw);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(message);
  });
});

describe("result revisions", () => {
  it("keep the model's result and apply corrections on top, with who and when", () => {
    const job = completedJob("alice", result, { at });
    const next = applied(
      correctResult(job, { changes: { totalAmount: "12.00", iban: null }, by: "alice", at }),
    );
    expect(next.result).toEqual(job.result);
    expect(next.status).toBe("COMPLETED");
    expect(next.history).toEqual(job.history);
    expect(next.resultRevisions).toEqual([
      {
        revision: 1,
        at: at.toISOString(),
        by: "alice",
        action: "correct",
        changes: { totalAmount: "12.00", iban: null },
      },
    ]);
    const reviewed = reviewedResult(next);
    expect(reviewed.fields.totalAmount).toMatchObject({
      value: "12.00",
      origin: "user",
      modelValue: "10.00",
      needsReview: false,
      reviewed: true,
      page: 1,
      sourceText: "Total 10.00",
    });
    expect(reviewed.fields.iban).toBeUndefined();
    expect(reviewed.absent).toEqual(["iban"]);
    expect(reviewed.revision).toBe(1);
  });

  it("put the result in need of review until its flagged fields are corrected or confirmed", () => {
    const job = completedJob("alice", result, { at });
    expect(reviewedResult(job)).toMatchObject({ needsReview: true, fieldsNeedingReview: ["totalAmount"] });
    const confirmed = applied(confirmResult(job, { fields: ["totalAmount"], by: "alice", at }));
    expect(reviewedResult(confirmed)).toMatchObject({ needsReview: false, fieldsNeedingReview: [] });
    expect(reviewedResult(confirmed).fields.totalAmount).toMatchObject({
      value: "10.00",
      origin: "model",
      reviewed: true,
    });
  });

  it("answer a repeated change or confirmation as unchanged, writing nothing", () => {
    const job = completedJob("alice", result, { at });
    const once = applied(correctResult(job, { changes: { vendorName: "ACME AG" }, by: "alice", at }));
    expect(correctResult(once, { changes: { vendorName: "ACME AG" }, by: "alice", at }).outcome).toBe(
      "unchanged",
    );
    const whole = applied(confirmResult(once, { by: "alice", at }));
    expect(reviewedResult(whole).confirmed).toEqual({ at: at.toISOString(), by: "alice", revision: 2 });
    expect(confirmResult(whole, { by: "alice", at }).outcome).toBe("unchanged");
  });

  it("make a whole-result confirmation stale when a later correction changes a value", () => {
    const job = completedJob("alice", result, { at });
    const whole = applied(confirmResult(job, { by: "alice", at }));
    const corrected = applied(correctResult(whole, { changes: { vendorName: "Other" }, by: "alice", at }));
    expect(reviewedResult(corrected).confirmed).toBeUndefined();
  });

  it("are refused for a job that has no result, and confirming a field without a value is a 400", () => {
    expect(() =>
      correctResult(newUploadJob("alice"), { changes: { vendorName: "x" }, by: "alice", at }),
    ).toThrow(InvalidTransitionError);
    const job = completedJob("alice", result, { at });
    expect(() => confirmResult(job, { fields: ["dueDate"], by: "alice", at })).toThrow(ProblemError);
  });

  it("go with the result when the job is deleted", () => {
    const job = applied(
      correctResult(completedJob("alice", result, { at }), { changes: { vendorName: "x" }, by: "alice", at }),
    );
    const deleted = decide(job, { type: "delete", at }).job;
    expect(deleted.resultRevisions).toBeUndefined();
    expect(deleted.result).toBeUndefined();
  });
});

describe("export rows", () => {
  it("carry the reviewed values in the export's columns, and only status and error for a failed job", () => {
    const job = applied(
      correctResult(completedJob("alice", result, { at }), {
        changes: { totalAmount: "12.00" },
        by: "alice",
        at,
      }),
    );
    const row = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, exportRow(job)[i]]));
    expect(row).toMatchObject({
      status: "COMPLETED",
      totalAmount: "12.00",
      vendorName: "ACME GmbH",
      revision: "1",
      needsReview: "false",
    });
    const failed: Job = {
      ...newUploadJob("alice"),
      status: "FAILED",
      error: { code: "CORRUPT_DOCUMENT", message: "x", permanent: true },
    };
    const failedRow = exportRow(failed);
    expect(failedRow).toHaveLength(EXPORT_COLUMNS.length);
    expect(failedRow.at(-1)).toBe("CORRUPT_DOCUMENT");
  });
});

describe("line-item export rows", () => {
  const part = (value: string, page = 1) => ({ value, confidence: 1, page, sourceText: value });
  const eInvoice: JobResult = sampleResult({
    source: "e-invoice",
    fields: { currency: part("EUR"), totalAmount: part("61.00") },
    lineItems: [
      { description: part("Beratung"), quantity: part("2"), unit: part("HUR"), amount: part("50.00") },
      { amount: part("11.00", 3), description: part("Porto", 2) },
    ],
  });

  it("come with the reviewed result as read, beside the source and the further fields", () => {
    const withTaxId = sampleResult({
      ...eInvoice,
      fields: { ...eInvoice.fields, vendorTaxId: part("DE123456789") },
    });
    const reviewed = reviewedResult(completedJob("alice", withTaxId, { at, fileName: "inv.xml" }));
    expect(reviewed.source).toBe("e-invoice");
    expect(reviewed.lineItems).toEqual(eInvoice.lineItems);
    expect(reviewed.moreFields).toEqual({ vendorTaxId: part("DE123456789") });
    expect(Object.keys(reviewed.fields).sort()).toEqual(["currency", "totalAmount"]);
    // A model result without them carries none of the three.
    const plain = reviewedResult(completedJob("alice", result, { at }));
    expect([plain.source, plain.lineItems, plain.moreFields]).toEqual([undefined, undefined, undefined]);
  });

  it("are one row per line in order, parts not stated empty, on the page of the line's first part", () => {
    const rows = lineItemRows(completedJob("alice", eInvoice, { at, fileName: "inv.xml" }));
    expect(rows.map((r) => Object.fromEntries(LINE_ITEM_EXPORT_COLUMNS.map((c, i) => [c, r[i]])))).toEqual([
      expect.objectContaining({
        line: "1",
        description: "Beratung",
        quantity: "2",
        unit: "HUR",
        unitPrice: "",
        amount: "50.00",
        currency: "EUR",
        page: "1",
        fileName: "inv.xml",
      }),
      expect.objectContaining({ line: "2", description: "Porto", quantity: "", amount: "11.00", page: "2" }),
    ]);
  });

  it("carry the reviewed currency, and are none for a result without lines; a job without a result has none to give", () => {
    const corrected = applied(
      correctResult(completedJob("alice", eInvoice, { at }), {
        changes: { currency: "CHF" },
        by: "alice",
        at,
      }),
    );
    expect(lineItemRows(corrected).map((r) => r[LINE_ITEM_EXPORT_COLUMNS.indexOf("currency")])).toEqual([
      "CHF",
      "CHF",
    ]);
    expect(lineItemRows(completedJob("alice", result, { at }))).toEqual([]);
    expect(() => lineItemRows(newUploadJob("alice"))).toThrow(InvalidTransitionError);
  });
});
