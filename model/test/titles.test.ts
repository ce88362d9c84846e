import { describe, expect, it } from "vitest";
import type { TextLine } from "@docsift/core";
import { foldTitle, titleType, TITLES, withTitlePrior } from "../src/candidates/titles.js";
import { TITLES as GRAMMAR_TITLES } from "../src/generator/grammar/words.js";
import { LOCALES } from "../src/generator/locales.js";

const line = (text: string, y = 0.1): TextLine => ({
  text,
  page: 1,
  index: 0,
  x: 0.1,
  y,
  width: 0.3,
  height: 0.02,
});
const side = (entry: string, k: 0 | 1): string[] =>
  (entry.split(" ~ ")[k] ?? "")
    .split("|")
    .map((s) => foldTitle(s))
    .filter(Boolean);

describe("document titles", () => {
  it("are training titles of the generators, never a held-out one", () => {
    const train = new Set<string>();
    const heldout = new Set<string>();
    for (const lang of Object.values(GRAMMAR_TITLES))
      for (const entry of Object.values(lang)) {
        side(entry, 0).forEach((t) => train.add(t));
        side(entry, 1).forEach((t) => heldout.add(t));
      }
    for (const loc of Object.values(LOCALES))
      for (const ts of Object.values(loc.titles)) ts.forEach((t) => train.add(foldTitle(t)));
    for (const titles of Object.values(TITLES))
      for (const t of titles ?? []) {
        expect(train.has(t), t).toBe(true);
        expect(heldout.has(t) && !train.has(t), t).toBe(false);
      }
  });

  it("are read from the head of the first page, alone or with their number, longest first", () => {
    expect(titleType([line("Acme Trading GmbH"), line("TAX INVOICE")])).toBe("invoice");
    expect(titleType([line("Facture d'avoir n° 27")])).toBe("credit_note");
    expect(titleType([line("Devis n°: R45834")])).toBe("quote");
    expect(titleType([line("Rechnung Nr. 2025-001")])).toBe("invoice");
    expect(titleType([line("Order Confirmation")])).toBe("order_confirmation");
    expect(titleType([line("PRO FORMA INVOICE")])).toBe("other");
    expect(titleType([line("R E C H N U N G")])).toBe("invoice");
  });

  it("are not a company name, a sentence or a line low on the page", () => {
    expect(titleType([line("Orderly Logistics Ltd")])).toBeUndefined();
    expect(titleType([line("Order Express Ltd")])).toBeUndefined();
    expect(titleType([line("Please quote the invoice number with your payment")])).toBeUndefined();
    expect(titleType([line("Invoice", 0.8)])).toBeUndefined();
    // In body type, where sizes are known, "Order #: 27" is a reference; the large line is the title.
    const sized = (text: string, fontSize: number, y: number): TextLine => ({ ...line(text, y), fontSize });
    const body = [sized("Seller", 9, 0.2), sized("Customer", 9, 0.2), sized("Date 2025-01-02", 9, 0.21)];
    expect(
      titleType([sized("Order Acknowledgement", 20, 0.04), sized("Order #: N97549", 9, 0.06), ...body]),
    ).toBeUndefined();
    expect(titleType([sized("Quote", 20, 0.04), sized("Order #: N97549", 9, 0.06), ...body])).toBe("quote");
  });

  it("weigh the announced type up without discarding the model's view", () => {
    const types = ["invoice", "quote", "receipt"] as const;
    const out = withTitlePrior([0.9, 0.05, 0.05], types, "quote");
    expect(out[1]).toBeGreaterThan(out[0] as number);
    // However sure the head is of another type.
    const sure = withTitlePrior([0.999999, 0.0000001, 0.0000009], types, "quote");
    expect(sure[1]).toBeGreaterThan(sure[0] as number);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(withTitlePrior([0.9, 0.05, 0.05], types, undefined)).toEqual([0.9, 0.05, 0.05]);
    expect(withTitlePrior([0.9, 0.05, 0.05], types, "statement")).toEqual([0.9, 0.05, 0.05]);
  });
});
