import type { TextLine } from "@docsift/core";
import {
  isAmbiguousNumericDate,
  normaliseAmount,
  normaliseCurrency,
  normaliseDate,
  normaliseIban,
  normaliseText,
  normaliseWholeAmount,
  ibanLength,
  type DateOrder,
} from "./normalise.js";
import { countLetters, isAsciiLetter } from "./letters.js";
import { MONTH_WORD } from "./months.js";
import {
  CURRENCY_HINT,
  CURRENCY_PATTERN,
  IBAN_PATTERN,
  isLocalCurrency,
  LOCAL_CURRENCY,
  LOCAL_CURRENCY_HINT,
} from "./patterns.js";
import { ID_MARKERS } from "../features/lexicon.js";

export { IBAN_PATTERN } from "./patterns.js";
export {
  dateOrderFor,
  detectLanguage,
  documentDateOrder,
  type DocumentDateOrder,
  type Language,
} from "./date-order.js";

export const CANDIDATE_KINDS = ["date", "amount", "id", "iban", "currency", "text"] as const;
export type CandidateKind = (typeof CANDIDATE_KINDS)[number];

export interface Candidate {
  kind: CandidateKind;
  /** Normalised value, as it would be reported. */
  value: string;
  /** The span as it appears in the line. */
  text: string;
  line: TextLine;
  start: number;
  end: number;
  /** Amount in units or date as days since epoch, for ranking features. */
  numeric: number;
  /**
   * A numeric date whose day and month are both ≤ 12 and differ ("03/04/2025"), on a document
   * whose date order is not certain: its value follows the best order, but a reviewer should look.
   * Set only when `lineCandidates` is told the order is uncertain, or by `markAmbiguousDates`.
   */
  ambiguous?: boolean;
}

