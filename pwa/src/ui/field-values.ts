import type { LineItemFieldName, ResultFieldName } from "@docsift/core";

// How a field's normalised value (ISO date, "1234.50", upper-case IBAN) reads to the person
// looking at it: amounts and dates in their own locale, IBANs in groups of four. The normalised
// value stays in the page (a <data> element's value, and its tooltip) for copying and export.

const AMOUNTS: ReadonlySet<ResultFieldName | LineItemFieldName> = new Set([
  "subtotal",
  "taxAmount",
  "totalAmount",
  "amountDue",
  "unitPrice",
  "amount",
]);
const DATES: ReadonlySet<ResultFieldName> = new Set(["invoiceDate", "dueDate", "serviceDate"]);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INTERVAL = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/;

function amountText(value: string, locale: string, currency: string | undefined): string {
  const amount = Number(value);
  if (!Number.isFinite(amount)) return value;
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
    } catch {
      // Not a code Intl knows: the number alone, its currency shown in its own row.
    }
  }
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

function dateText(value: string, locale: string): string {
  const m = ISO_DATE.exec(value);
  if (!m) return value;
  // A calendar date, not an instant: formatted in UTC so no time zone moves it a day.
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

/** `value` of field `name` for display in `locale`; `currency` is the result's ISO 4217 code. */
export function displayValue(
  name: ResultFieldName,
  value: string,
  locale: string,
  currency?: string,
): string {
  if (AMOUNTS.has(name)) return amountText(value, locale, currency);
  if (DATES.has(name)) return dateText(value, locale);
  if (name === "servicePeriod") {
    const m = ISO_INTERVAL.exec(value);
    return m ? `${dateText(m[1]!, locale)} – ${dateText(m[2]!, locale)}` : value;
  }
  if (name === "paymentTermsDays") {
    const days = Number(value);
    return Number.isInteger(days) ? `${days.toLocaleString(locale)} day${days === 1 ? "" : "s"}` : value;
  }
  if (name === "iban") return value.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
  return value;
}

// The UN/ECE Rec. 20 codes invoices use most (XRechnung's and Peppol's examples); any other code
// is shown as it stands.
const UNITS: Record<string, string> = {
  C62: "unit",
  H87: "piece",
  EA: "each",
  XPP: "piece",
  HUR: "hour",
  MIN: "minute",
  DAY: "day",
  WEE: "week",
  MON: "month",
  ANN: "year",
  KGM: "kg",
  GRM: "g",
  TNE: "t",
  MTR: "m",
  KMT: "km",
  MTK: "m²",
  MTQ: "m³",
  LTR: "l",
  KWH: "kWh",
  LS: "lump sum",
  SET: "set",
  PR: "pair",
  P1: "%",
};

/** A line item's part for display: amounts with the currency, quantity as a number, tax as a percentage. */
export function lineItemValue(
  name: LineItemFieldName,
  value: string,
  locale: string,
  currency?: string,
): string {
  if (AMOUNTS.has(name)) return amountText(value, locale, currency);
  const n = Number(value);
  if (name === "quantity" && Number.isFinite(n))
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(n);
  // "19 %" or "19%" as the locale writes a percentage; the rate's own digits kept (7.5 stays 7.5).
  if (name === "taxRate" && Number.isFinite(n))
    return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 4 }).format(n / 100);
  if (name === "unit") return UNITS[value.toUpperCase()] ?? value;
  return value;
}
