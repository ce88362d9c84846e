import { describe, expect, it } from "vitest";
import { displayValue, lineItemValue } from "../src/ui/field-values.js";

// Intl in Node has full ICU: the same data the browser formats with.
const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("field values as the reader's locale writes them", () => {
  it("shows amounts with the result's currency, grouped and signed as the locale does", () => {
    expect(displayValue("totalAmount", "1234.5", "en-US", "USD")).toBe("$1,234.50");
    expect(nbsp(displayValue("totalAmount", "1234.5", "de-DE", "EUR"))).toBe("1.234,50 €");
    expect(nbsp(displayValue("subtotal", "-12.5", "fr-FR", "EUR"))).toBe("-12,50 €");
    expect(displayValue("taxAmount", "1500", "ja-JP", "JPY")).toBe("￥1,500");
  });

  it("shows a bare number when the currency is unknown or not a code", () => {
    expect(displayValue("totalAmount", "1234.5", "en-GB")).toBe("1,234.50");
    expect(nbsp(displayValue("totalAmount", "1234.5", "de-DE", "€€€"))).toBe("1.234,50");
    expect(displayValue("totalAmount", "n/a", "en-GB", "EUR")).toBe("n/a");
  });

  it("shows dates in the locale's order and words, never a day off whatever the time zone", () => {
    expect(displayValue("invoiceDate", "2024-09-02", "en-GB")).toBe("2 Sept 2024");
    expect(displayValue("invoiceDate", "2024-09-02", "en-US")).toBe("Sep 2, 2024");
    expect(displayValue("dueDate", "2024-01-01", "de-DE")).toBe("01.01.2024");
    expect(displayValue("dueDate", "2024-13-01x", "de-DE")).toBe("2024-13-01x");
  });

  it("groups IBANs in fours and leaves other values as read", () => {
    expect(displayValue("iban", "DE89370400440532013000", "en")).toBe("DE89 3704 0044 0532 0130 00");
    expect(displayValue("invoiceNumber", "INV-2024-001", "de-DE")).toBe("INV-2024-001");
    expect(displayValue("currency", "EUR", "de-DE")).toBe("EUR");
  });

  it("shows the e-invoice's amount due, delivery date, service period and payment days like the others", () => {
    expect(nbsp(displayValue("amountDue", "1480.43", "de-DE", "EUR"))).toBe("1.480,43 €");
    expect(displayValue("serviceDate", "2026-11-28", "en-US")).toBe("Nov 28, 2026");
    expect(displayValue("servicePeriod", "2026-11-01/2026-11-30", "en-GB")).toBe("1 Nov 2026 – 30 Nov 2026");
    expect(displayValue("servicePeriod", "2026-11", "en-GB")).toBe("2026-11");
    expect(displayValue("paymentTermsDays", "30", "en-US")).toBe("30 days");
    expect(displayValue("paymentTermsDays", "1", "en-US")).toBe("1 day");
    expect(displayValue("vendorTaxId", "DE123456789", "de-DE")).toBe("DE123456789");
  });
});

describe("line items as the reader's locale writes them", () => {
  it("shows unit price and amount with the currency, the quantity as a number and the tax rate as a percentage", () => {
    expect(lineItemValue("unitPrice", "24.50", "en-US", "EUR")).toBe("€24.50");
    expect(nbsp(lineItemValue("amount", "1200.00", "de-DE", "EUR"))).toBe("1.200,00 €");
    expect(lineItemValue("amount", "49", "en-GB")).toBe("49.00");
    expect(lineItemValue("quantity", "2.0000", "en-US")).toBe("2");
    expect(lineItemValue("quantity", "1.5", "de-DE")).toBe("1,5");
    expect(lineItemValue("taxRate", "19.00", "en-US")).toBe("19%");
    expect(nbsp(lineItemValue("taxRate", "7.5", "de-DE"))).toBe("7,5 %");
  });

  it("names the common UN/ECE units and shows any other code, and descriptions, as read", () => {
    expect(lineItemValue("unit", "H87", "en")).toBe("piece");
    expect(lineItemValue("unit", "HUR", "en")).toBe("hour");
    expect(lineItemValue("unit", "XZZ", "en")).toBe("XZZ");
    expect(lineItemValue("description", 'Fachbuch "Brot & Steuern"', "de-DE")).toBe(
      'Fachbuch "Brot & Steuern"',
    );
    expect(lineItemValue("quantity", "two", "en")).toBe("two");
  });
});
