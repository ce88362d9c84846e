import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOCUMENT_TYPES, PAYMENT_FREE_DOCUMENT_TYPES, type FieldName } from "@docsift/core";
import {
  familyDocTypes,
  generateGrammarDocument,
  GRAMMAR_FAMILIES,
  GRAMMAR_LOCALES,
  RECEIPT_MAX_COLUMNS,
  type GrammarDocument,
} from "../src/generator/grammar/index.js";
import { LANGS, WORD_KEYS, titleWordings, wordings } from "../src/generator/grammar/words.js";
import { LOCALE_SPECS } from "../src/generator/grammar/locales.js";
import { textWidth } from "../src/generator/grammar/core.js";
import { ibanMod97 } from "../src/generator/values.js";
import { itemHeight, itemWidth } from "../src/generator/generate.js";
import { renderPages, renderPdf, renderText } from "../src/synthetic.js";

const cents = (v: string): number => Math.round(Number(v) * 100);

/** Every family x docType x locale, a few seeds each. */
function* everyCombination(seeds: number[]): Generator<GrammarDocument> {
  for (const [f, family] of GRAMMAR_FAMILIES.entries())
    for (const [t, docType] of familyDocTypes(family).entries())
      for (const [l, locale] of GRAMMAR_LOCALES.entries())
        for (const s of seeds)
          yield generateGrammarDocument(s * 7919 + f * 1009 + t * 101 + l, { family, docType, locale });
}

const ROUNDING = new Set(
  LANGS.flatMap((l) => [...wordings(l, "rounding", "train"), ...wordings(l, "rounding", "heldout")]).map(
    (w) => w.toLowerCase(),
  ),
);
/** Whether the document prints a cash-rounding line (Swiss invoices round to 5 centimes). */
const printsRounding = (doc: GrammarDocument): boolean =>
  doc.pages.some((p) => p.items.some((it) => ROUNDING.has(it.text.toLowerCase().replace(/:$/, ""))));

/** The values the spans mark, per field. */
function markedValues(doc: GrammarDocument): Map<FieldName, string[]> {
  const out = new Map<FieldName, string[]>();
  for (const p of doc.pages)
    for (const it of p.items)
      for (const s of it.spans)
        out.set(s.field, [...(out.get(s.field) ?? []), it.text.slice(s.start, s.end)]);
  return out;
}

