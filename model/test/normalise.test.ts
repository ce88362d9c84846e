import { describe, expect, it } from "vitest";
import { textLine } from "./helpers/text-line.js";
import {
  normaliseAmount,
  normaliseCurrency,
  normaliseDate,
  normaliseIban,
  normaliseText,
} from "../src/candidates/normalise.js";
import {
  DATE_PATTERN_HINTS,
  DATE_PATTERNS,
  detectLanguage,
  HINT,
  IBAN_PATTERN,
  lineCandidates,
  numericHints,
} from "../src/candidates/extract.js";
import { generateIban } from "../src/generator/values.js";
import { Prng } from "../src/generator/prng.js";

const line = textLine;

describe("amount normaliser", () => {
  it.each([
    ["1.234,56", "1234.56"],
    ["1,234.56", "1234.56"],
    ["1 234,56", "1234.56"],
    ["1\u202f234,56", "1234.56"],
    ["1234.56", "1234.56"],
    ["0,99", "0.99"],
    ["12.345.678,00", "12345678.00"],
    ["-45,10", "-45.10"],
  ])("%s → %s", (text, expected) => expect(normaliseAmount(text)).toBe(expected));

  it.each(["1.234.56", "12,3", "1,234,56.7", "1.234,567", "abc"])("rejects %s", (text) =>
    expect(normaliseAmount(text)).toBeNull(),
  );
});

describe("date normaliser", () => {
  it.each([
    ["12.03.2024", "dmy", "2024-03-12"],
    ["1.3.2024", "dmy", "2024-03-01"],
    ["12. März 2024", "dmy", "2024-03-12"],
    ["12 mars 2024", "dmy", "2024-03-12"],
    ["3 février 2023", "dmy", "2023-02-03"],
    ["12 de marzo de 2024", "dmy", "2024-03-12"],
    ["12/03/2024", "dmy", "2024-03-12"],
    ["12-03-2024", "dmy", "2024-03-12"],
    ["03/12/2024", "mdy", "2024-03-12"],
    ["March 12, 2024", "mdy", "2024-03-12"],
    ["12 Mar 2024", "mdy", "2024-03-12"],
    ["12-Sep-2024", "mdy", "2024-09-12"],
    ["2024-03-12", "dmy", "2024-03-12"],
    ["25/12/2024", "mdy", "2024-12-25"],
    // A month whose name begins with the Spanish "de" before a month.
    ["6. Dezember 2020", "dmy", "2020-12-06"],
    ["3 decembre 2021", "dmy", "2021-12-03"],
    ["5 de diciembre de 2020", "dmy", "2020-12-05"],
    ["12demarzo de2024", "dmy", "2024-03-12"],
  ] as const)("%s (%s) → %s", (text, order, expected) => expect(normaliseDate(text, order)).toBe(expected));

  it.each(["31.02.2024", "12 Foo 2024", "2024-13-01", "00.01.2024"])("rejects %s", (text) =>
    expect(normaliseDate(text)).toBeNull(),
  );

  it("reads the document language to order ambiguous slash dates", () => {
    expect(detectLanguage([line("Invoice date: 03/04/2024"), line("Total due")])).toBe("en");
    expect(detectLanguage([line("Rechnung Nr. 5"), line("Gesamtbetrag und Datum")])).toBe("de");
    expect(detectLanguage([line("Facture n° 7"), line("Montant TTC pour le client")])).toBe("fr");
    expect(detectLanguage([line("Factura n.º 9"), line("Importe total del pedido")])).toBe("es");
  });
});

describe("IBAN normaliser", () => {
  it("accepts valid IBANs with or without spaces and upper-cases them", () => {
    expect(normaliseIban("DE89 3704 0044 0532 0130 00")).toBe("DE89370400440532013000");
    expect(normaliseIban("gb29nwbk60161331926819")).toBe("GB29NWBK60161331926819");
  });
  it("rejects a wrong checksum and a wrong length", () => {
    expect(normaliseIban("DE89 3704 0044 0532 0130 01")).toBeNull();
    expect(normaliseIban("DE89 3704 0044 0532 0130")).toBeNull();
  });
  it("repairs OCR digit misreads only where digits are required", () => {
    expect(normaliseIban("DE89 37O4 0044 0532 Ol30 00")).toBe("DE89370400440532013000");
  });
  it("round-trips generated IBANs of every country", () => {
    const rng = new Prng(9);
    for (const c of ["DE", "FR", "ES", "GB", "CH"])
      for (let i = 0; i < 20; i++) {
        const iban = generateIban(rng, c);
        expect(normaliseIban(iban)).toBe(iban);
      }
  });
});

