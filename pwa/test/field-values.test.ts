import { describe, expect, it } from "vitest";
import { displayValue } from "../src/ui/field-values.js";

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
});
