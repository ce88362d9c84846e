/** Patterns shared by the candidate extractor and the date-order evidence. */

export const IBAN_PATTERN = /\b[A-Z]{2}[0-9OIlSB]{2}(?:[ \u00a0]?[A-Z0-9a-z]{1,4}){3,8}\b/gu;

const CODES = "EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|INR|MYR|NZD|SGD|HKD";
/** What follows a local abbreviation ("RM", "Rs.", "Fr.", "kr") for it to be a currency: an amount. */
const AMOUNT_AHEAD =
  "(?=[ \\u00a0]?(?:\\d{1,3}(?:[.,'\\u2019 \\u00a0]\\d{3})+|\\d+)(?:[.,](?:\\d{2}|[-\\u2013]))?(?!\\d|[.,]\\d))";
const LOCAL = "RM|Rs\\.?|SFr\\.?|Fr\\.?|kr\\.?";

/**
 * Currency codes, signs and local abbreviations. The abbreviations that are also words or parts
 * of words ("RM", "Rs", "Fr.", "kr") count only next to an amount: "RM12.50", "Rs. 1,200.00",
 * "Fr. 1'234.50", "1 234,50 kr"; "Fr. 12.03.2025" (Friday) and "kr" alone are no currency.
 */
export const CURRENCY_PATTERN = new RegExp(
  [
    `(?<![\\p{L}])(?:${CODES})(?![\\p{L}])`,
    "(?<![\\p{L}])(?:US|AU|CA|NZ|HK|[ACS])\\$",
    "[€$£¥\uffe5₹円]",
    "(?<![\\p{L}])zł(?![\\p{L}])",
    `(?<![\\p{L}])(?:${LOCAL})${AMOUNT_AHEAD}`,
    `(?<=\\d[ \\u00a0]?)(?:${LOCAL})(?![\\p{L}])`,
  ].join("|"),
  "gu",
);

/** A line that may hold a currency: a sign or three capitals. */
export const CURRENCY_HINT = /[€$£¥\uffe5₹円]|[A-Z]{3}/;
/** Local abbreviations: they need an amount, so only lines with a digit are tried for them. */
export const LOCAL_CURRENCY_HINT = /RM|Rs|Fr|kr|zł/;
