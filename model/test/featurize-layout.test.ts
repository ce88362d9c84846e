import { describe, expect, it } from "vitest";
import type { ExtractedPage, PageSource, TextLine } from "@docsift/core";
import { featurizePage, type PageFeatures } from "../src/features/featurize.js";
import { fnv, FNV_OFFSET, fnvShape, hashToken, shape } from "../src/features/hash.js";
import { Prng } from "../src/generator/prng.js";
import { DENSE_SIZE, FEATURE_SPEC } from "../src/features/spec.js";
import { generateDocument } from "../src/generator/generate.js";
import { renderPages } from "../src/render/pages.js";

type LineSpec = Partial<TextLine> & { text: string; x: number; y: number };

/** A page of lines at the given places, 9 pt regular unless said; height from the font size as the readers give it. */
function page(specs: readonly LineSpec[], source: PageSource = "text-layer", number = 1): ExtractedPage {
  return {
    number,
    source,
    lines: specs.map((s, index) => ({
      page: number,
      index,
      width: Math.min(0.9 - s.x, (s.text.length * (s.fontSize ?? 9) * 0.5) / 595),
      height: ((s.fontSize ?? 9) * 1.2) / 842,
      fontSize: 9,
      bold: false,
      ...s,
    })),
  };
}

const dense = (f: PageFeatures, row: number, name: (typeof FEATURE_SPEC.dense)[number]): number =>
  f.dense[row * DENSE_SIZE + FEATURE_SPEC.dense.indexOf(name)] as number;

const tokens = (f: PageFeatures, row: number): number[] =>
  Array.from(f.idx.subarray(row * FEATURE_SPEC.slots, row * FEATURE_SPEC.slots + (f.widths[row] as number)));

const has = (f: PageFeatures, row: number, token: string): boolean =>
  tokens(f, row).includes(hashToken(token, FEATURE_SPEC.hashBuckets));

/** The row of the text candidate that is `text`. */
function textRow(f: PageFeatures, text: string): number {
  const i = f.candidates.findIndex((c) => c.kind === "text" && c.text === text);
  if (i === -1)
    throw new Error(`no text candidate "${text}" in ${f.candidates.map((c) => c.text).join(" | ")}`);
  return i;
}

const LETTERHEAD: LineSpec[] = [
  { text: "ACME", x: 0.08, y: 0.04, fontSize: 24, bold: true },
  { text: "Acme Trading Sdn Bhd", x: 0.08, y: 0.08, fontSize: 20, bold: true },
  { text: "Jalan Ampang 12, Kuala Lumpur", x: 0.08, y: 0.11 },
  { text: "Bill to:", x: 0.08, y: 0.2, bold: true },
  { text: "Maria Schmidt", x: 0.08, y: 0.215 },
  { text: "Schmidt Logistik GmbH", x: 0.08, y: 0.23 },
  { text: "maria.schmidt@schmidt-logistik.de", x: 0.08, y: 0.245 },
  { text: "Customer:", x: 0.55, y: 0.3 },
  { text: "Northwind Traders", x: 0.7, y: 0.3 },
  { text: "Invoice total", x: 0.55, y: 0.6 },
  { text: "Managing director Ahmad Tan", x: 0.08, y: 0.92, fontSize: 7 },
  { text: "Tel. +49 30 1234567", x: 0.08, y: 0.932, fontSize: 7 },
];

