import type { TextLine } from "@docsift/core";
import {
  normaliseAmount,
  normaliseCurrency,
  normaliseDate,
  normaliseIban,
  normaliseText,
  type DateOrder,
} from "./normalise.js";
import { countLetters, isAsciiLetter } from "./letters.js";

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
  /** A numeric date whose day/month order the document does not settle. */
  ambiguous?: boolean;
}

export const DATE_PATTERNS = [
  /\b\d{4}-\d{2}-\d{2}\b/gu,
  /(?<![\d.])\d{1,2}[./-]\d{1,2}[./-]\d{4}(?!\d)/gu,
  /(?<!\d)\d{1,2}(?:\.\s*|\s*-\s*|\s*)(?:de\s*)?\p{L}{3,10}\.?(?:\s*de\s*|\s*-\s*|\s*)\d{4}(?!\d)/giu,
  /\b\p{L}{3,10}\.?\s*\d{1,2},?\s*\d{4}(?!\d)/giu,
];
const AMOUNT_PATTERN =
  /(?<![\d.,])-?(?:\d{1,3}(?:[.,\u00a0\u202f' ]\d{3})+|\d+)[.,]\d{2}(?![\d.,]?\d)(?!\s?%)/gu;
export const IBAN_PATTERN = /\b[A-Z]{2}[0-9OIlSB]{2}(?:[ \u00a0]?[A-Z0-9a-z]{1,4}){3,8}\b/gu;
const CURRENCY_PATTERN = /(?<![\p{L}])(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN)(?![\p{L}])|[€$£¥]/gu;
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

/** All candidates of one line: dates, amounts, IBANs, currency markers, identifiers and text spans. */
export function lineCandidates(line: TextLine, order: DateOrder): Candidate[] {
  const text = line.text;
  const out: Candidate[] = [];
  if (text.length < 2) return out;

  // Dates, amounts, IBANs and identifiers all hold a digit: most lines of a long document skip them.
  if (DIGIT.test(text)) numericCandidates(line, order, out);
  if (CURRENCY_HINT.test(text)) {
    CURRENCY_PATTERN.lastIndex = 0;
    for (let m = CURRENCY_PATTERN.exec(text); m; m = CURRENCY_PATTERN.exec(text)) {
      const code = normaliseCurrency(m[0]);
      if (code) push(out, line, "currency", code, m.index, m.index + m[0].length);
    }
  }
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
const CURRENCY_HINT = /[€$£¥]|[A-Z]{3}/;
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
  /** DATE_PATTERNS[0], an ISO date: four digits and a "-". */
  isoDate: 1,
  /** DATE_PATTERNS[1]: four digits after a ".", "/" or "-". */
  numericDate: 2,
  /** DATE_PATTERNS[2] and [3], dates with a month name: four digits after a letter, ".", "-", "," or digit. */
  namedDate: 4,
  /** AMOUNT_PATTERN: a "." or ",". */
  amount: 8,
  /** IBAN_PATTERN: two capitals and a digit (or a letter OCR reads for one). */
  iban: 16,
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
      if (c === 45) hints |= HINT.isoDate;
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
    else if (
      isUpper(c) &&
      i > 0 &&
      isUpper(text.charCodeAt(i - 1)) &&
      i + 1 < text.length &&
      isIbanCheckChar(text.charCodeAt(i + 1))
    )
      hints |= HINT.iban;
  }
  return hints;
}

/** The hint bit each of DATE_PATTERNS needs, in their order. */
export const DATE_PATTERN_HINTS = [HINT.isoDate, HINT.numericDate, HINT.namedDate, HINT.namedDate] as const;

function numericCandidates(line: TextLine, order: DateOrder, out: Candidate[]): void {
  const text = line.text;
  const hints = numericHints(text);
  const taken: Range[] = [];
  if (hints & HINT.iban) {
    IBAN_PATTERN.lastIndex = 0;
    for (let m = IBAN_PATTERN.exec(text); m; m = IBAN_PATTERN.exec(text)) {
      const iban = normaliseIban(m[0]);
      if (!iban) continue;
      const r = { start: m.index, end: m.index + m[0].length };
      taken.push(r);
      push(out, line, "iban", iban, r.start, r.end);
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
    }
  }
  if (hints & HINT.amount) {
    AMOUNT_PATTERN.lastIndex = 0;
    for (let m = AMOUNT_PATTERN.exec(text); m; m = AMOUNT_PATTERN.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlapsAny(taken, start, end)) continue;
      const value = normaliseAmount(m[0]);
      if (value) {
        taken.push({ start, end });
        push(out, line, "amount", value, start, end, Number(value));
      }
      // "2 120,00" may be a quantity followed by a price: also offer the part after the last space.
      const lastSpace = m[0].search(LAST_SPACE);
      if (lastSpace > 0) {
        const tail = normaliseAmount(m[0].slice(lastSpace + 1));
        if (tail) push(out, line, "amount", tail, start + lastSpace + 1, end, Number(tail));
      }
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
    while (start < end && ID_LEAD_CHARS.includes(text.charAt(start))) start++;
    while (end > start && ID_TRAIL_CHARS.includes(text.charAt(end - 1))) end--;
    if (end - start < 3 || overlapsAny(taken, start, end) || !hasDigitIn(text, start, end)) continue;
    const trimmed = text.slice(start, end);
    if (ID_EXCLUDED.test(trimmed) || !ID_SHAPE.test(trimmed)) continue;
    push(out, line, "id", trimmed, start, end);
  }
}

function addTextCandidate(raw: string, start: number, out: Candidate[], line: TextLine): void {
  const value = normaliseText(raw);
  if (value.length < 3 || value.length > 60) return;
  const letters = countLetters(value);
  if (letters < 3 || letters / value.length < 0.6) return;
  const at = start + raw.indexOf(value);
  push(out, line, "text", value, at, at + value.length);
}

const LANGUAGE_WORDS: Record<"en" | "de" | "fr" | "es", RegExp> = {
  en: /\b(invoice|total|date|due|amount|bill|receipt|order|the|and|payment|thank)\b/giu,
  de: /\b(rechnung|datum|betrag|summe|bestellung|zahlbar|und|mit|ihre|lieferschein|gesamt)/giu,
  fr: /\b(facture|montant|date|échéance|commande|client|et|pour|à|livraison|paiement)\b/giu,
  es: /\b(factura|importe|fecha|pedido|cliente|total|y|para|del|gracias|vencimiento)\b/giu,
};

/** Which language a page reads as; decides how ambiguous slash dates are read. */
export function detectLanguage(lines: readonly TextLine[]): "en" | "de" | "fr" | "es" {
  const text = lines.map((l) => l.text).join("\n");
  let best: "en" | "de" | "fr" | "es" = "en";
  let bestScore = -1;
  for (const [lang, re] of Object.entries(LANGUAGE_WORDS) as Array<["en" | "de" | "fr" | "es", RegExp]>) {
    const score = text.match(re)?.length ?? 0;
    if (score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return best;
}

export const dateOrderFor = (lang: "en" | "de" | "fr" | "es"): DateOrder => (lang === "en" ? "mdy" : "dmy");
