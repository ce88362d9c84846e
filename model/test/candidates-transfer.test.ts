// Candidate rules for documents written by others: currencies beyond EUR/USD/GBP, payment
// sentences, short numbers, negative amounts and dates in more languages.
import { describe, expect, it } from "vitest";
import { textLine } from "./helpers/text-line.js";
import { HINT, lineCandidates, markAmbiguousDates, numericHints } from "../src/candidates/extract.js";
import {
  monthNumber,
  normaliseCurrency,
  normaliseDate,
  normaliseWholeAmount,
} from "../src/candidates/normalise.js";

const line = textLine;

/** "kind=value[span]" of the non-text candidates of one line. */
const found = (text: string, order: "dmy" | "mdy" = "dmy"): string[] =>
  lineCandidates(line(text), order)
    .filter((c) => c.kind !== "text")
    .map((c) => `${c.kind}=${c.value}[${c.text}]`);

describe("currencies beyond EUR, USD and GBP", () => {
  it.each([
    ["Total ₹1,200.00", "INR", "1200.00"],
    ["Total Rs. 1,200.00", "INR", "1200.00"],
    ["Total Rs.1,200.00", "INR", "1200.00"],
    ["Amount INR 1,200.00", "INR", "1200.00"],
    ["Jumlah RM12.50", "MYR", "12.50"],
    ["Total RM 1,250.00", "MYR", "1250.00"],
    ["Total MYR 12.50", "MYR", "12.50"],
    ["Razem 1 234,50 zł", "PLN", "1234.50"],
    ["Do zapłaty: 1 234,50 PLN", "PLN", "1234.50"],
    ["Total CHF 1'234.50", "CHF", "1234.50"],
    ["Total Fr. 1'234.50", "CHF", "1234.50"],
    ["Total SFr. 1\u2019234.50", "CHF", "1234.50"],
    ["Summa 1 234,50 kr", "SEK", "1234.50"],
    ["Att betala: kr 499,00", "SEK", "499.00"],
    ["Total SEK 499,00", "SEK", "499.00"],
    ["Total NOK 499,00", "NOK", "499.00"],
    ["Total A$ 45.00", "AUD", "45.00"],
    ["Total C$45.00", "CAD", "45.00"],
    ["Total S$45.00", "SGD", "45.00"],
    ["Total NZ$45.00", "NZD", "45.00"],
    ["Total US$ 45.00", "USD", "45.00"],
    ["Total €1.234,56", "EUR", "1234.56"],
  ])("%s → %s %s", (text, code, amount) => {
    const got = found(text);
    expect(got.filter((c) => c.startsWith("currency=")).map((c) => c.split("[")[0])).toEqual([
      `currency=${code}`,
    ]);
    expect(got.map((c) => c.split("[")[0])).toContain(`amount=${amount}`);
  });

  it("takes yen amounts without decimals only where a yen marker touches them", () => {
    expect(found("合計 ¥12,500")).toEqual(["amount=12500.00[12,500]", "currency=JPY[¥]"]);
    expect(found("Total \uffe5 12,500")).toContain("amount=12500.00[12,500]");
    expect(found("合計 12.500 円")).toEqual(["amount=12500.00[12.500]", "currency=JPY[円]"]);
    expect(found("Total 12500円")).toContain("amount=12500.00[12500]");
    expect(found("Total JPY 12,500")).toContain("amount=12500.00[12,500]");
    expect(found("Total 12,500 JPY")).toContain("amount=12500.00[12,500]");
    // An ordinary integer is no amount, nor one a yen sign does not touch.
    expect(found("Qty 12500").filter((c) => c.startsWith("amount"))).toEqual([]);
    expect(found("¥ per unit, 12,500 units").filter((c) => c.startsWith("amount"))).toEqual([]);
    // With decimals the ordinary amount rule reads it.
    expect(found("¥12,500.00")).toContain("amount=12500.00[12,500.00]");
    expect(normaliseWholeAmount("1,234.567")).toBeNull();
  });

  it("does not read abbreviations inside words or without an amount as currencies", () => {
    const currencies = (text: string) => found(text).filter((c) => c.startsWith("currency="));
    expect(currencies("FIRM 12.50")).toEqual([]);
    expect(currencies("ARMS 12.50")).toEqual([]);
    expect(currencies("Mrs 12 Baker Street")).toEqual([]);
    expect(currencies("Rs are listed below")).toEqual([]);
    expect(currencies("kr")).toEqual([]);
    expect(currencies("Kontakt: kr@example.com 12")).toEqual([]);
    expect(currencies("Fr. 12.03.2025 geöffnet")).toEqual([]);
    expect(currencies("Hr. Frank 12.50")).toEqual([]);
    expect(currencies("Zusatz: Fr. Müller")).toEqual([]);
    expect(normaliseCurrency("rs")).toBeNull();
    expect(normaliseCurrency("eur")).toBeNull();
    expect(normaliseCurrency("₹")).toBe("INR");
    expect(normaliseCurrency("円")).toBe("JPY");
  });
});

