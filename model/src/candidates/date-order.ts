import type { TextLine } from "@docsift/core";
import { normaliseCurrency, normaliseIban, type DateOrder } from "./normalise.js";
import { CURRENCY_PATTERN, IBAN_PATTERN, isLocalCurrency, LOCAL_CURRENCY } from "./patterns.js";

export type Language = "en" | "de" | "fr" | "es" | "nl" | "it" | "pt" | "pl";

// en/de/fr/es as they were (their scores decide what the committed model was trained with); the
// later languages win only with strictly more words. Their words are delimited by letters, not
// \b, which ignores "ł" and "à".
const LANGUAGE_WORDS: Record<Language, RegExp> = {
  en: /\b(invoice|total|date|due|amount|bill|receipt|order|the|and|payment|thank)\b/giu,
  de: /\b(rechnung|datum|betrag|summe|bestellung|zahlbar|und|mit|ihre|lieferschein|gesamt)/giu,
  fr: /\b(facture|montant|date|échéance|commande|client|et|pour|à|livraison|paiement)\b/giu,
  es: /\b(factura|importe|fecha|pedido|cliente|total|y|para|del|gracias|vencimiento)\b/giu,
  nl: /(?<!\p{L})(factuur|factuurnummer|factuurdatum|bedrag|totaal|btw|vervaldatum|betaling|betalen|klant|het|voor|omschrijving|aantal|bedankt|bestelling)(?!\p{L})/giu,
  it: /(?<!\p{L})(fattura|importo|totale|scadenza|ordine|grazie|della|il|quantità|descrizione|bonifico|imponibile|pagamento)(?!\p{L})/giu,
  pt: /(?<!\p{L})(fatura|valor|vencimento|encomenda|obrigado|obrigada|não|número|contribuinte|descrição|quantidade|morada|emissão|pagamento)(?!\p{L})/giu,
  pl: /(?<!\p{L})(faktura|kwota|razem|termin|płatności|zapłaty|sprzedawca|nabywca|nip|sprzedaży|wystawienia|słownie|przelew|zł|dnia)(?!\p{L})/giu,
};

function scoreLanguage(text: string): { lang: Language; score: number } {
  let lang: Language = "en";
  let score = -1;
  for (const [l, re] of Object.entries(LANGUAGE_WORDS) as Array<[Language, RegExp]>) {
    const n = text.match(re)?.length ?? 0;
    if (n > score) {
      lang = l;
      score = n;
    }
  }
  return { lang, score };
}

const pageText = (lines: readonly TextLine[]): string => lines.map((l) => l.text).join("\n");

/** Which language a page reads as (English when no word of any list occurs). */
export function detectLanguage(lines: readonly TextLine[]): Language {
  return scoreLanguage(pageText(lines)).lang;
}

/**
 * The date order of a language alone: month first for English, day first otherwise. Kept for
 * compatibility; `documentDateOrder` reads the document's own evidence instead.
 */
export const dateOrderFor = (lang: Language): DateOrder => (lang === "en" ? "mdy" : "dmy");

export interface DocumentDateOrder {
  /** How to read a numeric date whose day and month are both ≤ 12. */
  order: DateOrder;
  /** False when no evidence says which order, or the evidence contradicts itself. */
  certain: boolean;
  /** What decided, strongest first ("date 17/03/2025: day first", "currency GBP", …). */
  evidence: string[];
}

const PAGE_DATE = /(?<![\d.])(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?!\d)/g;
const VAT_ID =
  /\b(ATU|GB|DE|FR|IT|NL|BE|IE|PT|PL|LU|DK|SE|FI|CZ|EL|ES)[ ]?[0-9A-Z]?\d{7,11}(?:B\d{2})?\b|\bGB ?\d{3} ?\d{4} ?\d{2}\b/g;
const PHONE = /(?<![\w+])\+ ?\d{1,3}(?:[ \-.()]{0,3}\d{2,5}){2,}/g;
// After the city's comma ("Springfield, IL 62701"): "Customer ID 12345" is no Idaho address.
const US_ADDRESS =
  /[\p{L}.], ?(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY) \d{5}(?:-\d{4})?\b/u;
const CENTS = /[.,]\d{2}(?!\d)/;
const UK_POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b/;
/** Calling codes of countries that write the day first (the +1 countries write the month first). */
const DAY_FIRST_CALLING_CODES = new Set([
  "44",
  "353",
  "91",
  "60",
  "61",
  "64",
  "65",
  "27",
  "49",
  "33",
  "34",
  "39",
  "31",
  "32",
  "41",
  "43",
  "351",
  "48",
  "45",
  "46",
  "47",
  "358",
  "30",
  "420",
  "352",
]);
/** Currencies of countries that write the day first; USD says month first; JPY and CAD neither. */
const DAY_FIRST_CURRENCIES = new Set([
  "EUR",
  "GBP",
  "CHF",
  "INR",
  "MYR",
  "AUD",
  "NZD",
  "SGD",
  "HKD",
  "PLN",
  "SEK",
  "NOK",
  "DKK",
]);

interface Signal {
  order: DateOrder;
  /** 1: weak (a bare "$"), 2: a country's mark, 3: language or a US address. */
  weight: number;
  what: string;
}

