import type { Prng } from "./prng.js";
import type { LocaleSpec } from "./locales.js";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** ISO 8601 calendar date of a UTC date. */
export const isoDate = (d: Date): string =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

type DateFormat = (d: Date, loc: LocaleSpec, dayFirst: boolean) => string;

const day = (d: Date): number => d.getUTCDate();
const month = (d: Date): number => d.getUTCMonth() + 1;
const year = (d: Date): number => d.getUTCFullYear();

const DATE_FORMATS: Record<LocaleSpec["id"], DateFormat[]> = {
  en: [
    (d, l) => `${l.months[month(d) - 1]} ${day(d)}, ${year(d)}`,
    (d, l) => `${day(d)} ${l.monthsShort[month(d) - 1]} ${year(d)}`,
    // Numeric dates: month first in the US, day first wherever else English is written (GB, IE, IN, …).
    (d, _l, dayFirst) =>
      dayFirst ? `${pad(day(d))}/${pad(month(d))}/${year(d)}` : `${pad(month(d))}/${pad(day(d))}/${year(d)}`,
    (d) => isoDate(d),
    (d, l) => `${pad(day(d))}-${l.monthsShort[month(d) - 1]}-${year(d)}`,
  ],
  de: [
    (d) => `${pad(day(d))}.${pad(month(d))}.${year(d)}`,
    (d) => `${day(d)}.${month(d)}.${year(d)}`,
    (d, l) => `${day(d)}. ${l.months[month(d) - 1]} ${year(d)}`,
    (d) => isoDate(d),
  ],
  fr: [
    (d) => `${pad(day(d))}/${pad(month(d))}/${year(d)}`,
    (d, l) => `${day(d)} ${l.months[month(d) - 1]} ${year(d)}`,
    (d) => `${pad(day(d))}.${pad(month(d))}.${year(d)}`,
    (d) => isoDate(d),
  ],
  es: [
    (d) => `${pad(day(d))}/${pad(month(d))}/${year(d)}`,
    (d, l) => `${day(d)} de ${l.months[month(d) - 1]} de ${year(d)}`,
    (d) => `${pad(day(d))}-${pad(month(d))}-${year(d)}`,
    (d) => isoDate(d),
  ],
};

/**
 * Picks one date format for the whole document, as real issuers do. `dayFirst` tells, when a date
 * is written, whether the issuer writes numeric dates day first (asked then, since the document's
 * currency is chosen after its format).
 */
export function pickDateFormat(
  rng: Prng,
  loc: LocaleSpec,
  dayFirst: () => boolean = () => loc.id !== "en",
): (d: Date) => string {
  const f = rng.pick(DATE_FORMATS[loc.id]);
  return (d) => f(d, loc, dayFirst());
}

export type AmountStyle = { thousands: string; decimal: string };

const AMOUNT_STYLES: Record<LocaleSpec["id"], AmountStyle[]> = {
  en: [
    { thousands: ",", decimal: "." },
    { thousands: "", decimal: "." },
  ],
  de: [
    { thousands: ".", decimal: "," },
    { thousands: "", decimal: "," },
    { thousands: " ", decimal: "," },
  ],
  fr: [
    { thousands: " ", decimal: "," },
    { thousands: ".", decimal: "," },
    { thousands: "", decimal: "," },
  ],
  es: [
    { thousands: ".", decimal: "," },
    { thousands: "", decimal: "," },
  ],
};

export function pickAmountStyle(rng: Prng, loc: LocaleSpec): AmountStyle {
  return rng.pick(AMOUNT_STYLES[loc.id]);
}

/** Cents to a display string, e.g. 123456 → "1.234,56". */
export function formatAmount(cents: number, style: AmountStyle): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100));
  const frac = pad(abs % 100);
  let grouped = "";
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) grouped += style.thousands;
    grouped += whole[i];
  }
  return `${negative ? "-" : ""}${grouped}${style.decimal}${frac}`;
}

/** Cents to the normalised decimal string ("1234.56"). */
export const normalAmount = (cents: number): string =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100)}`;

export const CURRENCY_SYMBOLS: Record<string, string> = { EUR: "€", USD: "$", GBP: "£", CHF: "CHF" };
