/** Patterns shared by the candidate extractor and the date-order evidence. */

export const IBAN_PATTERN = /\b[A-Z]{2}[0-9OIlSB]{2}(?:[ \u00a0]?[A-Z0-9a-z]{1,4}){3,8}\b/gu;

const CODES = "EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|INR|MYR|NZD|SGD|HKD";

/** Currency codes and signs, which are currencies wherever they stand. */
export const CURRENCY_PATTERN = new RegExp(
  [
    `(?<![\\p{L}])(?:${CODES})(?![\\p{L}])`,
    "(?<![\\p{L}])(?:US|AU|CA|NZ|HK|[ACS])\\$",
    "[€$£¥\uffe5₹円]",
    "(?<![\\p{L}])zł(?![\\p{L}])",
  ].join("|"),
  "gu",
);

/** A line that may hold a currency: a sign or three capitals. */
export const CURRENCY_HINT = /[€$£¥\uffe5₹円]|[A-Z]{3}|zł/;

/**
 * Local abbreviations that are also words or parts of words ("RM", "Rs", "Fr.", "kr"): found as
 * literals, then kept by `isLocalCurrency` only next to an amount: "RM12.50", "Rs. 1,200.00",
 * "Fr. 1'234.50", "1 234,50 kr"; "Fr. 12.03.2025" (Friday) and "kr" alone are no currency.
 */
export const LOCAL_CURRENCY = /RM|Rs\.?|SFr\.?|Fr\.?|kr\.?/g;
/** Lines with a digit and this are tried for local abbreviations. */
export const LOCAL_CURRENCY_HINT = /RM|Rs|Fr|kr/;
const AMOUNT_AHEAD =
  /[ \u00a0]?(?:\d{1,3}(?:[.,'\u2019 \u00a0]\d{3})+|\d+)(?:[.,](?:\d{2}|[-\u2013]))?(?!\d|[.,]\d)/y;
const LETTER = /\p{L}/u;

const isLetterAt = (text: string, i: number): boolean =>
  i >= 0 && i < text.length && LETTER.test(text.charAt(i));
const isDigitAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** Whether the `LOCAL_CURRENCY` match at `start`..`end` stands apart from words and next to an amount. */
export function isLocalCurrency(text: string, start: number, end: number): boolean {
  if (isLetterAt(text, start - 1)) return false;
  AMOUNT_AHEAD.lastIndex = end;
  if (AMOUNT_AHEAD.test(text)) return true;
  if (isLetterAt(text, end)) return false;
  const before =
    text.charCodeAt(start - 1) === 32 || text.charCodeAt(start - 1) === 0xa0 ? start - 2 : start - 1;
  return isDigitAt(text, before);
}