function callingCode(digits: string): string | undefined {
  if (digits.startsWith("1")) return "1";
  for (const len of [2, 3]) {
    const code = digits.slice(0, len);
    if (DAY_FIRST_CALLING_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * How to read a document's ambiguous numeric dates, from the evidence of `lines` (page 1 is
 * enough). Strongest first: a date on the page that reads one way only (a first part above 12 is a
 * day, a second part above 12 is one too) settles it; otherwise the language (only English can be
 * month first), then the marks of a country: currency, IBAN, VAT id, phone calling code, a US state
 * with ZIP code or a UK postcode. `certain` is false when nothing says, or the evidence disagrees;
 * the order is then English → month first, others → day first, as `dateOrderFor` reads it.
 */
export function documentDateOrder(lines: readonly TextLine[]): DocumentDateOrder {
  const text = pageText(lines);
  const evidence: string[] = [];
  let dayFirst: string | undefined;
  let monthFirst: string | undefined;
  PAGE_DATE.lastIndex = 0;
  for (let m = PAGE_DATE.exec(text); m; m = PAGE_DATE.exec(text)) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (a > 12 && b <= 12) dayFirst ??= m[0];
    else if (b > 12 && a <= 12) monthFirst ??= m[0];
  }
  if (dayFirst && !monthFirst)
    return { order: "dmy", certain: true, evidence: [`date ${dayFirst}: day first`] };
  if (monthFirst && !dayFirst)
    return { order: "mdy", certain: true, evidence: [`date ${monthFirst}: month first`] };
  const contradicted = dayFirst !== undefined && monthFirst !== undefined;
  if (contradicted) evidence.push(`dates ${dayFirst} and ${monthFirst} disagree`);

  const signals: Signal[] = [];
  const { lang, score } = scoreLanguage(text);
  if (score > 0 && lang !== "en") signals.push({ order: "dmy", weight: 3, what: `language ${lang}` });
  // Whatever the language, the marks of a country.
  const us = US_ADDRESS.exec(text);
  if (us) signals.push({ order: "mdy", weight: 3, what: `US address ${us[0].slice(1).replace(/^, ?/, "")}` });
  const uk = UK_POSTCODE.exec(text);
  if (uk) signals.push({ order: "dmy", weight: 2, what: `UK postcode ${uk[0]}` });
  const currencies = new Map<string, string>();
  CURRENCY_PATTERN.lastIndex = 0;
  for (let m = CURRENCY_PATTERN.exec(text); m; m = CURRENCY_PATTERN.exec(text)) {
    const code = normaliseCurrency(m[0]);
    if (code && !currencies.has(code)) currencies.set(code, m[0]);
  }
  LOCAL_CURRENCY.lastIndex = 0;
  for (let m = LOCAL_CURRENCY.exec(text); m; m = LOCAL_CURRENCY.exec(text)) {
    const code = normaliseCurrency(m[0]);
    if (code && !currencies.has(code) && isLocalCurrency(text, m.index, m.index + m[0].length))
      currencies.set(code, m[0]);
  }
  for (const [code, as] of currencies) {
    if (code === "USD") signals.push({ order: "mdy", weight: as === "$" ? 1 : 2, what: `currency ${as}` });
    else if (DAY_FIRST_CURRENCIES.has(code))
      signals.push({ order: "dmy", weight: 2, what: `currency ${as}` });
  }
  IBAN_PATTERN.lastIndex = 0;
  for (let m = IBAN_PATTERN.exec(text); m; m = IBAN_PATTERN.exec(text)) {
    const iban = normaliseIban(m[0]);
    if (iban) {
      signals.push({ order: "dmy", weight: 2, what: `IBAN ${iban.slice(0, 2)}` });
      break;
    }
  }
  VAT_ID.lastIndex = 0;
  const vat = VAT_ID.exec(text);
  if (vat) signals.push({ order: "dmy", weight: 2, what: `VAT id ${vat[0]}` });
  PHONE.lastIndex = 0;
  for (let m = PHONE.exec(text); m; m = PHONE.exec(text)) {
    // "+12.50 12.00" is two amounts, not a phone number.
    const digits = m[0].replace(/\D/g, "");
    if (digits.length < 9 || CENTS.test(m[0])) continue;
    const code = callingCode(digits);
    if (!code) continue;
    signals.push({ order: code === "1" ? "mdy" : "dmy", weight: 2, what: `phone +${code}` });
    break;
  }

  signals.sort((x, y) => y.weight - x.weight);
  let dmy = 0;
  let mdy = 0;
  let strongDmy = false;
  let strongMdy = false;
  for (const s of signals) {
    evidence.push(`${s.what}: ${s.order === "dmy" ? "day" : "month"} first`);
    if (s.order === "dmy") {
      dmy += s.weight;
      strongDmy ||= s.weight >= 2;
    } else {
      mdy += s.weight;
      strongMdy ||= s.weight >= 2;
    }
  }
  if (dmy === mdy) {
    const order = dateOrderFor(score > 0 ? lang : "en");
    evidence.push(signals.length ? "evidence is even" : "no evidence");
    return { order, certain: false, evidence };
  }
  const order: DateOrder = dmy > mdy ? "dmy" : "mdy";
  const certain = !contradicted && (order === "dmy" ? strongDmy && mdy === 0 : strongMdy && dmy === 0);
  return { order, certain, evidence };
}
