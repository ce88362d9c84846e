import { describe, expect, it } from "vitest";
import type { TextLine } from "@docsift/core";
import { dateOrderFor, detectLanguage, documentDateOrder } from "../src/candidates/extract.js";

const page = (...texts: string[]): TextLine[] =>
  texts.map((text, index) => ({
    text,
    page: 1,
    index,
    x: 0.1,
    y: 0.05 + index * 0.02,
    width: 0.5,
    height: 0.015,
  }));

const decide = (...texts: string[]) => {
  const { order, certain } = documentDateOrder(page(...texts));
  return `${order}${certain ? "" : "?"}`;
};

describe("documentDateOrder", () => {
  it("lets the document's own unambiguous dates settle the order, whatever else it says", () => {
    expect(decide("Invoice", "Date: 03/04/2025", "Due: 17/04/2025", "Total USD 12.00")).toBe("dmy");
    expect(decide("Invoice", "Date: 03/04/2025", "Due: 04/17/2025", "Total GBP 12.00")).toBe("mdy");
    expect(decide("Rechnung", "Datum: 03-04-2025", "Fällig: 04-17-2025")).toBe("mdy");
    expect(documentDateOrder(page("Due: 17/04/2025")).evidence).toEqual(["date 17/04/2025: day first"]);
  });

  it("is not certain when the dates disagree", () => {
    expect(decide("Invoice", "Date: 13/04/2025", "Due: 04/17/2025")).toMatch(/\?$/);
  });

  it("reads English as day first unless the document is American", () => {
    expect(decide("Invoice", "Date: 03/04/2025", "Total GBP 12.00")).toBe("dmy");
    expect(decide("Invoice", "Date: 03/04/2025", "Total £12.00")).toBe("dmy");
    expect(decide("Invoice", "Date: 03/04/2025", "Total ₹1,200.00")).toBe("dmy");
    expect(decide("Invoice", "Date: 03/04/2025", "Total RM12.50")).toBe("dmy");
    expect(decide("Invoice", "Date: 03/04/2025", "Total USD 12.00")).toBe("mdy");
    expect(decide("Invoice", "Date: 03/04/2025", "Total US$ 12.00")).toBe("mdy");
    // A bare "$" is also the Canadian, Australian, … dollar: month first, but not certain.
    expect(decide("Invoice", "Date: 03/04/2025", "Total $12.00")).toBe("mdy?");
    expect(decide("Invoice", "Acme Inc., 1 Main St, Springfield, IL 62701", "Date: 03/04/2025")).toBe("mdy");
    expect(decide("Invoice", "Phone +1 (212) 555-0100", "Date: 03/04/2025")).toBe("mdy");
    expect(decide("Invoice", "Phone +44 20 7946 0958", "Date: 03/04/2025")).toBe("dmy");
    expect(decide("Invoice", "VAT Reg. No. GB 123 4567 89", "Date: 03/04/2025")).toBe("dmy");
    expect(decide("Invoice", "VAT DE123456789", "Date: 03/04/2025")).toBe("dmy");
    expect(decide("Invoice", "IBAN GB29 NWBK 6016 1331 9268 19")).toBe("dmy");
    expect(decide("Invoice", "10 Downing Street, London SW1A 2AA")).toBe("dmy");
  });

  it("reads other languages as day first", () => {
    expect(decide("Rechnung Nr. 5", "Gesamtbetrag und Datum 03/04/2025")).toBe("dmy");
    expect(decide("Factuur", "Totaal te betalen voor 03-04-2025")).toBe("dmy");
  });

  it("is not certain without evidence, or when it contradicts, and falls back on the language", () => {
    expect(decide("Invoice", "Date: 03/04/2025", "Total 12.00")).toBe("mdy?");
    // Neither a customer id (Idaho?) nor amounts after a plus are a country's marks.
    expect(decide("Invoice", "Customer ID 12345", "Date: 03/04/2025")).toBe("mdy?");
    expect(decide("Invoice", "Shipping +12.50 12.00", "Date: 03/04/2025")).toBe("mdy?");
    expect(decide("Invoice", "Tel. +1.212.555.0100", "Date: 03/04/2025")).toBe("mdy");
    expect(decide()).toBe("mdy?");
    expect(decide("Invoice", "Total USD 12.00", "IBAN DE89 3704 0044 0532 0130 00")).toBe("mdy?");
    const r = documentDateOrder(
      page("Invoice", "Total USD 12.00", "Phone +44 20 7946 0958", "VAT GB123456789"),
    );
    expect(r).toMatchObject({ order: "dmy", certain: false });
    expect(r.evidence).toEqual(
      expect.arrayContaining([
        "currency USD: month first",
        "phone +44: day first",
        "VAT id GB123456789: day first",
      ]),
    );
  });
});

describe("detectLanguage", () => {
  it.each([
    [["Invoice date: 03/04/2024", "Total due"], "en"],
    [["Rechnung Nr. 5", "Gesamtbetrag und Datum"], "de"],
    [["Facture n° 7", "Montant TTC pour le client"], "fr"],
    [["Factura n.º 9", "Importe total del pedido"], "es"],
    [["Factuur 2025-17", "Totaal bedrag incl. btw", "Vervaldatum"], "nl"],
    [["Fattura n. 7", "Totale imponibile", "Scadenza pagamento"], "it"],
    [["Fatura n.º 7", "Valor total", "Data de vencimento", "Número de contribuinte"], "pt"],
    [["Faktura VAT nr 7", "Sprzedawca", "Nabywca", "Razem do zapłaty 12,00 zł"], "pl"],
  ] as const)("%j → %s", (texts, lang) => expect(detectLanguage(page(...texts))).toBe(lang));

  it("keeps English month first by language alone, for compatibility", () => {
    expect(dateOrderFor("en")).toBe("mdy");
    expect(dateOrderFor("pt")).toBe("dmy");
  });
});