export const DATE_PATTERNS = [
  // Year first: ISO "2024-04-07", and "2024/04/07" or "2024.04.07" (East Asian and Hungarian use).
  /\b\d{4}(?:-\d{2}-\d{2}|\/\d{1,2}\/\d{1,2}|\.\d{1,2}\.\d{1,2})\b(?![.,]\d)/gu,
  /(?<![\d.])\d{1,2}[./-]\d{1,2}[./-]\d{4}(?!\d)/gu,
  new RegExp(
    String.raw`(?<!\d)\d{1,2}(?:st|nd|rd|th|er)?(?:\.\s*|\s*-\s*|\s*)(?:de\s*)?${MONTH_WORD}\.?(?:\s*de\s*|\s*-\s*|\s*)\d{4}(?!\d)`,
    "giu",
  ),
  new RegExp(String.raw`\b${MONTH_WORD}\.?\s*\d{1,2}(?:st|nd|rd|th)?,?\s*\d{4}(?!\d)`, "giu"),
];
// Not after a digit, "," or "." — unless that "." ends a currency abbreviation glued to the amount
// ("Rs.1,200.00", "Fr.12.50").
const AMOUNT_PATTERN =
  /(?<![\d,]|(?<!Rs|Fr)\.)-?(?:\d{1,3}(?:[.,\u00a0\u202f'\u2019 ]\d{3})+|\d+)[.,]\d{2}(?![\d.,]?\d)(?!\s?%)/gu;
/** A whole number, for amounts a yen marker touches ("¥12,500", "12.500 円"). */
const WHOLE_NUMBER = /(?<![\d.,])(?:\d{1,3}(?:[.,\u00a0\u202f'\u2019 ]\d{3})+|\d+)(?!\d|[.,]\d)/gu;
const SEGMENT_SPLIT = /\s{2,}|\t|\s[·|•]\s/u;

interface Range {
  start: number;
  end: number;
}

function overlapsAny(taken: readonly Range[], start: number, end: number): boolean {
  for (const t of taken) if (t.start < end && start < t.end) return true;
  return false;
}

const epochDays = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

function push(
  out: Candidate[],
  line: TextLine,
  kind: CandidateKind,
  value: string,
  start: number,
  end: number,
  numeric = 0,
): void {
  out.push({ kind, value, text: line.text.slice(start, end), line, start, end, numeric });
}

/**
 * All candidates of one line: dates, amounts, IBANs, currency markers, identifiers and text spans.
 * With `orderCertain` false (the document's own evidence did not settle its date order, see
 * `documentDateOrder`), numeric dates that read both ways are marked `ambiguous`.
 */
export function lineCandidates(line: TextLine, order: DateOrder, orderCertain = true): Candidate[] {
  const text = line.text;
  const out: Candidate[] = [];
  if (text.length < 2) return out;

  // Dates, amounts, IBANs and identifiers all hold a digit: most lines of a long document skip them.
  const hasDigit = DIGIT.test(text);
  if (hasDigit) numericCandidates(line, order, out, orderCertain);
  if (CURRENCY_HINT.test(text)) {
    CURRENCY_PATTERN.lastIndex = 0;
    for (let m = CURRENCY_PATTERN.exec(text); m; m = CURRENCY_PATTERN.exec(text)) {
      const code = normaliseCurrency(m[0]);
      if (code) push(out, line, "currency", code, m.index, m.index + m[0].length);
    }
  }
  if (hasDigit && LOCAL_CURRENCY_HINT.test(text)) localCurrencies(line, out);
  // Text spans (names): each column segment of the line, and what follows a label's colon.
  let offset = 0;
  for (const segment of text.split(SEGMENT_SPLIT)) {
    const start = text.indexOf(segment, offset);
    offset = start + segment.length;
    addTextCandidate(segment, start, out, line);
    const colon = segment.lastIndexOf(":");
    if (colon > 0 && colon < segment.length - 2) {
      const after = segment.slice(colon + 1);
      addTextCandidate(after, start + colon + 1, out, line);
    }
  }
  return out;
}

const DIGIT = /\d/;

/** "RM", "Rs.", "Fr.", "kr" next to an amount, in line order among the currencies already found. */
function localCurrencies(line: TextLine, out: Candidate[]): void {
  const text = line.text;
  const from = out.length;
  LOCAL_CURRENCY.lastIndex = 0;
  for (let m = LOCAL_CURRENCY.exec(text); m; m = LOCAL_CURRENCY.exec(text)) {
    const end = m.index + m[0].length;
    if (!isLocalCurrency(text, m.index, end)) continue;
    const code = normaliseCurrency(m[0]);
    if (code) push(out, line, "currency", code, m.index, end);
  }
  if (out.length === from) return;
  // Keep the candidates of the line in the order of their kinds, currencies by position.
  let first = from;
  while (first > 0 && (out[first - 1] as Candidate).kind === "currency") first--;
  if (first < from) {
    const currencies = out.splice(first).sort((a, b) => a.start - b.start);
    out.push(...currencies);
  }
}
const ID_TOKEN = /[^\s:]+/gu;
const ID_SHAPE = /^[\p{L}\d][\p{L}\d\-/_.#]*$/u;
const ID_LEAD_CHARS = "#([";
const ID_TRAIL_CHARS = ";,.)]";
const ID_EXCLUDED = /%|[€$£]/;
const LAST_SPACE = /[\s\u00a0\u202f](?=[^\s\u00a0\u202f]*$)/u;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;

/** Whether `text` holds an ASCII digit between `from` and `to`. */
function hasDigitIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isDigit(text.charCodeAt(i))) return true;
  return false;
}

/** What `numericHints` found a line may hold; a pattern whose bit is unset cannot match it. */
export const HINT = {
  /** DATE_PATTERNS[0], a year-first date: four digits and a "-", "/" or ".". */
  isoDate: 1,
  /** DATE_PATTERNS[1]: four digits after a ".", "/" or "-". */
  numericDate: 2,
  /** DATE_PATTERNS[2] and [3], dates with a month name: four digits after a letter, ".", "-", "," or digit. */
  namedDate: 4,
  /** AMOUNT_PATTERN: a "." or ",". */
  amount: 8,
  /** IBAN_PATTERN: two capitals and a digit (or a letter OCR reads for one). */
  iban: 16,
  /** The label "IBAN", after which an IBAN may be spaced any way. */
  ibanLabel: 32,
  /** A yen marker ("¥", "￥", "円", "JPY"): whole numbers next to it are amounts. */
  yen: 64,
} as const;

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isIbanCheckChar = (c: number): boolean =>
  isDigit(c) || c === 79 || c === 73 || c === 108 || c === 83 || c === 66; // O I l S B

/**
 * One pass over a line for what each numeric pattern cannot match without. Every date pattern
 * ends in a year: four digits, the end of a run of digits. What precedes those four decides
 * which date pattern can match; a line of amounts ("= 1080.00 EUR") needs none of them. The
 * bits are a superset: skipping a pattern whose bit is unset leaves the results as they were.
 */
export function numericHints(text: string): number {
  let hints = 0;
  let run = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (isDigit(c)) {
      run++;
      continue;
    }
    if (run >= 4) {
      const year = i - 4;
      if (c === 45 || ((c === 47 || c === 46) && yearFirstTail(text, i + 1, c))) hints |= HINT.isoDate;
      const before = text.charCodeAt(year - 1);
      if (before === 46 || before === 47 || before === 45) hints |= HINT.numericDate;
      let j = year - 1;
      while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
      if (j >= 0) {
        const p = text.charCodeAt(j);
        // A letter (any non-ASCII character may be one), or ".", "-", "," or a digit.
        if (p >= 128 || isAsciiLetter(p) || p === 46 || p === 45 || p === 44 || isDigit(p))
          hints |= HINT.namedDate;
      }
    }
    run = 0;
    if (c === 46 || c === 44) hints |= HINT.amount;
    else if (isUpper(c)) {
      if (
        i > 0 &&
        isUpper(text.charCodeAt(i - 1)) &&
        i + 1 < text.length &&
        isIbanCheckChar(text.charCodeAt(i + 1))
      )
        hints |= HINT.iban;
      if (c === 73) {
        if (text.startsWith("IBAN", i)) hints |= HINT.ibanLabel;
      } else if (c === 74 && text.startsWith("JPY", i)) hints |= HINT.yen;
    } else if (c === 0xa5 || c === 0xffe5 || c === 0x5186) hints |= HINT.yen; // ¥ ￥ 円
  }
  return hints;
}

/**
 * Whether a "/" or "." after a year at `from - 1` is followed by one or two digits and the same
 * separator again ("2024/04/07"), so a line of amounts ("1080.00 EUR") keeps the pattern ruled out.
 */
function yearFirstTail(text: string, from: number, separator: number): boolean {
  let j = from;
  while (j < text.length && j - from < 2 && isDigit(text.charCodeAt(j))) j++;
  return j > from && text.charCodeAt(j) === separator;
}

/** The hint bit each of DATE_PATTERNS needs, in their order. */
export const DATE_PATTERN_HINTS = [HINT.isoDate, HINT.numericDate, HINT.namedDate, HINT.namedDate] as const;

function numericCandidates(line: TextLine, order: DateOrder, out: Candidate[], orderCertain: boolean): void {
  const text = line.text;
  const hints = numericHints(text);
  const taken: Range[] = [];
  if (hints & HINT.iban) {
    IBAN_PATTERN.lastIndex = 0;
    for (let m = IBAN_PATTERN.exec(text); m; m = IBAN_PATTERN.exec(text)) {
      let span = m[0];
      let iban = normaliseIban(span);
      // Inside a sentence or a payment block the pattern runs on into the next word ("… 00 BIC",
      // "… 00 bei"): drop trailing groups until the checksum holds, and read on from there.
      while (!iban) {
        const cut = span.search(LAST_SPACE);
        if (cut < 4) break;
        span = span.slice(0, cut);
        iban = normaliseIban(span);
      }
      if (!iban) continue;
      const r = { start: m.index, end: m.index + span.length };
      IBAN_PATTERN.lastIndex = r.end;
      taken.push(r);
      push(out, line, "iban", iban, r.start, r.end);
    }
  }
  // After the word "IBAN" the number may be spaced as the pattern does not expect ("DE 89 3704 …",
  // "DE8937 0400 …"): read up to an IBAN's length of letters and digits across short gaps.
  const label = hints & HINT.ibanLabel ? text.indexOf("IBAN") : -1;
  if (label >= 0) {
    const found = ibanAfterLabel(text, label + 4);
    if (found && !overlapsAny(taken, found.start, found.end)) {
      taken.push(found);
      push(out, line, "iban", found.iban, found.start, found.end);
    }
  }
  for (let p = 0; p < DATE_PATTERNS.length; p++) {
    if (!(hints & (DATE_PATTERN_HINTS[p] as number))) continue;
    const pattern = DATE_PATTERNS[p] as RegExp;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlapsAny(taken, start, end)) continue;
      const iso = normaliseDate(m[0], order);
      if (!iso) continue;
      taken.push({ start, end });
      push(out, line, "date", iso, start, end, epochDays(iso));
      if (!orderCertain && p === 1 && isAmbiguousNumericDate(m[0]))
        (out[out.length - 1] as Candidate).ambiguous = true;
    }
  }
  if (hints & HINT.amount) {
    AMOUNT_PATTERN.lastIndex = 0;
    for (let m = AMOUNT_PATTERN.exec(text); m; m = AMOUNT_PATTERN.exec(text)) {
      let start = m.index;
      let end = start + m[0].length;
      if (overlapsAny(taken, start, end)) continue;
      let value = normaliseAmount(m[0]);
      if (value) {
        // A credit in parentheses, "(12.50)" or "(€12.50)", after a typographic minus "−12.50", or
        // with a trailing minus as tills print it, "12.50-": a negative amount, its span taking the marks.
        if (value.charCodeAt(0) !== 45) {
          const open =
            text.charCodeAt(start - 1) === 40
              ? start - 1
              : isSignAt(text, start - 1) && text.charCodeAt(start - 2) === 40
                ? start - 2
                : -1;
          if (open >= 0 && text.charCodeAt(end) === 41) {
            value = `-${value}`;
            start = open;
            end++;
          } else if (text.charCodeAt(start - 1) === 0x2212) {
            // The typographic minus sign "−12.50".
            value = `-${value}`;
            start--;
          } else if (
            text.charCodeAt(end) === 45 &&
            (end + 1 === text.length || isSpace(text.charCodeAt(end + 1)))
          ) {
            value = `-${value}`;
            end++;
          }
        }
        taken.push({ start, end });
        push(out, line, "amount", value, start, end, Number(value));
      }
      // "2 120,00" may be a quantity followed by a price: also offer the part after the last space.
      const lastSpace = m[0].search(LAST_SPACE);
      if (lastSpace > 0) {
        const tail = normaliseAmount(m[0].slice(lastSpace + 1));
        if (tail)
          push(out, line, "amount", tail, m.index + lastSpace + 1, m.index + m[0].length, Number(tail));
      }
    }
  }
  // Yen amounts have no decimals: a whole number is an amount only where a yen marker touches it.
  if (hints & HINT.yen) {
    WHOLE_NUMBER.lastIndex = 0;
    for (let m = WHOLE_NUMBER.exec(text); m; m = WHOLE_NUMBER.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!touchesYen(text, start, end) || overlapsAny(taken, start, end)) continue;
      const value = normaliseWholeAmount(m[0]);
      if (!value) continue;
      taken.push({ start, end });
      push(out, line, "amount", value, start, end, Number(value));
    }
  }
  // Identifiers: tokens with a digit that are not already a date, amount or IBAN. OCR glues a label's
  // colon to the value ("Nr.:RE-0012"), so a colon ends a token as whitespace does.
  ID_TOKEN.lastIndex = 0;
  for (let m = ID_TOKEN.exec(text); m; m = ID_TOKEN.exec(text)) {
    // Trimming removes no digit, so a token without one can never become an identifier.
    if (!hasDigitIn(text, m.index, m.index + m[0].length)) continue;
    // Most such tokens are the dates and amounts just found: the range check goes before the
    // regular expressions. Leading "#([" and trailing ";,.)]" are cut by scanning the ends.
    let start = m.index;
    let end = m.index + m[0].length;
    // "N°123" glued: the marker is no part of the number.
    let marked = false;
    const n = text.charCodeAt(start);
    const deg = text.charCodeAt(start + 1);
    if ((n === 78 || n === 110) && (deg === 0xb0 || deg === 0xba) && isDigit(text.charCodeAt(start + 2))) {
      start += 2;
      marked = true;
    }
    while (start < end && ID_LEAD_CHARS.includes(text.charAt(start))) start++;
    while (end > start && ID_TRAIL_CHARS.includes(text.charAt(end - 1))) end--;
    if (end - start < 3) {
      // Short numbers ("No. 7", "#27", "Rechnung 12") only after a number marker.
      if (
        end === start ||
        !(marked || text.charCodeAt(start - 1) === 35 || followsNumberMarker(text, m.index))
      )
        continue;
    }
    if (overlapsAny(taken, start, end) || !hasDigitIn(text, start, end)) continue;
    const trimmed = text.slice(start, end);
    if (ID_EXCLUDED.test(trimmed) || !ID_SHAPE.test(trimmed)) continue;
    push(out, line, "id", trimmed, start, end);
  }
}

const SIGNS = "€$£¥\uffe5₹";
const isSignAt = (text: string, i: number): boolean => i >= 0 && SIGNS.includes(text.charAt(i));

/** Whether "¥", "￥" or "JPY" comes right before `start`, or "円" or "JPY" right after `end` (one space between at most). */
function touchesYen(text: string, start: number, end: number): boolean {
  let b = start;
  if (b > 0 && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 0xa0)) b--;
  const before = text.charAt(b - 1);
  if (before === "¥" || before === "\uffe5" || (b >= 3 && text.startsWith("JPY", b - 3))) return true;
  let e = end;
  if (text.charCodeAt(e) === 32 || text.charCodeAt(e) === 0xa0) e++;
  return text.charAt(e) === "円" || text.startsWith("JPY", e);
}

