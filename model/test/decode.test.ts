import { describe, expect, it } from "vitest";
import { PAYMENT_FREE_DOCUMENT_TYPES, type DocumentType } from "@docsift/core";
import { decode, DEFAULT_DECODER, SeenValues, type ScoredCandidate } from "../src/decode/decode.js";
import { FEATURE_SPEC } from "../src/features/spec.js";

const c = (value: string, score: number, page = 1): ScoredCandidate => ({
  value,
  score,
  page,
  sourceText: value,
});
/** Document-type probabilities in the model's output order, `p` on `type` and the rest shared out. */
const typed = (type: DocumentType, p: number): number[] =>
  FEATURE_SPEC.documentTypes.map((t, _i, all) => (t === type ? p : (1 - p) / (all.length - 1)));
const invoice = typed("invoice", 0.9);
const purchaseOrder = typed("purchase_order", 0.85);

/** What the runtime remembers of every amount and date a document shows. */
function seenOf(amounts: string[], dates: string[] = []): SeenValues {
  const seen = new SeenValues();
  const line = { page: 1 };
  for (const a of amounts) seen.remember({ kind: "amount", numeric: Number(a), value: a, text: a, line });
  for (const d of dates) seen.remember({ kind: "date", numeric: 0, value: d, text: d, line });
  return seen;
}