describe("amounts", () => {
  it("keeps a zero amount", () => {
    expect(found("Discount 0.00")).toContain("amount=0.00[0.00]");
    expect(found("Rabatt 0,00 €")).toContain("amount=0.00[0,00]");
  });

  it("reads amounts in parentheses and with a trailing minus as negative", () => {
    expect(found("Credit (12.50)")).toEqual(["amount=-12.50[(12.50)]"]);
    expect(found("Credit ($1,212.50)")).toEqual(["amount=-1212.50[($1,212.50)]", "currency=USD[$]"]);
    expect(found("STORNO 12.50-")).toEqual(["amount=-12.50[12.50-]"]);
    expect(found("Gutschrift \u221212,50")).toEqual(["amount=-12.50[\u221212,50]"]);
    // A range is no negative amount, nor a minus before the amount read twice.
    expect(found("12.50-15.00").map((c) => c.split("[")[0])).not.toContain("amount=-12.50");
    expect(found("Rabatt -12,50")).toContain("amount=-12.50[-12,50]");
  });
});

describe("payment sentences and blocks", () => {
  it.each([
    ["Please pay to IBAN: DE89 3704 0044 0532 0130 00, BIC: COBADEFFXXX.", "DE89 3704 0044 0532 0130 00"],
    ["IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX", "DE89 3704 0044 0532 0130 00"],
    [
      "Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00 bei der Commerzbank",
      "DE89 3704 0044 0532 0130 00",
    ],
    ["IBAN: DE 89 3704 0044 0532 0130 00 bei Commerzbank", "DE 89 3704 0044 0532 0130 00"],
    ["IBAN:DE8937 0400 4405 3201 3000 BIC COBADEFFXXX", "DE8937 0400 4405 3201 3000"],
    ["IBAN  GB29 NWBK 6016 1331 9268 19  Sort code 60-16-13", "GB29 NWBK 6016 1331 9268 19"],
  ])("%s", (text, span) => {
    const ibans = lineCandidates(line(text), "dmy").filter((c) => c.kind === "iban");
    expect(ibans.map((c) => c.text)).toEqual([span]);
    expect(ibans[0]!.value).toBe(span.replace(/\s/g, ""));
  });

  it.each([
    ["Payable by 17.03.2025 to the account below.", "2025-03-17"],
    ["Please pay by March 17, 2025.", "2025-03-17"],
    ["Payment due on the 17th March 2025", "2025-03-17"],
    ["Zahlbar bis zum 17. März 2025 ohne Abzug.", "2025-03-17"],
    ["À régler avant le 17/03/2025.", "2025-03-17"],
    ["Pagadero antes del 17 de marzo de 2025.", "2025-03-17"],
    ["Te betalen vóór 17 maart 2025.", "2025-03-17"],
    ["Da pagare entro il 17 marzo 2025.", "2025-03-17"],
    ["A pagar até 17 de março de 2025.", "2025-03-17"],
    ["Termin płatności: 17 marca 2025 r.", "2025-03-17"],
    ["Échéance : 1er avril 2025", "2025-04-01"],
  ])("%s has the due date %s", (text, iso) => {
    expect(
      lineCandidates(line(text), "dmy")
        .filter((c) => c.kind === "date")
        .map((c) => c.value),
    ).toEqual([iso]);
  });
});

describe("short numbers", () => {
  it.each([
    ["Invoice No. 7", "7"],
    ["Invoice 27", "27"],
    ["Rechnung Nr. 27", "27"],
    ["Rechnung 27", "27"],
    ["Factura nº 7", "7"],
    ["Facture N°7", "7"],
    ["Facture N° 12", "12"],
    ["Invoice #7", "7"],
    ["Fattura n. 7", "7"],
    ["Factuur: 27", "27"],
  ])("%s → id %s", (text, id) => {
    expect(found(text)).toContain(`id=${id}[${id}]`);
  });

  it("leaves short numbers without a marker alone", () => {
    for (const text of ["Qty 7", "Page 2 of 3", "7", "Total 27 items"])
      expect(found(text).filter((c) => c.startsWith("id="))).toEqual([]);
  });

  it("still reads long glued numbers", () => {
    expect(found("Facture N°12345")).toContain("id=12345[12345]");
    expect(found("Invoice No.: INV-2024-0012")).toContain("id=INV-2024-0012[INV-2024-0012]");
  });
});

