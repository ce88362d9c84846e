// Locale-consistent formatting of amounts, currencies and dates for the layout grammar.
import type { Prng } from "../prng.js";
import { CURRENCY_MARKS, type GrammarLocaleSpec, type NumberStyle } from "./locales.js";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

export const isoDate = (d: Date): string =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** Cents to the normalised truth string ("1234.50"). */
export const normalAmount = (cents: number): string =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100)}`;

function group(whole: string, style: NumberStyle): string {
  if (style.thousands === "") return whole;
  if (style.lakh && whole.length > 3) {
    // Indian grouping: last three digits, then pairs.
    const head = whole.slice(0, -3);
    const pairs = head.replace(/\B(?=(\d{2})+(?!\d))/g, style.thousands);
    return `${pairs}${style.thousands}${whole.slice(-3)}`;
  }
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, style.thousands);
}

/** Cents to a display number; `decimals` 0 for currencies without minor units (JPY). */
export function formatNumber(cents: number, style: NumberStyle, decimals = 2): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const whole = group(String(Math.floor(abs / 100)), style);
  const out = decimals === 0 ? whole : `${whole}${style.decimal}${pad(abs % 100)}`;
  return negative ? `-${out}` : out;
}

/** How one document writes money: number style, currency mark and where it goes. */
export interface MoneyStyle {
  currency: string;
  number: NumberStyle;
  decimals: number;
  /** The printed currency mark (symbol or ISO code). */
  mark: string;
  before: boolean;
  space: boolean;
  /** "all": every amount carries the mark; "total": only totals; "none": never (a column header or a label says it). */
  where: "all" | "total" | "none";
}

export function pickMoneyStyle(rng: Prng, loc: GrammarLocaleSpec, currency: string): MoneyStyle {
  const marks = CURRENCY_MARKS[currency] ?? { symbols: [currency], decimals: 2, roundTo: 1 };
  let number = rng.pick(loc.numbers);
  if (currency === "CHF" && rng.chance(0.6)) number = { thousands: "'", decimal: "." };
  const useCode = rng.chance(0.35);
  const mark = useCode ? currency : rng.pick(marks.symbols);
  const englishLike = loc.lang === "en" || mark === "CHF" || mark === "RM" || mark.startsWith("Rs");
  const before = useCode
    ? rng.chance(0.6)
    : englishLike || mark === "£" || mark === "$"
      ? true
      : rng.chance(0.2);
  return {
    currency,
    number,
    decimals: marks.decimals,
    mark,
    before,
    space: mark.length > 1 || rng.chance(0.4),
    where: rng.pick(["all", "total", "total", "none"] as const),
  };
}

/** Date formats of a locale: numeric in its own order, or with a month name. */
export function pickDateFormat(rng: Prng, loc: GrammarLocaleSpec, short = false): (d: Date) => string {
  const sep = rng.pick(loc.dateSeps);
  const padded = rng.chance(0.8);
  const twoDigitYear = short && rng.chance(0.4);
  const numeric = (d: Date): string => {
    const dd = padded ? pad(d.getUTCDate()) : String(d.getUTCDate());
    const mm = padded ? pad(d.getUTCMonth() + 1) : String(d.getUTCMonth() + 1);
    const y = twoDigitYear ? pad(d.getUTCFullYear() % 100) : String(d.getUTCFullYear());
    if (loc.dateOrder === "mdy") return `${mm}${sep}${dd}${sep}${y}`;
    if (loc.dateOrder === "ymd") return isoDate(d);
    return `${dd}${sep}${mm}${sep}${y}`;
  };
  const kind = rng.next();
  if (loc.dateOrder !== "ymd" && kind < 0.55) return numeric;
  if (kind < 0.65) return isoDate;
  const pattern = rng.pick(loc.longDates);
  const months = loc.monthsInDate ?? loc.months;
  return (d) => {
    const day = d.getUTCDate();
    const suffix =
      day % 10 === 1 && day !== 11
        ? "st"
        : day % 10 === 2 && day !== 12
          ? "nd"
          : day % 10 === 3 && day !== 13
            ? "rd"
            : "th";
    return pattern.replace(/\{(dth|d|m|M|y)\}/g, (_, t: string) =>
      t === "dth"
        ? `${day}${suffix}`
        : t === "d"
          ? String(day)
          : t === "m"
            ? (months[d.getUTCMonth()] as string)
            : t === "M"
              ? (loc.monthsShort[d.getUTCMonth()] as string)
              : String(d.getUTCFullYear()),
    );
  };
}

/** Tax rate as printed in the locale: "19 %", "5.5%", "8,875 %". */
export function formatRate(rate: number, style: NumberStyle, spaced: boolean): string {
  const r = String(rate).replace(".", style.decimal);
  return `${r}${spaced ? " " : ""}%`;
}