/** Whether the word before `at` (past spaces and a colon) is a number marker: "No.", "Nr", "N°", "Rechnung". */
function followsNumberMarker(text: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && (isSpace(text.charCodeAt(j)) || text.charCodeAt(j) === 58 || text.charCodeAt(j) === 0xa0))
    j--;
  if (j < 0) return false;
  if (text.charCodeAt(j) === 35) return true;
  const end = j + 1;
  while (j >= 0 && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== 58 && text.charCodeAt(j) !== 0xa0)
    j--;
  let word = text.slice(j + 1, end).toLowerCase();
  while (word.endsWith(".") || word.endsWith("#") || word.endsWith(":")) word = word.slice(0, -1);
  return ID_MARKERS.has(word);
}

const IBAN_GAP = " \u00a0\t-";
const IBAN_LEAD = " \u00a0\t:.#-=";

/** An IBAN written after its label with any spacing: the first run of letters and digits that passes the checksum. */
function ibanAfterLabel(text: string, from: number): { start: number; end: number; iban: string } | null {
  let i = from;
  while (i < text.length && IBAN_LEAD.includes(text.charAt(i))) i++;
  const at: number[] = [];
  let chars = "";
  while (i < text.length && at.length < 34) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || isAsciiLetter(c)) {
      at.push(i);
      chars += text.charAt(i);
      i++;
      continue;
    }
    let gap = 0;
    while (i + gap < text.length && IBAN_GAP.includes(text.charAt(i + gap))) gap++;
    if (gap === 0 || gap > 2) break;
    i += gap;
  }
  if (at.length < 15 || !isAsciiLetter(chars.charCodeAt(0)) || !isAsciiLetter(chars.charCodeAt(1)))
    return null;
  const length = ibanLength(chars.slice(0, 2).toUpperCase());
  const lengths = length ? [length] : [at.length];
  for (const l of lengths) {
    if (l > at.length) continue;
    const iban = normaliseIban(chars.slice(0, l));
    if (iban) return { start: at[0] as number, end: (at[l - 1] as number) + 1, iban };
  }
  return null;
}

function addTextCandidate(raw: string, start: number, out: Candidate[], line: TextLine): void {
  const value = normaliseText(raw);
  if (value.length < 3 || value.length > 60) return;
  const letters = countLetters(value);
  if (letters < 3 || letters / value.length < 0.6) return;
  const at = start + raw.indexOf(value);
  push(out, line, "text", value, at, at + value.length);
}

/**
 * Marks the numeric dates among `candidates` that read both ways ("03/04/2025") as `ambiguous`,
 * for a document whose date order is not certain; what `lineCandidates(line, order, false)` does,
 * for callers that receive the candidates from `featurizePage`.
 */
export function markAmbiguousDates(candidates: readonly Candidate[]): void {
  for (const c of candidates) if (c.kind === "date" && isAmbiguousNumericDate(c.text)) c.ambiguous = true;
}