describe("featurizePage layout features (spec v6)", () => {
  it("is spec v6 with the font, x-centre and first-block dense features", () => {
    expect(FEATURE_SPEC.version).toBe(6);
    for (const name of ["fontKnown", "fontSizeRelMedian", "isLargestFont", "fontTop3OnFirstPage", "bold"])
      expect(FEATURE_SPEC.dense).toContain(name);
    expect(FEATURE_SPEC.dense).toContain("xCentre");
    expect(FEATURE_SPEC.dense).toContain("inFirstBlockTop15");
  });

  it("gives a bold 20 pt line a higher relative size than 9 pt lines, and marks it bold and in the top sizes", () => {
    const f = featurizePage(page(LETTERHEAD), "dmy");
    const big = textRow(f, "Acme Trading Sdn Bhd");
    const small = textRow(f, "Invoice total");
    expect(dense(f, big, "fontKnown")).toBe(1);
    expect(dense(f, big, "fontSizeRelMedian")).toBeGreaterThan(dense(f, small, "fontSizeRelMedian"));
    expect(dense(f, small, "fontSizeRelMedian")).toBeCloseTo(1 / 3, 5);
    expect(dense(f, big, "bold")).toBe(1);
    expect(dense(f, small, "bold")).toBe(0);
    expect(dense(f, big, "fontTop3OnFirstPage")).toBe(1);
    expect(dense(f, small, "fontTop3OnFirstPage")).toBe(0);
    expect(dense(f, textRow(f, "ACME"), "isLargestFont")).toBe(1);
    expect(dense(f, big, "isLargestFont")).toBe(0);
    // The letterhead is the first block; the customer's block further down is not.
    expect(dense(f, big, "inFirstBlockTop15")).toBe(1);
    expect(dense(f, textRow(f, "Maria Schmidt"), "inFirstBlockTop15")).toBe(0);
    // x-centre of the candidate: a right-hand value sits right of a left-hand one.
    expect(dense(f, textRow(f, "Northwind Traders"), "xCentre")).toBeGreaterThan(0.7);
    expect(dense(f, big, "xCentre")).toBeLessThan(0.3);
  });

  it("leaves the font features neutral where the reader gives no size (OCR, flowed text)", () => {
    for (const source of ["ocr", "docx", "plain-text"] as const) {
      const f = featurizePage(page(LETTERHEAD, source), "dmy");
      const big = textRow(f, "Acme Trading Sdn Bhd");
      expect(dense(f, big, "fontKnown")).toBe(0);
      expect(dense(f, big, "fontSizeRelMedian")).toBeCloseTo(1 / 3, 5);
      expect(dense(f, big, "bold")).toBe(0);
      expect(dense(f, big, "isLargestFont")).toBe(0);
    }
    const unsized = page(LETTERHEAD.map(({ fontSize: _f, bold: _b, ...l }) => l));
    const f = featurizePage(unsized, "dmy");
    expect(dense(f, textRow(f, "Acme Trading Sdn Bhd"), "fontSizeRelMedian")).toBeCloseTo(1 / 3, 5);
  });

  it("marks a legal-entity suffix, a person's name, a brand above a legal name and an e-mail", () => {
    const f = featurizePage(page(LETTERHEAD), "dmy");
    const acme = textRow(f, "Acme Trading Sdn Bhd");
    const total = textRow(f, "Invoice total");
    const maria = textRow(f, "Maria Schmidt");
    const schmidt = textRow(f, "Schmidt Logistik GmbH");
    expect(has(f, acme, "nm:legal")).toBe(true);
    expect(has(f, schmidt, "nm:legal")).toBe(true);
    expect(has(f, total, "nm:legal")).toBe(false);
    expect(has(f, maria, "nm:legal")).toBe(false);
    expect(has(f, maria, "nm:person")).toBe(true);
    expect(has(f, acme, "nm:person")).toBe(false);
    expect(has(f, schmidt, "nm:person")).toBe(false);
    expect(has(f, textRow(f, "ACME"), "nm:all-caps")).toBe(true);
    // The logo word above the legal name, and the legal name under it.
    expect(has(f, textRow(f, "ACME"), "nm:brand-above-legal")).toBe(true);
    expect(has(f, acme, "nm:legal-under-brand")).toBe(true);
    expect(has(f, total, "nm:brand-above-legal")).toBe(false);
    // The company name is spelt by the e-mail's domain, the person's by its local part; the line
    // above the e-mail is next to one.
    expect(has(f, schmidt, "nm:domain-name")).toBe(true);
    expect(has(f, schmidt, "nm:domain-word")).toBe(true);
    expect(has(f, maria, "nm:local-word")).toBe(true);
    expect(has(f, total, "nm:domain-word")).toBe(false);
    expect(has(f, schmidt, "ct:near:email")).toBe(true);
    expect(has(f, acme, "ct:near:email")).toBe(false);
    expect(has(f, textRow(f, "maria.schmidt@schmidt-logistik.de"), "ct:self:email")).toBe(true);
    // Where it sits: the address window, the top band, the footer.
    expect(has(f, maria, "pos:address-window")).toBe(true);
    expect(has(f, acme, "pos:address-window")).toBe(false);
    expect(has(f, acme, "pos:top20")).toBe(true);
    expect(has(f, acme, "pos:first-block")).toBe(true);
    expect(has(f, total, "pos:top20")).toBe(false);
  });

  it("finds a phone number next to a name and gives the footer its position", () => {
    const f = featurizePage(page(LETTERHEAD), "dmy");
    const director = textRow(f, "Managing director Ahmad Tan");
    expect(has(f, director, "ct:near:phone")).toBe(true);
    expect(has(f, director, "pos:footer")).toBe(true);
    expect(has(f, textRow(f, "Invoice total"), "ct:near:phone")).toBe(false);
    // Dates, amounts and identifiers with many digits are no phone numbers.
    const g = featurizePage(
      page([
        { text: "Invoice date 01.03.2024 number 2024000123", x: 0.1, y: 0.3 },
        { text: "Northwind Traders", x: 0.1, y: 0.315 },
        { text: "Total 1 234 567,00 EUR", x: 0.1, y: 0.33 },
      ]),
      "dmy",
    );
    expect(has(g, textRow(g, "Northwind Traders"), "ct:near:phone")).toBe(false);
  });

  it("reads legal suffixes written with dots and spaces, and not words that only look like one", () => {
    const names = [
      "Muster S.A.",
      "Foo Holding B.V.",
      "Bar Trade Sp. z o.o.",
      "Baz GmbH & Co. KG",
      "Rossi Costruzioni S.r.l.",
      "Kowalski e.K.",
      "Tata Services Pvt. Ltd.",
      "Nordic Paper Oy",
      "Volvo Parts AB",
    ];
    const notNames = ["Invoice total", "Payable as agreed", "Delivery ab Lager", "Bank details"];
    const lines = [...names, ...notNames].map((text, i) => ({ text, x: 0.1, y: 0.3 + i * 0.03 }));
    const f = featurizePage(page(lines), "dmy");
    for (const n of names) expect([n, has(f, textRow(f, n), "nm:legal")]).toEqual([n, true]);
    for (const n of notNames) expect([n, has(f, textRow(f, n), "nm:legal")]).toEqual([n, false]);
  });

  it("gives a value its label to the left on the row and directly above as separate groups", () => {
    const f = featurizePage(page(LETTERHEAD), "dmy");
    const right = textRow(f, "Northwind Traders");
    expect(has(f, right, "lrok:text")).toBe(true);
    expect(has(f, right, "lro:customer")).toBe(true);
    expect(has(f, right, "lbek:text")).toBe(false);
    const below = textRow(f, "Maria Schmidt");
    expect(has(f, below, "lbek:text")).toBe(true);
    expect(has(f, below, "lbe:bill")).toBe(true);
    expect(has(f, below, "lrok:text")).toBe(false);
    // Too far below its label (more than two line heights of gap) is no longer "below" it.
    const far = featurizePage(
      page([
        { text: "Bill to:", x: 0.1, y: 0.2 },
        { text: "Maria Schmidt", x: 0.1, y: 0.26 },
      ]),
      "dmy",
    );
    expect(has(far, textRow(far, "Maria Schmidt"), "lbek:text")).toBe(false);
  });

  it("takes size and weight from synthetic pages, as a text layer gives them", () => {
    const pages = renderPages(generateDocument(3, { split: "train" }));
    const lines = pages.flatMap((p) => p.lines);
    expect(lines.every((l) => typeof l.fontSize === "number" && l.fontSize > 0)).toBe(true);
    expect(lines.some((l) => l.bold === true)).toBe(true);
    expect(lines.some((l) => l.bold === false)).toBe(true);
  });
});