describe("text normaliser", () => {
  it("collapses whitespace and cuts label punctuation off the ends, keeping a trailing abbreviation dot", () => {
    expect(normaliseText(" : ACME\u00a0\u00a0Corp. ;")).toBe("ACME Corp.");
    expect(normaliseText("-Müller & Söhne GmbH-")).toBe("Müller & Söhne GmbH-");
    expect(normaliseText("·| Contoso Ltd |·")).toBe("Contoso Ltd");
    expect(normaliseText("\tNorthwind\n Traders\r\n")).toBe("Northwind Traders");
  });

  it("collapses whitespace as /\\s+/ → one space does, on any mix of spaces, tabs, breaks and Unicode spaces", () => {
    const rng = new Prng(17);
    const pieces = [
      " ",
      "  ",
      "\t",
      "\n",
      "\u00a0",
      "\u2009",
      "\u3000",
      "A",
      "cme",
      ":",
      ".",
      "-",
      "|",
      "é",
      "7",
    ];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from(
        { length: Math.floor(rng.next() * 12) },
        () => pieces[Math.floor(rng.next() * pieces.length)],
      ).join("");
      const collapsed = text.replace(/\s+/g, " ");
      let start = 0;
      let end = collapsed.length;
      while (start < end && " :;,.-·|".includes(collapsed.charAt(start))) start++;
      while (end > start && " :;,·|".includes(collapsed.charAt(end - 1))) end--;
      expect(normaliseText(text), JSON.stringify(text)).toBe(collapsed.slice(start, end));
    }
  });

  it("leaves nothing of punctuation alone, or of nothing", () => {
    expect(normaliseText(":; .")).toBe("");
    expect(normaliseText("")).toBe("");
  });
});

describe("candidates", () => {
  it("finds dates, amounts, currency, ids, IBANs and name spans in one line", () => {
    const kinds = (text: string, order: "dmy" | "mdy" = "dmy") =>
      lineCandidates(line(text), order).map((c) => `${c.kind}=${c.value}`);
    expect(kinds("Rechnungsdatum: 12.03.2024")).toContain("date=2024-03-12");
    expect(kinds("Total TTC 1 234,56 €")).toEqual(expect.arrayContaining(["amount=1234.56", "currency=EUR"]));
    expect(kinds("VAT 8.25% 12.40")).toEqual(expect.arrayContaining(["amount=12.40"]));
    expect(kinds("VAT 8.25% 12.40")).not.toContain("amount=8.25");
    expect(kinds("Invoice No.: INV-2024-0012")).toContain("id=INV-2024-0012");
    expect(kinds("IBAN: DE89 3704 0044 0532 0130 00")).toContain("iban=DE89370400440532013000");
    expect(kinds("Bill to: Nordlicht Beratung GmbH")).toContain("text=Nordlicht Beratung GmbH");
    expect(normaliseCurrency("£")).toBe("GBP");
    expect(normaliseCurrency("eur")).toBeNull();
  });
});

describe("numericHints", () => {
  // Fragments that make and break the numeric patterns, joined at random.
  const FRAGMENTS = [
    "2024",
    "12",
    "3",
    "1080",
    "20245",
    "-",
    "/",
    ".",
    ",",
    " ",
    "  ",
    "\u00a0",
    "\t",
    "de",
    "March",
    "Mär",
    "juin",
    "DE89",
    "GB",
    "O",
    "l",
    "EUR",
    "=",
    "(",
    ":",
    "Nr",
    "a",
    "Z",
    "é",
    "14,",
    "Mar 3, ",
    "2024-03-14",
    "2024-3-14",
    "14.03.2024",
    "3/14/2024",
    "1.2.",
    "12-",
    ".2024",
    "14 ",
    "-2024",
  ];

  it("never rules out a date or IBAN pattern that matches the line", () => {
    const rng = new Prng(23);
    const patterns = [
      ...DATE_PATTERNS.map((p, i) => [p, DATE_PATTERN_HINTS[i]] as const),
      [IBAN_PATTERN, HINT.iban] as const,
    ];
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(rng.next() * 8) },
        () => FRAGMENTS[Math.floor(rng.next() * FRAGMENTS.length)],
      ).join("");
      const hints = numericHints(text);
      for (const [pattern, bit] of patterns) {
        const matches = new RegExp(pattern.source, pattern.flags.replace("g", "")).test(text);
        if (matches) {
          seen.add(bit);
          expect(hints & bit, `${pattern.source} matches ${JSON.stringify(text)}`).toBe(bit);
        }
      }
    }
    // Every pattern matched some of the lines, so each bit was put to the test.
    expect([...seen].sort()).toEqual([HINT.isoDate, HINT.numericDate, HINT.namedDate, HINT.iban].sort());
  });

  it("rules out every date pattern on a line of amounts", () => {
    const hints = numericHints("Item 2.3 consulting services 9 hours at 120.00 EUR = 1080.00 EUR");
    expect(hints & (HINT.isoDate | HINT.numericDate | HINT.namedDate)).toBe(0);
    expect(hints & HINT.amount).toBe(HINT.amount);
    expect(numericHints("Due 14 March 2024") & HINT.namedDate).toBe(HINT.namedDate);
  });
});