describe("decoder", () => {
  it("reports a field absent when no candidate clears the threshold", () => {
    const out = decode({ docTypeProbs: invoice, candidates: { invoiceNumber: [c("INV-1", 0.3)], iban: [] } });
    expect(out.fields.invoiceNumber).toBeUndefined();
    expect(out.fields.iban).toBeUndefined();
    expect(out.documentType).toBe("invoice");
    expect(out.documentTypeConfidence).toBe(0.9);
  });

  it("applies a calibrated per-field threshold and keeps the default for other fields", () => {
    const candidates = { invoiceDate: [c("2024-03-01", 0.3)], invoiceNumber: [c("INV-1", 0.3)] };
    const opts = { ...DEFAULT_DECODER, fieldThresholds: { invoiceDate: 0.2 } };
    const out = decode({ docTypeProbs: invoice, candidates }, opts);
    expect(out.fields.invoiceDate?.value).toBe("2024-03-01");
    expect(out.fields.invoiceNumber).toBeUndefined();
    // A due date before the chosen invoice date is still refused at the lower threshold.
    const due = decode(
      { docTypeProbs: invoice, candidates: { ...candidates, dueDate: [c("2024-02-01", 0.9)] } },
      { ...opts, fieldThresholds: { invoiceDate: 0.2, dueDate: 0.2 } },
    );
    expect(due.fields.dueDate === undefined || due.fields.invoiceDate === undefined).toBe(true);
  });

  it("keeps value, confidence, page and source text of the chosen candidate, and whether to review it", () => {
    const out = decode({
      docTypeProbs: invoice,
      candidates: { invoiceNumber: [c("INV-1", 0.7, 2), c("INV-2", 0.9, 1)] },
    });
    expect(out.fields.invoiceNumber).toEqual({
      value: "INV-2",
      confidence: 0.9,
      page: 1,
      sourceText: "INV-2",
      needsReview: false,
    });
  });

  it("prefers amounts for which subtotal + tax = total", () => {
    const out = decode({
      docTypeProbs: invoice,
      candidates: {
        subtotal: [c("90.00", 0.8), c("100.00", 0.7)],
        taxAmount: [c("19.00", 0.9)],
        totalAmount: [c("119.00", 0.85), c("120.00", 0.6)],
      },
    });
    expect([out.fields.subtotal?.value, out.fields.taxAmount?.value, out.fields.totalAmount?.value]).toEqual([
      "100.00",
      "19.00",
      "119.00",
    ]);
  });

  it("takes a low-scoring amount only when it completes the sum", () => {
    const cands = {
      subtotal: [c("100.00", 0.1)],
      taxAmount: [c("19.00", 0.9)],
      totalAmount: [c("119.00", 0.9)],
    };
    expect(decode({ docTypeProbs: invoice, candidates: cands }).fields.subtotal?.value).toBe("100.00");
    const wrong = { ...cands, subtotal: [c("50.00", 0.1)] };
    expect(decode({ docTypeProbs: invoice, candidates: wrong }).fields.subtotal).toBeUndefined();
  });

  it("never reports a due date before the invoice date", () => {
    const out = decode({
      docTypeProbs: invoice,
      candidates: {
        invoiceDate: [c("2024-03-10", 0.9)],
        dueDate: [c("2024-03-01", 0.8), c("2024-04-09", 0.6)],
      },
    });
    expect(out.fields.dueDate?.value).toBe("2024-04-09");
  });

  it("does not report one span as both parties", () => {
    const out = decode({
      docTypeProbs: invoice,
      candidates: {
        vendorName: [c("Atlas GmbH", 0.9)],
        customerName: [c("Atlas GmbH", 0.8), c("Lumen SA", 0.6)],
      },
    });
    expect(out.fields.vendorName?.value).toBe("Atlas GmbH");
    expect(out.fields.customerName?.value).toBe("Lumen SA");
  });

  it("reports only the parties for documents that ask for no payment", () => {
    for (const type of PAYMENT_FREE_DOCUMENT_TYPES) {
      const out = decode({
        docTypeProbs: typed(type, 0.7),
        candidates: { vendorName: [c("Atlas GmbH", 0.9)], totalAmount: [c("10.00", 0.9)] },
      });
      expect(out.documentType).toBe(type);
      expect(Object.keys(out.fields)).toEqual(["vendorName"]);
    }
    const out = decode({
      docTypeProbs: typed("other", 0.7),
      candidates: { vendorName: [c("Atlas GmbH", 0.9)], totalAmount: [c("10.00", 0.9)] },
    });
    expect(out.documentType).toBe("other");
    expect(Object.keys(out.fields)).toEqual(["vendorName"]);
    expect(DEFAULT_DECODER.threshold).toBeGreaterThan(0);
  });

  it("completes subtotal + tax = total with the missing amount when the page prints it", () => {
    const candidates = { taxAmount: [c("19.00", 0.9)], totalAmount: [c("119.00", 0.8)] };
    const out = decode({
      docTypeProbs: invoice,
      candidates,
      seen: seenOf(["100.00", "19.00", "119.00", "5.00"]),
    });
    expect(out.fields.subtotal).toMatchObject({ value: "100.00", confidence: 0.8 });
    // Not printed: nothing is invented.
    const none = decode({ docTypeProbs: invoice, candidates, seen: seenOf(["19.00", "119.00", "5.00"]) });
    expect(none.fields.subtotal).toBeUndefined();
    // Missing tax and missing total likewise.
    const tax = decode({
      docTypeProbs: invoice,
      candidates: { subtotal: [c("100.00", 0.9)], totalAmount: [c("119.00", 0.9)] },
      seen: seenOf(["100.00", "19.00", "119.00"]),
    });
    expect(tax.fields.taxAmount?.value).toBe("19.00");
    const total = decode({
      docTypeProbs: invoice,
      candidates: { subtotal: [c("100.00", 0.9)], taxAmount: [c("19.00", 0.9)] },
      seen: seenOf(["100.00", "19.00", "119.00"]),
    });
    expect(total.fields.totalAmount?.value).toBe("119.00");
  });

  it("replaces a subtotal and tax that do not add up to the total by the one printed pair that does", () => {
    const candidates = {
      subtotal: [c("100.00", 0.9)],
      taxAmount: [c("100.00", 0.95), c("19.00", 0.01)],
      totalAmount: [c("119.00", 0.9)],
    };
    const out = decode({
      docTypeProbs: invoice,
      candidates,
      seen: seenOf(["100.00", "19.00", "119.00", "40.00"]),
    });
    expect([out.fields.subtotal?.value, out.fields.taxAmount?.value]).toEqual(["100.00", "19.00"]);
    // Two pairs that would add up: ambiguous, left as the model chose (one amount is never two fields).
    const two = decode({
      docTypeProbs: invoice,
      candidates,
      seen: seenOf(["100.00", "19.00", "119.00", "110.00", "9.00"]),
    });
    expect(two.fields.taxAmount?.value).not.toBe("19.00");
    expect(two.fields.subtotal?.value === two.fields.taxAmount?.value).toBe(false);
  });

  it("names an issue date when the model named none: the only date, or the latest 3–95 days before the due date", () => {
    const due = [c("2024-04-09", 0.9)];
    // Calibrated date thresholds are low; a due date found alone costs the decoder some doubt.
    const opts = { ...DEFAULT_DECODER, fieldThresholds: { invoiceDate: 0.05, dueDate: 0.05 } };
    const out = decode(
      {
        docTypeProbs: invoice,
        candidates: { dueDate: due },
        seen: seenOf([], ["2024-03-10", "2024-04-09"]),
      },
      opts,
    );
    expect(out.fields.invoiceDate?.value).toBe("2024-03-10");
    // Order and delivery dates come before the issue date.
    const three = decode(
      {
        docTypeProbs: invoice,
        candidates: { dueDate: due },
        seen: seenOf([], ["2024-03-01", "2024-03-10", "2024-04-09"]),
      },
      opts,
    );
    expect(three.fields.invoiceDate?.value).toBe("2024-03-10");
    // Two days before the due date is no payment term; without a due date two dates say nothing.
    const close = decode(
      {
        docTypeProbs: invoice,
        candidates: { dueDate: due },
        seen: seenOf([], ["2024-04-07", "2024-04-09"]),
      },
      opts,
    );
    expect(close.fields.invoiceDate).toBeUndefined();
    const two = decode(
      {
        docTypeProbs: invoice,
        candidates: {},
        seen: seenOf([], ["2024-03-01", "2024-03-10"]),
      },
      opts,
    );
    expect(two.fields.invoiceDate).toBeUndefined();
    const other = decode(
      {
        docTypeProbs: typed("other", 0.7),
        candidates: {},
        seen: seenOf([], ["2024-03-10"]),
      },
      opts,
    );
    expect(other.fields.invoiceDate).toBeUndefined();
  });

  it("never reports one printed date as both issue and due date", () => {
    const candidates = { invoiceDate: [c("2024-03-10", 0.6)], dueDate: [c("2024-03-10", 0.7)] };
    const once = decode({ docTypeProbs: invoice, candidates, seen: seenOf([], ["2024-03-10"]) });
    expect(once.fields.invoiceDate?.value).toBe("2024-03-10");
    expect(once.fields.dueDate).toBeUndefined();
    // Printed twice (due on receipt): both.
    const twice = decode({
      docTypeProbs: invoice,
      candidates,
      seen: seenOf([], ["2024-03-10", "2024-03-10"]),
    });
    expect(twice.fields.invoiceDate?.value).toBe("2024-03-10");
    expect(twice.fields.dueDate?.value).toBe("2024-03-10");
  });

  it("prefers the issue date with no printed date between it and the due date", () => {
    const out = decode({
      docTypeProbs: invoice,
      candidates: {
        invoiceDate: [c("2024-02-20", 0.9), c("2024-03-10", 0.8)],
        dueDate: [c("2024-04-09", 0.9)],
      },
      seen: seenOf([], ["2024-02-20", "2024-03-10", "2024-04-09"]),
    });
    expect(out.fields.invoiceDate?.value).toBe("2024-03-10");
    expect(out.fields.dueDate?.value).toBe("2024-04-09");
    // A date below the threshold is taken only as such a partner, never alone.
    const low = decode(
      {
        docTypeProbs: invoice,
        candidates: { invoiceDate: [c("2024-03-10", 0.03)], dueDate: [c("2024-04-09", 0.9)] },
        seen: seenOf([], ["2024-03-10", "2024-04-09"]),
      },
      { ...DEFAULT_DECODER, fieldThresholds: { invoiceDate: 0.05, dueDate: 0.05 } },
    );
    expect(low.fields.invoiceDate?.value).toBe("2024-03-10");
    const alone = decode(
      { docTypeProbs: invoice, candidates: { invoiceDate: [c("2024-03-10", 0.03)] } },
      { ...DEFAULT_DECODER, fieldThresholds: { invoiceDate: 0.05 } },
    );
    expect(alone.fields.invoiceDate).toBeUndefined();
  });

  it("reports a purchase order's own number as its order number, never as an invoice number", () => {
    const out = decode({ docTypeProbs: purchaseOrder, candidates: { invoiceNumber: [c("PO-7", 0.8)] } });
    expect(out.documentType).toBe("purchase_order");
    expect(out.fields.purchaseOrderNumber?.value).toBe("PO-7");
    expect(out.fields.invoiceNumber).toBeUndefined();
    const both = decode({
      docTypeProbs: purchaseOrder,
      candidates: { invoiceNumber: [c("Q-1", 0.8)], purchaseOrderNumber: [c("PO-7", 0.9)] },
    });
    expect(both.fields.purchaseOrderNumber?.value).toBe("PO-7");
    expect(both.fields.invoiceNumber).toBeUndefined();
  });

  it("reports no due date on a purchase order (the date after its own is a delivery date)", () => {
    const candidates = { invoiceDate: [c("2024-03-10", 0.9)], dueDate: [c("2024-03-25", 0.8)] };
    const out = decode({ docTypeProbs: purchaseOrder, candidates });
    expect(out.fields.invoiceDate?.value).toBe("2024-03-10");
    expect(out.fields.dueDate).toBeUndefined();
  });
});