describe("fnvShape", () => {
  it("hashes a text's shape as hashing shape(text) does", () => {
    const rng = new Prng(11);
    const alphabet = "aZ09 -./:#€éÄ\t😀xyzXYZ";
    const texts = ["", "INV-2024-0012", "Acme Trading Sdn Bhd", "   ", "1.234,56 EUR", "Größe", "a😀b"];
    for (let i = 0; i < 5000; i++) {
      let t = "";
      const n = Math.floor(rng.next() * 30);
      for (let j = 0; j < n; j++) t += [...alphabet][Math.floor(rng.next() * [...alphabet].length)];
      texts.push(t);
    }
    for (const t of texts) expect([t, fnvShape(FNV_OFFSET, t)]).toEqual([t, fnv(FNV_OFFSET, shape(t))]);
  });
});

describe("label concepts (spec v6)", () => {
  /** The buckets of the id candidate "48213" after the label `label` on its left. */
  const idTokens = (label: string): Set<number> => {
    const f = featurizePage(page([{ text: `${label} 48213`, x: 0.1, y: 0.2 }]), "dmy");
    const row = f.candidates.findIndex((c) => c.kind === "id" && c.text === "48213");
    expect(row, `id candidate after "${label}"`).toBeGreaterThanOrEqual(0);
    return new Set(tokens(f, row));
  };
  const shared = (a: Set<number>, b: Set<number>): number => [...a].filter((t) => b.has(t)).length;

  it("gives a label in another language the tokens of the same meaning", () => {
    const english = idTokens("Invoice No.:");
    const french = idTokens("N° de facture :");
    const phone = idTokens("Telefon:");
    // document + number: the concept tokens and their set, which a phone label does not carry.
    expect(shared(english, french)).toBeGreaterThan(shared(english, phone) + 2);
  });
});
