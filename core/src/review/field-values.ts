import type { FieldName } from "../contracts/result.js";

/** A user's value for one field, checked and brought to the form the model writes. */
export type FieldValueCheck = { ok: true; value: string } | { ok: false; message: string };

export const DATE_FIELDS: readonly FieldName[] = ["invoiceDate", "dueDate"];
export const AMOUNT_FIELDS: readonly FieldName[] = ["subtotal", "taxAmount", "totalAmount"];

const MAX_TEXT = 200;

function checkDate(raw: string): FieldValueCheck {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const bad = { ok: false, message: "must be a date as YYYY-MM-DD" } as const;
  if (!m) return bad;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return bad;
  // Day 0 of the next month is the last day of this one: 2025-02-29 is refused.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return bad;
  return { ok: true, value: m[0] };
}

function checkAmount(raw: string | number): FieldValueCheck {
  const bad = { ok: false, message: "must be a number such as 1234.50" } as const;
  let n: number;
  if (typeof raw === "number") n = raw;
  else {
    // A comma is taken as the decimal separator ("1234,50"); grouping separators are not
    // guessed at: "1.234" could be either, and a wrong guess would be a silent thousandfold error.
    const t = raw.trim().replace(/\s/g, "");
    if (!/^-?\d+([.,]\d{1,2})?$/.test(t)) return bad;
    n = Number(t.replace(",", "."));
  }
  if (!Number.isFinite(n) || Math.abs(n) >= 1e13 || Math.round(n * 100) / 100 !== n) return bad;
  return { ok: true, value: n.toFixed(2) };
}

/** ISO 13616 remainder modulo 97 of a compact upper-case IBAN (1 when the checksum holds). */
function ibanMod97(iban: string): number {
  let rest = 0;
  for (let k = 0; k < iban.length; k++) {
    const ch = iban.charCodeAt((k + 4) % iban.length);
    rest = ch >= 65 && ch <= 90 ? (rest * 100 + (ch - 55)) % 97 : (rest * 10 + (ch - 48)) % 97;
  }
  return rest;
}

function checkIban(raw: string): FieldValueCheck {
  const iban = raw.replace(/[\s\u00a0-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban))
    return { ok: false, message: "must be an IBAN: country code, two check digits and the account" };
  if (ibanMod97(iban) !== 1) return { ok: false, message: "is not a valid IBAN: its checksum fails" };
  return { ok: true, value: iban };
}

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

function checkCurrency(raw: string): FieldValueCheck {
  const code = raw.trim().toUpperCase();
  return CURRENCIES.has(code)
    ? { ok: true, value: code }
    : { ok: false, message: "must be an ISO 4217 currency code such as EUR" };
}

function checkText(raw: string): FieldValueCheck {
  const text = raw.replace(/\s+/g, " ").trim();
  if (!text) return { ok: false, message: "must not be empty (mark the field absent instead)" };
  if (text.length > MAX_TEXT) return { ok: false, message: `must be at most ${MAX_TEXT} characters` };
  return { ok: true, value: text };
}

/** Checks a user's value for `field` and normalises it as the model would have. */
export function checkFieldValue(field: FieldName, raw: string | number): FieldValueCheck {
  if (AMOUNT_FIELDS.includes(field)) return checkAmount(raw);
  if (typeof raw !== "string") return { ok: false, message: "must be text" };
  if (DATE_FIELDS.includes(field)) return checkDate(raw);
  if (field === "iban") return checkIban(raw);
  if (field === "currency") return checkCurrency(raw);
  return checkText(raw);
}
