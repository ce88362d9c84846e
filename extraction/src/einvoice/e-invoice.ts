import type { EInvoiceSyntax, LineItemFieldName, ResultFieldName } from "@docsift/core";

/** A value as normalised for the result, with the text the XML holds for it. */
export interface EInvoiceValue {
  value: string;
  sourceText: string;
}

export type EInvoiceLine = Partial<Record<LineItemFieldName, EInvoiceValue>>;

/** What an e-invoice's XML states: every value exact, nothing inferred, absent when not stated. */
export interface EInvoice {
  syntax: EInvoiceSyntax;
  documentType: "invoice" | "credit_note";
  fields: Partial<Record<ResultFieldName, EInvoiceValue>>;
  lineItems: EInvoiceLine[];
  /** Characters of text in the XML (binary attachments excluded). */
  characters: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * A money amount as the result writes it: two decimals, more only where they are not zeros (a
 * unit price of "0.3750" is "0.375", "1200.0000" is "1200.00"), no "+" or leading zeros.
 */
export function amount(raw: string | undefined): EInvoiceValue | undefined {
  const m = raw === undefined ? null : DECIMAL.exec(raw.trim());
  if (!m) return undefined;
  const whole = m[2]!.replace(/^0+(?=\d)/, "");
  const fraction = (m[3] ?? "").replace(/0+$/, "").padEnd(2, "0");
  return { value: `${m[1] === "-" ? "-" : ""}${whole}.${fraction}`, sourceText: raw!.trim() };
}

/** A quantity or a percentage: trailing zeros dropped ("2.0000" → "2", "19.00" → "19"). */
export function decimal(raw: string | undefined): EInvoiceValue | undefined {
  const m = raw === undefined ? null : DECIMAL.exec(raw.trim());
  if (!m) return undefined;
  const whole = m[2]!.replace(/^0+(?=\d)/, "");
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  return {
    value: `${m[1] === "-" ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`,
    sourceText: raw!.trim(),
  };
}

/** An ISO date from UBL's "YYYY-MM-DD" or CII's format 102 "YYYYMMDD"; undefined if not a real day. */
export function isoDate(raw: string | undefined): EInvoiceValue | undefined {
  const m = raw === undefined ? null : /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return { value: `${m[1]}-${m[2]}-${m[3]}`, sourceText: raw!.trim() };
}

/** Codes and identifiers (currency, country, IBAN, BIC, tax ids): upper-case, no spaces. */
export function code(raw: string | undefined): EInvoiceValue | undefined {
  const value = raw?.replace(/\s+/g, "").toUpperCase();
  return value ? { value, sourceText: raw!.trim() } : undefined;
}

/** Free text (names, descriptions, payment terms): whitespace runs collapsed. */
export function text(raw: string | undefined): EInvoiceValue | undefined {
  const value = raw?.replace(/\s+/g, " ").trim();
  return value ? { value, sourceText: raw!.trim() } : undefined;
}

/** An address from its printed parts, in order, joined with ", ". */
export function address(parts: Array<string | undefined>): EInvoiceValue | undefined {
  const kept = parts.map((p) => p?.replace(/\s+/g, " ").trim()).filter((p): p is string => !!p);
  if (kept.length === 0) return undefined;
  return { value: kept.join(", "), sourceText: kept.join("\n") };
}

/** ISO 8601 interval of two dates; one side alone is no period. */
export function period(start: string | undefined, end: string | undefined): EInvoiceValue | undefined {
  const from = isoDate(start);
  const to = isoDate(end);
  if (!from || !to) return undefined;
  return { value: `${from.value}/${to.value}`, sourceText: `${from.sourceText} – ${to.sourceText}` };
}

/**
 * The days stated in payment terms ("30 days net", "zahlbar innerhalb 14 Tagen", "Net 30"),
 * only when the text says them; never computed from the dates.
 */
export function termDays(terms: string | undefined): EInvoiceValue | undefined {
  if (!terms) return undefined;
  const m =
    /(\d{1,3})\s*(?:days?|tage?n?|jours?|dagen|giorni|d[ií]as)\b/i.exec(terms) ??
    /\b(?:net|netto|n)\s*(\d{1,3})\b/i.exec(terms);
  if (!m) return undefined;
  return { value: String(Number(m[1])), sourceText: m[0] };
}

/** The CII/UBL type codes of credit notes (UNTDID 1001: 381 credit note, 396 factored, 532 forwarder's). */
export const CREDIT_NOTE_TYPE_CODES = new Set(["381", "396", "532"]);

/** Keeps only the entries that are set. */
export function defined<K extends string>(
  entries: Record<K, EInvoiceValue | undefined>,
): Partial<Record<K, EInvoiceValue>> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Partial<
    Record<K, EInvoiceValue>
  >;
}
