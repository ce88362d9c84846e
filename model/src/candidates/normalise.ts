import { MONTH_WORD, monthNumber } from "./months.js";

export { monthNumber } from "./months.js";

export type DateOrder = "dmy" | "mdy";

const AMOUNT_REWRITE = /[\s\u00a0\u202f'\u2019]/;
const AMOUNT_REWRITE_ALL = /[\s\u00a0\u202f'\u2019]/g;
const AMOUNT_SHAPE = /^(-)?(\d{1,3}(?:[., ]\d{3})*|\d+)([.,])(\d{2})$/;

/** "1.234,56", "1,234.56", "1 234,56", "1234.56" → "1234.56"; null when it is not an amount with cents. */
export function normaliseAmount(text: string): string | null {
  // Most amounts hold no space or apostrophe; they skip the rewrite (and the trim, which \s covers).
  const t = AMOUNT_REWRITE.test(text)
    ? text.replace(AMOUNT_REWRITE_ALL, (m) => (m === "'" || m === "\u2019" ? "," : " ")).trim()
    : text;
  const m = AMOUNT_SHAPE.exec(t);
  if (!m) return null;
  const [, sign, whole = "", dec, cents] = m;
  // One grouping separator at most, and not the decimal one: "1.234,56" but not "1.234.56" as
  // 1234.56 nor "1,234 567.00". Read in one pass; most amounts have no separator at all.
  let separator = -1;
  for (let i = 0; i < whole.length; i++) {
    const c = whole.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (separator === -1) separator = c;
    else if (c !== separator) return null;
  }
  if (separator === (dec as string).charCodeAt(0)) return null;
  const digits = separator === -1 ? whole : whole.split(String.fromCharCode(separator)).join("");
  return `${sign ?? ""}${String(Number(digits))}.${cents}`;
}

const WHOLE_SHAPE = /^(-)?(\d{1,3}(?:([.,\u00a0\u202f' \u2019])\d{3})(?:\3\d{3})*|\d+)$/;

/**
 * An amount printed without a decimal part, as yen amounts are ("12,500", "12.500", "12 500")
 * → "12500.00"; null when the grouping is irregular. Only for a number a yen marker touches: an
 * ordinary integer is no amount.
 */
export function normaliseWholeAmount(text: string): string | null {
  const m = WHOLE_SHAPE.exec(text.trim());
  if (!m) return null;
  const [, sign, whole = ""] = m;
  let digits = "";
  for (const ch of whole) if (ch >= "0" && ch <= "9") digits += ch;
  return `${sign ?? ""}${String(Number(digits))}.00`;
}

const pad = (n: number): string => String(n).padStart(2, "0");

export function isoFromParts(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

const NUMERIC_DATE = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/;
const ISO_DATE = /^(\d{4})(?:-(\d{2})-(\d{2})|\/(\d{1,2})\/(\d{1,2})|\.(\d{1,2})\.(\d{1,2}))$/;
// An English ordinal ("17th March") or the French "1er" may follow the day.
const DAY_MONTH_YEAR = new RegExp(
  String.raw`^(\d{1,2})(?:st|nd|rd|th|er)?(?:\.\s*|\s*-\s*|\s*)(?:(de)(\s*))?(${MONTH_WORD})\.?(?:\s*de\s*|\s*-\s*|\s*)(\d{4})$`,
  "iu",
);
const MONTH_DAY_YEAR = new RegExp(
  String.raw`^(${MONTH_WORD})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})$`,
  "iu",
);

/**
 * Whether a numeric date reads two ways: "/" or "-" separated, day and month both ≤ 12 and
 * different ("03/04/2025"). Dotted dates are read day first whatever the order, so they are not.
 */
export function isAmbiguousNumericDate(text: string): boolean {
  const m = NUMERIC_DATE.exec(text.trim());
  if (!m || text.trim()[m[1]!.length] === ".") return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a <= 12 && b <= 12 && a !== b;
}

/**
 * A date in any of the supported spellings → ISO 8601. Slash dates whose day and month are both ≤ 12
 * are read in `order` (the document's locale: month first for English, day first otherwise).
 */
export function normaliseDate(text: string, order: DateOrder = "dmy"): string | null {
  const t = text.trim();
  let m = ISO_DATE.exec(t);
  // Year first is always year, month, day.
  if (m) return isoFromParts(Number(m[1]), Number(m[2] ?? m[4] ?? m[6]), Number(m[3] ?? m[5] ?? m[7]));
  m = NUMERIC_DATE.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    const sep = t[m[1]!.length];
    // Dotted dates are always day first; slash dates follow the locale unless a part exceeds 12.
    if (sep === "." || a > 12) return isoFromParts(y, b, a);
    if (b > 12) return isoFromParts(y, a, b);
    return order === "mdy" ? isoFromParts(y, a, b) : isoFromParts(y, b, a);
  }
  m = DAY_MONTH_YEAR.exec(t);
  if (m) {
    // The Spanish "de" before the month also begins "Dezember" (and "decembre" once OCR drops the
    // accent): when what follows it is no month, the "de" belongs to the month's name.
    const month = monthNumber(m[4] as string) ?? (m[2] && !m[3] ? monthNumber(`${m[2]}${m[4]}`) : undefined);
    return month ? isoFromParts(Number(m[5]), month, Number(m[1])) : null;
  }
  m = MONTH_DAY_YEAR.exec(t);
  if (m) {
    const month = monthNumber(m[1] as string);
    return month ? isoFromParts(Number(m[3]), month, Number(m[2])) : null;
  }
  return null;
}

const IBAN_LENGTHS: Record<string, number> = {
  DE: 22,
  FR: 27,
  ES: 24,
  GB: 22,
  CH: 21,
  AT: 20,
  NL: 18,
  BE: 16,
  IT: 27,
  PT: 25,
  LU: 20,
  IE: 22,
  PL: 28,
  SE: 24,
  NO: 15,
  DK: 18,
  FI: 18,
  CZ: 24,
  SK: 24,
  HU: 28,
  RO: 24,
  GR: 27,
  HR: 21,
  SI: 19,
  LI: 21,
  MC: 27,
};

/** How long an IBAN of a country is, where known. */
export const ibanLength = (country: string): number | undefined => IBAN_LENGTHS[country];
const DIGIT_FIXES: Record<string, string> = {
  O: "0",
  o: "0",
  I: "1",
  l: "1",
  i: "1",
  S: "5",
  B: "8",
  Z: "2",
  G: "6",
};

/** Remainder of an IBAN (compact, upper case) modulo 97, as ISO 13616 computes it: 1 when valid. */
function ibanMod97(iban: string): number {
  let rest = 0;
  for (let k = 0; k < iban.length; k++) {
    const ch = iban.charCodeAt((k + 4) % iban.length);
    if (ch >= 65 && ch <= 90) rest = (rest * 100 + (ch - 55)) % 97;
    else rest = (rest * 10 + (ch - 48)) % 97;
  }
  return rest;
}

export const isValidIban = (iban: string): boolean =>
  /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) &&
  (IBAN_LENGTHS[iban.slice(0, 2)] ?? iban.length) === iban.length &&
  ibanMod97(iban) === 1;

/**
 * Compact upper-case IBAN when the checksum holds. Misread digits (O for 0, l for 1) in positions
 * that must be numeric are repaired first, because the OCR path produces them.
 */
export function normaliseIban(text: string): string | null {
  const compact = text.replace(/[\s\u00a0-]/g, "");
  const upper = compact.toUpperCase();
  if (isValidIban(upper)) return upper;
  const country = upper.slice(0, 2);
  const digitsOnlyBban = ["DE", "ES", "AT", "PL", "BE", "CH", "PT"].includes(country);
  const repaired =
    country +
    [...compact.slice(2)]
      .map((ch, i) => (i < 2 || digitsOnlyBban ? (DIGIT_FIXES[ch] ?? ch) : ch))
      .join("")
      .toUpperCase();
  return isValidIban(repaired) ? repaired : null;
}

export const CURRENCY_CODES = [
  "EUR",
  "USD",
  "GBP",
  "CHF",
  "JPY",
  "CAD",
  "AUD",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "INR",
  "MYR",
  "NZD",
  "SGD",
  "HKD",
] as const;
/**
 * Signs and local abbreviations. "kr" is read as SEK (NOK and DKK print it too: their codes, when
 * the document prints them, are candidates of their own); "Fr." is the Swiss franc.
 */
const SYMBOLS: Record<string, string> = {
  "€": "EUR",
  $: "USD",
  US$: "USD",
  "£": "GBP",
  "¥": "JPY",
  "￥": "JPY",
  円: "JPY",
  "₹": "INR",
  Rs: "INR",
  "Rs.": "INR",
  RM: "MYR",
  zł: "PLN",
  Fr: "CHF",
  "Fr.": "CHF",
  SFr: "CHF",
  "SFr.": "CHF",
  kr: "SEK",
  "kr.": "SEK",
  A$: "AUD",
  AU$: "AUD",
  C$: "CAD",
  CA$: "CAD",
  S$: "SGD",
  NZ$: "NZD",
  HK$: "HKD",
};

export function normaliseCurrency(text: string): string | null {
  const t = text.trim();
  if (SYMBOLS[t]) return SYMBOLS[t] as string;
  const upper = t.toUpperCase();
  return (CURRENCY_CODES as readonly string[]).includes(upper) && t === upper ? upper : null;
}

const LEADING_JUNK = new Set([" ", ":", ";", ",", ".", "-", "·", "|"]);
const TRAILING_JUNK = new Set([" ", ":", ";", ",", "·", "|"]);

/**
 * Whether `text` is printable ASCII with no two spaces in a row, which collapsing whitespace
 * leaves as it is: most text, checked without running the replacement.
 */
function hasOnlySingleSpaces(text: string): boolean {
  let previous = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126 || (c === 32 && previous === 32)) return false;
    previous = c;
  }
  return true;
}

/**
 * Names and ids: collapsed whitespace, no surrounding punctuation (a leading "." or "-" goes,
 * a trailing one stays: "Co.", "Ltd."). The ends are cut with loops: an end-anchored regex is
 * retried from every position of the text.
 */
export function normaliseText(text: string): string {
  const collapsed = hasOnlySingleSpaces(text) ? text : text.replace(/\s+/g, " ");
  let start = 0;
  let end = collapsed.length;
  while (start < end && LEADING_JUNK.has(collapsed.charAt(start))) start++;
  while (end > start && TRAILING_JUNK.has(collapsed.charAt(end - 1))) end--;
  return collapsed.slice(start, end);
}
