import { describe, expect, it } from "vitest";
import type { JobResult } from "@docsift/core";
import { sampleResult } from "@docsift/core/testing";
import { renderResult } from "../src/render/result.js";

const result: JobResult = sampleResult({
  documentTypeConfidence: 0.97,
  fields: {
    totalAmount: {
      value: "1840.22",
      confidence: 0.8996,
      page: 1,
      sourceText: "1840,22",
      needsReview: true,
      reviewReasons: ["low-confidence"],
    },
    invoiceDate: {
      value: "2024-09-02",
      confidence: 0.97,
      page: 1,
      sourceText: "02/09/2024",
      needsReview: true,
      reviewReasons: ["ambiguous-date"],
    },
    currency: { value: "EUR", confidence: 0.99, page: 1, sourceText: "€", needsReview: false },
  },
  needsReview: true,
  characters: 420,
  model: { name: "docsift-kie", version: "4.0.0", sha256: "b".repeat(64) },
  timings: { downloadMs: 1, extractMs: 2, inferMs: 3, totalMs: 6 },
});

describe("the result table", () => {
  it("says the result needs review and why each flagged value does, and never rounds a flagged value up to the bar", () => {
    const out = renderResult(result);
    expect(out).toContain("needs review: yes");
    const row = (field: string) => out.split("\n").find((l) => l.startsWith(field)) ?? "";
    expect(row("totalAmount")).toMatch(/1840\.22\s+0\.89\s+low-confidence\s+1/);
    expect(row("invoiceDate")).toMatch(/0\.97\s+ambiguous-date/);
    expect(row("currency")).toMatch(/EUR\s+0\.99\s+1\s+€/);
  });

  it("says nothing about review for a result that needs none", () => {
    expect(renderResult({ ...result, needsReview: false })).not.toContain("needs review");
  });

  it("lists only the model's fields as not found for a model result, every field for an e-invoice", () => {
    const notFound = (out: string) => out.split("\n").find((l) => l.startsWith("not found:")) ?? "";
    expect(notFound(renderResult(result))).not.toContain("vendorAddress");
    const eInvoice = renderResult({
      ...result,
      source: "e-invoice",
      lineItems: [{ description: { value: "Widget", confidence: 1, page: 1, sourceText: "Widget" } }],
    });
    expect(notFound(eInvoice)).toContain("vendorAddress");
    expect(eInvoice).toContain("source: e-invoice");
    expect(eInvoice).not.toContain("model: docsift-kie");
    expect(eInvoice.split("\n").find((l) => l.startsWith("1  "))).toMatch(/^1\s+Widget$/);
  });
});
