import type { TextLine } from "@docsift/core";
import {
  normaliseAmount,
  normaliseCurrency,
  normaliseDate,
  normaliseIban,
  normaliseText,
  type DateOrder,
} from "./normalise.js";

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
}

const DATE_PATTERNS = [
  /\b\d{4}-\d{2}-\d{2}\b/gu,
  /(?<![\d.])\d{1,2}[./-]\d{1,2}[./-]\d{4}(?!\d)/gu,
  /(?<!\d)\d{1,2}(?:\.\s*|\s*-\s*|\s*)(?:de\s*)?\p{L}{3,10}\.?(?:\s*de\s*|\s*-\s*|\s*)\d{4}(?!\d)/giu,
  /\b\p{L}{3,10}\.?\s*\d{1,2},?\s*\d{4}(?!\d)/giu,
];
const AMOUNT_PATTERN =
  /(?<![\d.,])-?(?:\d{1,3}(?:[.,\u00a0\u202f' ]\d{3})+|\d+)[.,]\d{2}(?![\d.,]?\d)(?!\s?%)/gu;
const IBAN_PATTERN = /\b[A-Z]{2}[0-9OIlSB]{2}(?:[ \u00a0]?[A-Z0-9a-z]{1,4}){3,8}\b/gu;
const CURRENCY_PATTERN = /(?<![\p{L}])(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN)(?![\p{L}])|[€$£¥]/gu;
const SEGMENT_SPLIT = /\s{2,}|\t|\s[·|•]\s/u;

interface Range {
  start: number;
  end: number;
}
const overlaps = (a: Range, b: Range): boolean => a.start < b.end && b.start < a.end;

const epochDays = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** All candidates of one line: dates, amounts, IBANs, currency markers, identifiers and text spans. */
export function lineCandidates(line: TextLine, order: DateOrder): Candidate[] {
  const text = line.text;
  const out: Candidate[] = [];
  if (text.length < 2) return out;
  const taken: Range[] = [];
  const push = (kind: CandidateKind, value: string, start: number, end: number, numeric = 0): void => {
    out.push({ kind, value, text: text.slice(start, end), line, start, end, numeric });
  };

  // Dates, amounts, IBANs and identifiers all hold a digit: most lines of a long document skip them.
  const hasDigit = DIGIT.test(text);
  if (hasDigit) numericCandidates(text, order, push, taken);
  if (CURRENCY_HINT.test(text)) {
    for (const m of text.matchAll(CURRENCY_PATTERN)) {
      const code = normaliseCurrency(m[0]);
      if (code) push("currency", code, m.index, m.index + m[0].length);
    }
  }
  // Text spans (names): each column segment of the line, and what follows a label's colon.
  let offset = 0;
  for (const segment of text.split(SEGMENT_SPLIT)) {
    const start = text.indexOf(segment, offset);
    offset = start + segment.length;
    addTextCandidate(segment, start, push);
    const colon = segment.lastIndexOf(":");
    if (colon > 0 && colon < segment.length - 2) {
      const after = segment.slice(colon + 1);
      addTextCandidate(after, start + colon + 1, push);
    }
  }
  return out;
}

const DIGIT = /\d/;
const CURRENCY_HINT = /[€$£¥]|[A-Z]{3}/;
const ID_TOKEN = /[^\s:]+/gu;
const ID_SHAPE = /^[\p{L}\d][\p{L}\d\-/_.#]*$/u;

type Push = (kind: CandidateKind, value: string, start: number, end: number, numeric?: number) => void;

function numericCandidates(text: string, order: DateOrder, push: Push, taken: Range[]): void {
  for (const m of text.matchAll(IBAN_PATTERN)) {
    const iban = normaliseIban(m[0]);
    if (!iban) continue;
    const r = { start: m.index, end: m.index + m[0].length };
    taken.push(r);
    push("iban", iban, r.start, r.end);
  }
  for (const pattern of DATE_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const r = { start: m.index, end: m.index + m[0].length };
      if (taken.some((t) => overlaps(t, r))) continue;
      const iso = normaliseDate(m[0], order);
      if (!iso) continue;
      taken.push(r);
      push("date", iso, r.start, r.end, epochDays(iso));
    }
  }
  for (const m of text.matchAll(AMOUNT_PATTERN)) {
    const r = { start: m.index, end: m.index + m[0].length };
    if (taken.some((t) => overlaps(t, r))) continue;
    const value = normaliseAmount(m[0]);
    if (value) {
      taken.push(r);
      push("amount", value, r.start, r.end, Number(value));
    }
    // "2 120,00" may be a quantity followed by a price: also offer the part after the last space.
    const lastSpace = m[0].search(/[\s\u00a0\u202f](?=[^\s\u00a0\u202f]*$)/u);
    if (lastSpace > 0) {
      const tail = normaliseAmount(m[0].slice(lastSpace + 1));
      if (tail) push("amount", tail, r.start + lastSpace + 1, r.end, Number(tail));
    }
  }
  // Identifiers: tokens with a digit that are not already a date, amount or IBAN. OCR glues a label's
  // colon to the value ("Nr.:RE-0012"), so a colon ends a token as whitespace does.
  for (const m of text.matchAll(ID_TOKEN)) {
    const raw = m[0];
    const trimmed = raw.replace(/^[#([]+/, "").replace(/[;,.)\]]+$/, "");
    if (trimmed.length < 3 || !DIGIT.test(trimmed) || /%|[€$£]/.test(trimmed)) continue;
    if (!ID_SHAPE.test(trimmed)) continue;
    const start = m.index + raw.indexOf(trimmed);
    const r = { start, end: start + trimmed.length };
    if (taken.some((t) => overlaps(t, r))) continue;
    push("id", trimmed, r.start, r.end);
  }
}

function addTextCandidate(
  raw: string,
  start: number,
  push: (kind: CandidateKind, value: string, start: number, end: number) => void,
): void {
  const value = normaliseText(raw);
  if (value.length < 3 || value.length > 60) return;
  const letters = value.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 3 || letters / value.length < 0.6) return;
  const at = start + raw.indexOf(value);
  push("text", value, at, at + value.length);
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