describe("layout grammar generator", () => {
  it("is deterministic from the seed and varies between seeds", () => {
    for (const seed of [1, 42, 99991]) {
      expect(generateGrammarDocument(seed)).toEqual(generateGrammarDocument(seed));
      expect(generateGrammarDocument(seed, { split: "heldout", family: "compact" })).toEqual(
        generateGrammarDocument(seed, { split: "heldout", family: "compact" }),
      );
    }
    expect(renderText(generateGrammarDocument(7))).not.toEqual(renderText(generateGrammarDocument(8)));
  });

  it("writes every family x document type x locale with truth shown in spans, inside the page", () => {
    let docs = 0;
    const errors: string[] = [];
    const check = (ok: boolean, msg: () => string): void => {
      if (!ok && errors.length < 20) errors.push(msg());
    };
    for (const doc of everyCombination([1, 2])) {
      docs++;
      const ctx = `${doc.template} ${doc.truth.documentType} ${doc.grammarLocale} seed ${doc.seed}`;
      check(doc.template === `grammar:${doc.family}`, () => `${ctx}: template`);
      check(doc.pages.length > 0, () => `${ctx}: no pages`);
      const marked = markedValues(doc);
      for (const [field, value] of Object.entries(doc.truth.fields) as Array<[FieldName, string]>) {
        check(marked.has(field), () => `${ctx}: ${field} has no span`);
        check(value !== "", () => `${ctx}: ${field} empty`);
      }
      // Every span marks a truth field of the document (no stray marks).
      for (const field of marked.keys())
        check(doc.truth.fields[field] !== undefined, () => `${ctx}: span of ${field} not in truth`);
      check(
        (doc.truth.fields.vendorName ?? doc.truth.fields.customerName) !== undefined,
        () => `${ctx}: no party`,
      );
      // Where a marked identifier (number, IBAN, party) is printed again, it is marked there too.
      const printed = new Set<string>();
      for (const [f, values] of marked)
        if (["invoiceNumber", "purchaseOrderNumber", "iban", "vendorName", "customerName"].includes(f))
          for (const v of values) if (v.length >= 6) printed.add(v);
      for (const page of doc.pages)
        for (const it of page.items) {
          check(it.text.trim() !== "", () => `${ctx}: empty item`);
          for (const s of it.spans)
            check(
              s.start >= 0 && s.end <= it.text.length && s.end > s.start,
              () => `${ctx}: span outside "${it.text}"`,
            );
          for (const v of printed) {
            const at = it.text.indexOf(v);
            if (at < 0) continue;
            check(
              it.spans.some((s) => s.start <= at && s.end >= at + v.length),
              () => `${ctx}: "${v}" printed unmarked in "${it.text}"`,
            );
          }
          check(it.x >= 0 && it.y >= 0 && it.y <= 1, () => `${ctx}: "${it.text}" off the page`);
          check(it.x + itemWidth(it) <= 1, () => `${ctx}: "${it.text}" runs off the page`);
          check(it.size >= 6 && it.size <= 28, () => `${ctx}: size ${it.size}`);
        }
    }
    expect(errors).toEqual([]);
    expect(docs).toBeGreaterThan(500);
  });

  it("keeps amounts exact, dates valid, IBANs valid and non-payment types down to the parties", () => {
    const seen = new Set<string>();
    for (const doc of everyCombination([3, 4, 5])) {
      const f = doc.truth.fields;
      const ctx = `${doc.template} ${doc.truth.documentType} ${doc.grammarLocale} seed ${doc.seed}`;
      for (const k of ["subtotal", "taxAmount", "totalAmount"] as const)
        if (f[k] !== undefined) expect(f[k], ctx).toMatch(/^-?\d+\.\d{2}$/);
      if (f.subtotal && f.taxAmount && f.totalAmount) {
        const diff = cents(f.subtotal) + cents(f.taxAmount) - cents(f.totalAmount);
        // Only a till receipt's cash rounding (to 0.05 or to a whole unit) may separate them.
        if (doc.family === "receipt") expect(Math.abs(diff), ctx).toBeLessThan(50);
        else if (printsRounding(doc)) expect(Math.abs(diff), ctx).toBeLessThanOrEqual(2);
        else expect(diff, ctx).toBe(0);
        if (diff !== 0) seen.add(doc.family === "receipt" ? "rounded" : "rounded-a4");
      }
      for (const k of ["invoiceDate", "dueDate"] as const)
        if (f[k]) {
          expect(f[k], ctx).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(new Date(`${f[k]}T00:00:00Z`).toISOString().slice(0, 10), ctx).toBe(f[k]);
        }
      if (f.dueDate && f.invoiceDate) expect(f.dueDate >= f.invoiceDate, ctx).toBe(true);
      if (f.iban) {
        expect(f.iban, ctx).toMatch(/^[A-Z]{2}\d{2}[A-Z0-9]+$/);
        expect(ibanMod97(f.iban), ctx).toBe(1);
      }
      if (f.currency) expect(f.currency, ctx).toMatch(/^[A-Z]{3}$/);
      if (PAYMENT_FREE_DOCUMENT_TYPES.includes(doc.truth.documentType))
        for (const k of Object.keys(f)) expect(["vendorName", "customerName"], ctx).toContain(k);
      if (doc.truth.documentType === "purchase_order") {
        expect(f.invoiceNumber, ctx).toBeUndefined();
        expect(f.dueDate, ctx).toBeUndefined();
      }
      if (doc.truth.documentType === "credit_note") expect(f.dueDate, ctx).toBeUndefined();
      if (f.currency) seen.add(f.currency);
      if (f.iban) seen.add("iban");
      if (f.dueDate) seen.add("due");
    }
    for (const c of [
      "EUR",
      "USD",
      "GBP",
      "INR",
      "MYR",
      "PLN",
      "CHF",
      "SEK",
      "JPY",
      "iban",
      "due",
      "rounded",
      "rounded-a4",
    ])
      expect(seen.has(c), c).toBe(true);
  });

  it("prints yen without decimals and keeps two decimals in truth", () => {
    let yen = 0;
    for (let seed = 0; seed < 300 && yen < 5; seed++) {
      const doc = generateGrammarDocument(seed, { locale: "en", family: "modern", docType: "invoice" });
      if (doc.truth.fields.currency !== "JPY" || !doc.truth.fields.totalAmount) continue;
      yen++;
      expect(doc.truth.fields.totalAmount).toMatch(/^\d+\.00$/);
      for (const [f, values] of markedValues(doc))
        if (f === "totalAmount" || f === "subtotal")
          for (const v of values) expect(v).not.toMatch(/[.,]\d{2}$/);
    }
    expect(yen).toBeGreaterThan(0);
  });

  it("writes every document type, mostly invoices on A4 and mostly receipts in the receipt family", () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 600; seed++) {
      const doc = generateGrammarDocument(seed);
      const key = `${doc.family === "receipt" ? "receipt" : "a4"}:${doc.truth.documentType}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const t of DOCUMENT_TYPES) expect(counts.get(`a4:${t}`) ?? 0, t).toBeGreaterThan(0);
    const a4 = [...counts].filter(([k]) => k.startsWith("a4:")).reduce((a, [, n]) => a + n, 0);
    expect((counts.get("a4:invoice") ?? 0) / a4).toBeGreaterThan(0.3);
    const r = [...counts].filter(([k]) => k.startsWith("receipt:")).reduce((a, [, n]) => a + n, 0);
    expect((counts.get("receipt:receipt") ?? 0) / r).toBeGreaterThan(0.75);
    expect(() => generateGrammarDocument(1, { family: "receipt", docType: "invoice" })).toThrow(
      /does not write/,
    );
    // Leave-one-family-out: drawing from the other families never yields the left-out one.
    for (let seed = 0; seed < 100; seed++)
      expect(
        generateGrammarDocument(seed, { families: ["letterhead", "compact", "receipt"] }).family,
      ).not.toBe("modern");
  });

  it("lays blocks out without overlapping text, measured with proportional (Helvetica-like) widths", () => {
    const fontWidth = (it: { text: string; size: number; bold: boolean }): number =>
      textWidth(it.text, it.size, it.bold) * 0.92;
    const overlaps: string[] = [];
    for (const family of GRAMMAR_FAMILIES)
      for (let seed = 0; seed < 80; seed++) {
        const doc = generateGrammarDocument(seed, { family });
        for (const page of doc.pages) {
          const its = page.items;
          for (let i = 0; i < its.length; i++)
            for (let j = i + 1; j < its.length; j++) {
              const a = its[i] as (typeof its)[number];
              const b = its[j] as (typeof its)[number];
              const ox = Math.min(a.x + fontWidth(a), b.x + fontWidth(b)) - Math.max(a.x, b.x);
              const oy = Math.min(a.y + itemHeight(a), b.y + itemHeight(b)) - Math.max(a.y, b.y);
              if (ox > 0.005 && oy > 0.004) overlaps.push(`${family} ${seed}: "${a.text}" / "${b.text}"`);
            }
        }
      }
    expect(overlaps).toEqual([]);
  });

  it("writes till receipts of at most 48 monospaced columns", () => {
    for (const locale of GRAMMAR_LOCALES)
      for (let seed = 0; seed < 15; seed++) {
        const doc = generateGrammarDocument(seed, { family: "receipt", locale });
        for (const page of doc.pages) {
          const body = page.items.filter((it) => it.size <= 9 && !it.bold);
          const size = body[0]?.size ?? 9;
          const cw = (size * 0.5) / 595;
          const rows = new Map<number, typeof body>();
          for (const it of body)
            rows.set(Math.round(it.y * 10000), [...(rows.get(Math.round(it.y * 10000)) ?? []), it]);
          for (const row of rows.values()) {
            const start = Math.min(...row.map((it) => it.x));
            const end = Math.max(...row.map((it) => it.x + it.text.length * cw));
            expect(Math.round((end - start) / cw), row.map((i) => i.text).join(" | ")).toBeLessThanOrEqual(
              RECEIPT_MAX_COLUMNS,
            );
          }
        }
      }
  });

  it("uses locale-consistent dates and numbers", () => {
    const us = generateGrammarDocument(11, { family: "letterhead", locale: "en-US", docType: "invoice" });
    const text = renderText(us);
    expect(text).not.toMatch(/\d,\d{2}\b(?!\d)/); // no decimal comma in en-US
    for (let seed = 0; seed < 40; seed++) {
      const doc = generateGrammarDocument(seed, { family: "compact", locale: "de", docType: "invoice" });
      const total = markedValues(doc).get("totalAmount")?.[0];
      if (total && /\d/.test(total)) expect(total).toMatch(/,\d{2}$|\.\d{2}$/);
      const date = markedValues(doc).get("invoiceDate")?.[0];
      const iso = doc.truth.fields.invoiceDate;
      if (date && iso && /^\d{1,2}\.\d{1,2}\.\d{4}$/.test(date)) {
        const [d, m] = date.split(".").map(Number);
        expect(d).toBe(Number(iso.slice(8, 10)));
        expect(m).toBe(Number(iso.slice(5, 7)));
      }
    }
    for (let seed = 0; seed < 40; seed++) {
      const doc = generateGrammarDocument(seed, { family: "modern", locale: "en-US", docType: "invoice" });
      const date = markedValues(doc).get("invoiceDate")?.[0];
      const iso = doc.truth.fields.invoiceDate;
      if (date && iso && /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(date)) {
        const [m, d] = date.split("/").map(Number);
        expect(m).toBe(Number(iso.slice(5, 7)));
        expect(d).toBe(Number(iso.slice(8, 10)));
      }
    }
    for (const l of GRAMMAR_LOCALES) expect(LOCALE_SPECS[l].currencies.length).toBeGreaterThan(0);
  });

  it("keeps held-out wordings apart: a held-out document shows no training-only wording", () => {
    const fold = (s: string): string =>
      s
        .toLowerCase()
        .replace(/[:\s]+$/, "")
        .trim();
    for (const lang of LANGS) {
      const train = new Set<string>();
      const held = new Set<string>();
      for (const k of WORD_KEYS) {
        for (const w of wordings(lang, k, "train")) train.add(fold(w));
        for (const w of wordings(lang, k, "heldout")) held.add(fold(w));
      }
      for (const t of DOCUMENT_TYPES) {
        for (const w of titleWordings(lang, t, "train")) train.add(fold(w));
        for (const w of titleWordings(lang, t, "heldout")) held.add(fold(w));
      }
      // The two sides never share a wording.
      for (const h of held) expect(train.has(h), `${lang}: "${h}"`).toBe(false);
    }
    // Label-like items (whole texts) of held-out documents: none is a training wording of any language.
    const trainAll = new Set<string>();
    const heldAll = new Set<string>();
    for (const lang of LANGS) {
      for (const k of WORD_KEYS) {
        for (const w of wordings(lang, k, "train")) if (!w.includes("{")) trainAll.add(fold(w));
        for (const w of wordings(lang, k, "heldout")) heldAll.add(fold(w));
      }
      for (const t of DOCUMENT_TYPES) {
        for (const w of titleWordings(lang, t, "train")) trainAll.add(fold(w));
        for (const w of titleWordings(lang, t, "heldout")) heldAll.add(fold(w));
      }
    }
    // Generic words both splits print outside the wording tables.
    const shared = new Set(["date", "datum", "fecha", "data", "iban", "bic", "#", "pos.", "no.", "nr."]);
    for (const doc of everyCombination([6])) {
      const d = generateGrammarDocument(doc.seed, {
        family: doc.family,
        docType: doc.truth.documentType,
        locale: doc.grammarLocale,
        split: "heldout",
      });
      for (const p of d.pages)
        for (const it of p.items) {
          const t = fold(it.text);
          if (shared.has(t) || heldAll.has(t)) continue;
          expect(trainAll.has(t), `${d.template} ${d.grammarLocale}: "${it.text}"`).toBe(false);
        }
      // Party names come from the held-out vocabulary.
      const vendor = d.truth.fields.vendorName ?? "";
      const trainVendor = generateGrammarDocument(doc.seed, {
        family: doc.family,
        docType: doc.truth.documentType,
        locale: doc.grammarLocale,
      }).truth.fields.vendorName;
      if (vendor && trainVendor) expect(vendor.split(" ")[0]).not.toBe(trainVendor.split(" ")[0]);
    }
  });

  it("renders through the existing renderers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "docsift-grammar-"));
    try {
      for (const [i, family] of GRAMMAR_FAMILIES.entries()) {
        const doc = generateGrammarDocument(100 + i, { family, locale: i % 2 ? "de" : "en-GB" });
        const path = join(dir, `${family}.pdf`);
        await renderPdf(doc, path);
        expect((await readFile(path)).subarray(0, 5).toString()).toBe("%PDF-");
        const text = renderText(doc);
        const vendor = doc.truth.fields.vendorName;
        if (vendor) expect(text).toContain(vendor);
        const lines = renderPages(doc).flatMap((p) => p.lines);
        expect(lines.length).toBeGreaterThan(5);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