describe("month names", () => {
  it.each([
    ["maart", 3],
    ["mrt.", 3],
    ["mei", 5],
    ["oktober", 10],
    ["gennaio", 1],
    ["giugno", 6],
    ["dicembre", 12],
    ["fevereiro", 2],
    ["março", 3],
    ["out.", 10],
    ["dezembro", 12],
    ["stycznia", 1],
    ["października", 10],
    ["grudzień", 12],
    ["Sept.", 9],
    ["févr.", 2],
  ] as const)("%s → %i", (word, month) => expect(monthNumber(word)).toBe(month));

  it("leaves clashing stems unread", () => expect(monthNumber("jui")).toBeUndefined());

  it.each([
    ["17 maart 2025", "2025-03-17"],
    ["17 mrt. 2025", "2025-03-17"],
    ["17 settembre 2025", "2025-09-17"],
    ["17 de setembro de 2025", "2025-09-17"],
    ["17 października 2025", "2025-10-17"],
    ["March 17th, 2025", "2025-03-17"],
    ["1st April 2025", "2025-04-01"],
  ])("%s → %s", (text, iso) => {
    expect(normaliseDate(text)).toBe(iso);
    expect(found(text)).toContain(`date=${iso}[${text}]`);
  });
});

describe("ambiguous dates", () => {
  const dates = (text: string, certain: boolean) =>
    lineCandidates(line(text), "dmy", certain)
      .filter((c) => c.kind === "date")
      .map((c) => [c.value, c.ambiguous === true]);

  it("marks dates that read both ways when the order is not certain, keeping the best reading", () => {
    expect(dates("Date 03/04/2025", false)).toEqual([["2025-04-03", true]]);
    expect(dates("Date 03-04-2025", false)).toEqual([["2025-04-03", true]]);
    expect(dates("Date 03/04/2025", true)).toEqual([["2025-04-03", false]]);
    expect(dates("Date 17/04/2025", false)).toEqual([["2025-04-17", false]]);
    expect(dates("Date 04/04/2025", false)).toEqual([["2025-04-04", false]]);
    expect(dates("Datum 03.04.2025", false)).toEqual([["2025-04-03", false]]);
    expect(dates("Date 3 April 2025", false)).toEqual([["2025-04-03", false]]);
  });

  it("marks the candidates of a page afterwards as well", () => {
    const cs = lineCandidates(line("Issued 03/04/2025, due 2025-05-03"), "mdy");
    expect(cs.some((c) => c.ambiguous)).toBe(false);
    markAmbiguousDates(cs);
    expect(cs.filter((c) => c.ambiguous).map((c) => c.value)).toEqual(["2025-03-04"]);
  });
});

describe("hints for the new rules", () => {
  it("sets the yen and IBAN-label bits only where their rules can match", () => {
    expect(numericHints("合計 ¥12,500") & HINT.yen).toBe(HINT.yen);
    expect(numericHints("12.500 円") & HINT.yen).toBe(HINT.yen);
    expect(numericHints("Total JPY 12500") & HINT.yen).toBe(HINT.yen);
    expect(numericHints("Total EUR 12500") & HINT.yen).toBe(0);
    expect(numericHints("IBAN: DE 89 3704") & HINT.ibanLabel).toBe(HINT.ibanLabel);
    expect(numericHints("Iban DE 89 3704") & HINT.ibanLabel).toBe(0);
  });
});

describe("year-first dates", () => {
  it("reads 2024/04/07 and 2024.04.07 as year, month, day, and leaves amounts alone", () => {
    const line = (text: string) => ({ text, page: 1, index: 0, x: 0, y: 0, width: 1, height: 0.01 });
    const dates = (text: string) =>
      lineCandidates(line(text), "mdy")
        .filter((c) => c.kind === "date")
        .map((c) => c.value);
    expect(dates("Date: 2024/04/07")).toEqual(["2024-04-07"]);
    expect(dates("Datum 2024.4.7")).toEqual(["2024-04-07"]);
    expect(dates("Due: 2024-04-21")).toEqual(["2024-04-21"]);
    expect(dates("Total 1234.56")).toEqual([]);
    expect(dates("2024/13/07")).toEqual([]);
  });
});
