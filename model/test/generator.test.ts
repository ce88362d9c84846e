import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  generateDocument,
  renderDocx,
  renderPages,
  renderPdf,
  renderPng,
  renderText,
  TEMPLATES,
} from "../src/synthetic.js";
import { labelChoices, LOCALES, LABEL_KEYS } from "../src/generator/locales.js";
import { recombinedTrainingTemplate } from "../src/generator/templates.js";
import { Prng } from "../src/generator/prng.js";

describe("synthetic document generator", () => {
  it("is deterministic: the same seed gives the same document", () => {
    for (const seed of [1, 42, 123456]) {
      expect(generateDocument(seed)).toEqual(generateDocument(seed));
      expect(generateDocument(seed, { split: "heldout" })).toEqual(
        generateDocument(seed, { split: "heldout" }),
      );
    }
    expect(renderText(generateDocument(7))).not.toEqual(renderText(generateDocument(8)));
  });

  it("label augmentation rewrites only training labels and leaves the rest of the document as it was", () => {
    let rewritten = 0;
    for (let seed = 0; seed < 40; seed++) {
      const plain = generateDocument(seed, { split: "train" });
      const noisy = generateDocument(seed, { split: "train", labelNoise: 1 });
      expect(generateDocument(seed, { split: "train", labelNoise: 1 })).toEqual(noisy);
      // Same values, truth, template and layout; only label wordings differ.
      expect(noisy.truth).toEqual(plain.truth);
      expect(noisy.template).toBe(plain.template);
      const values = (d: typeof plain): string[] =>
        d.pages.flatMap((p) => p.items.flatMap((i) => i.spans.map((s) => i.text.slice(s.start, s.end))));
      expect(values(noisy)).toEqual(values(plain));
      const texts = (d: typeof plain): string[] => d.pages.flatMap((p) => p.items.map((i) => i.text));
      const a = texts(plain);
      const b = texts(noisy);
      rewritten += a.filter((t, i) => t !== b[i]).length;
      // The held-out split ignores it.
      expect(generateDocument(seed, { split: "heldout", labelNoise: 1 })).toEqual(
        generateDocument(seed, { split: "heldout" }),
      );
    }
    expect(rewritten).toBeGreaterThan(200);
  });

  it("recombines only training block styles, and only for training documents", () => {
    const heldoutOnly = (t: { meta: string; totals: string }): boolean =>
      t.meta === "row-above" || t.totals === "above";
    const styles = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const doc = generateDocument(seed, { split: "train", recombine: 1 });
      expect(doc.template).toBe("train-recombined");
      expect(doc.truth).toEqual(generateDocument(seed, { split: "train" }).truth);
      expect(generateDocument(seed, { split: "heldout", recombine: 1 })).toEqual(
        generateDocument(seed, { split: "heldout" }),
      );
    }
    for (let i = 0; i < 500; i++) {
      const r = new Prng(i);
      const t = recombinedTrainingTemplate((xs) => r.pick(xs));
      expect(heldoutOnly(t)).toBe(false);
      styles.add(`${t.meta}/${t.totals}`);
    }
    expect(styles.size).toBeGreaterThan(1);
  });

  it("keeps held-out templates and wordings out of the training split", () => {
    const trainTemplates = new Set(TEMPLATES.filter((t) => t.split === "train").map((t) => t.id));
    for (let seed = 0; seed < 60; seed++) {
      expect(trainTemplates.has(generateDocument(seed, { split: "train" }).template)).toBe(true);
      expect(trainTemplates.has(generateDocument(seed, { split: "heldout" }).template)).toBe(false);
    }
    for (const loc of Object.values(LOCALES)) {
      for (const key of LABEL_KEYS) {
        const train = new Set(labelChoices(loc, key, "train"));
        for (const w of labelChoices(loc, key, "heldout"))
          expect(train.has(w), `${loc.id}/${key}/${w}`).toBe(false);
      }
    }
  });

  it("covers every document type it writes and every locale, and shows each truth value on a page", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 80; seed++) {
      const doc = generateDocument(seed);
      seen.add(doc.truth.documentType);
      seen.add(doc.locale);
      const text = renderText(doc);
      const vendor = doc.truth.fields.vendorName;
      if (vendor) expect(text).toContain(vendor);
      for (const page of doc.pages)
        for (const item of page.items)
          for (const s of item.spans) expect(s.end).toBeLessThanOrEqual(item.text.length);
    }
    for (const t of [
      "invoice",
      "receipt",
      "purchase_order",
      "delivery_note",
      "letter",
      "en",
      "de",
      "fr",
      "es",
    ])
      expect(seen.has(t), t).toBe(true);
  });

  it("respects the requested document type and locale", () => {
    const doc = generateDocument(5, { docType: "purchase_order", locale: "de" });
    expect(doc.truth.documentType).toBe("purchase_order");
    expect(doc.locale).toBe("de");
    expect(doc.truth.fields.invoiceNumber).toBeUndefined();
    expect(doc.truth.fields.purchaseOrderNumber).toBeDefined();
  });

  it("renders ExtractedPage objects with page-fraction coordinates in reading order", () => {
    const pages = renderPages(generateDocument(11));
    for (const p of pages) {
      p.lines.forEach((l, i) => {
        expect(l.index).toBe(i);
        expect(l.page).toBe(p.number);
        for (const v of [l.x, l.y, l.width, l.height]) expect(v >= 0 && v <= 1).toBe(true);
      });
    }
  });

  it("writes real PDF, DOCX and PNG files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "docsift-gen-"));
    try {
      const doc = generateDocument(3, { locale: "fr" });
      await renderPdf(doc, join(dir, "d.pdf"));
      await renderDocx(doc, join(dir, "d.docx"));
      expect((await readFile(join(dir, "d.pdf"))).subarray(0, 5).toString()).toBe("%PDF-");
      expect((await readFile(join(dir, "d.docx"))).subarray(0, 2).toString()).toBe("PK");
      const png = await renderPng(doc, 1);
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      await expect(renderPng(doc, 99)).rejects.toThrow(/no page 99/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
