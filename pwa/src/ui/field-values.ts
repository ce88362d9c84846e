import type { FieldName } from "@docsift/core";

// How a field's normalised value (ISO date, "1234.50", upper-case IBAN) reads to the person
// looking at it: amounts and dates in their own locale, IBANs in groups of four. The normalised
// value stays in the page (a <data> element's value, and its tooltip) for copying and export.

const AMOUNTS: ReadonlySet<FieldName> = new Set(["subtotal", "taxAmount", "totalAmount"]);
const DATES: ReadonlySet<FieldName> = new Set(["invoiceDate", "dueDate"]);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `value` of field `name` for display in `locale`; `currency` is the result's ISO 4217 code. */
export function displayValue(name: FieldName, value: string, locale: string, currency?: string): string {
  if (AMOUNTS.has(name)) {
    const amount = Number(value);
    if (!Number.isFinite(amount)) return value;
    if (currency) {
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
      } catch {
        // Not a code Intl knows: the number alone, its currency shown in its own row.
      }
    }
    return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
      amount,
    );
  }
  if (DATES.has(name)) {
    const m = ISO_DATE.exec(value);
    if (!m) return value;
    // A calendar date, not an instant: formatted in UTC so no time zone moves it a day.
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(date);
  }
  if (name === "iban") return value.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
  return value;
}
