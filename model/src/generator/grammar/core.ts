// Shared pieces of the layout grammar: text pieces with truth spans, a page layout, and the
// per-document context (locale, wordings, money and date styles, truth bookkeeping).
import type { DocumentType, FieldName } from "@docsift/core";
import type { Prng } from "../prng.js";
import { PAGE_WIDTH_PT, type Split, type SynthPage, type Truth } from "../types.js";
import type { FamilyRules } from "./families.js";
import { formatNumber, type MoneyStyle } from "./format.js";
import type { GrammarLocaleSpec } from "./locales.js";
import { titleWordings, wordings, type Lang, type WordKey } from "./words.js";
import { concat, plain, type Piece } from "../pieces.js";

export { concat, plain, type Piece } from "../pieces.js";

/** Fills "{name}" placeholders of a template with pieces, keeping their spans. */
export function fill(template: string, values: Record<string, Piece | string>): Piece {
  const parts: Piece[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const v = values[m[1] as string];
    if (v === undefined) continue;
    parts.push(plain(template.slice(last, m.index)));
    parts.push(typeof v === "string" ? plain(v) : v);
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(plain(template.slice(last)));
  return concat(...parts);
}

/**
 * Width of a text as a page fraction, from Helvetica-like glyph widths (capitals and digits wider
 * than lower case). Deliberately generous: the renderers' own estimate is narrower, and real fonts
 * must not make blocks collide.
 */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (ch === " ") em += 0.28;
    else if (/[0-9]/.test(ch)) em += 0.56;
    else if (/[.,:;'!|·]/.test(ch)) em += 0.28;
    else if (ch !== ch.toLowerCase()) em += 0.7;
    else if (/[mw]/.test(ch)) em += 0.84;
    else em += 0.53;
  }
  return (Math.max(em, text.length * 0.5) * size * (bold ? 1.16 : 1.04)) / PAGE_WIDTH_PT;
}

/** Pages under construction; coordinates are page fractions, y the top of the text. */
export class Layout {
  readonly pages: SynthPage[] = [{ number: 1, items: [] }];
  y = 0.05;

  get page(): SynthPage {
    return this.pages[this.pages.length - 1] as SynthPage;
  }

  add(piece: Piece, x: number, y: number, size: number, bold = false): void {
    if (piece.text.trim() === "") return;
    // Keep the whole run on the page: shift it left when it would run over the right edge.
    const w = textWidth(piece.text, size, bold);
    let left = x;
    if (left + w > 0.98) left = 0.98 - w;
    left = Math.min(0.97, Math.max(0.01, left));
    const top = Math.min(0.98, Math.max(0.01, y));
    this.page.items.push({ text: piece.text, x: left, y: top, size, bold, spans: piece.spans });
  }

  addRight(piece: Piece, right: number, y: number, size: number, bold = false): void {
    this.add(piece, right - textWidth(piece.text, size, bold), y, size, bold);
  }

  addCenter(piece: Piece, center: number, y: number, size: number, bold = false): void {
    this.add(piece, center - textWidth(piece.text, size, bold) / 2, y, size, bold);
  }

  newPage(top = 0.05): void {
    this.pages.push({ number: this.pages.length + 1, items: [] });
    this.y = top;
  }
}

/** Which truth fields a document type carries (parties always). */
const TRUTH_FIELDS: Partial<Record<DocumentType, FieldName[]>> = {
  invoice: [
    "invoiceNumber",
    "invoiceDate",
    "dueDate",
    "subtotal",
    "taxAmount",
    "totalAmount",
    "currency",
    "iban",
    "purchaseOrderNumber",
  ],
  credit_note: ["invoiceNumber", "invoiceDate", "subtotal", "taxAmount", "totalAmount", "currency", "iban"],
  receipt: ["invoiceNumber", "invoiceDate", "subtotal", "taxAmount", "totalAmount", "currency"],
  purchase_order: ["purchaseOrderNumber", "invoiceDate", "subtotal", "taxAmount", "totalAmount", "currency"],
};

export const asksForPayment = (t: DocumentType): boolean => TRUTH_FIELDS[t] !== undefined;

/** Everything one document's builders share. */
export class Ctx {
  readonly fields: Truth["fields"] = {};
  readonly lang: Lang;
  readonly taxWord: string;

  constructor(
    readonly rng: Prng,
    readonly loc: GrammarLocaleSpec,
    readonly split: Split,
    readonly docType: DocumentType,
    readonly rules: FamilyRules,
    readonly money: MoneyStyle,
    readonly date: (d: Date) => string,
  ) {
    this.lang = loc.lang;
    this.taxWord = rng.pick(loc.taxWords);
  }

  /** Whether `field` is a truth field of this document type. */
  carries(field: FieldName): boolean {
    if (field === "vendorName" || field === "customerName") return true;
    return TRUTH_FIELDS[this.docType]?.includes(field) ?? false;
  }

  /** A value printed as `text`, marked as `field` when the document type carries it. */
  mark(field: FieldName | undefined, value: string, text: string): Piece {
    if (!field || !this.carries(field)) return plain(text);
    const prior = this.fields[field];
    if (prior !== undefined && prior !== value)
      throw new Error(`grammar: ${field} marked as both ${prior} and ${value}`);
    this.fields[field] = value;
    return { text, spans: [{ field, start: 0, end: text.length }] };
  }

  /** One wording of a key for this split, with the tax word filled in. */
  word(key: WordKey, upper = false): string {
    const w = this.rng.pick(wordings(this.lang, key, this.split)).replaceAll("{tax}", this.taxWord);
    return upper ? w.toUpperCase().replace(/\{(\w+)\}/g, (m) => m.toLowerCase()) : w;
  }

  title(): string {
    return this.rng.pick(titleWordings(this.lang, this.docType, this.split));
  }

  /** An amount as printed, with the currency mark when the style (or `forceMark`) asks for it. */
  amount(cents: number, field: FieldName | undefined, isTotal = false, forceMark = false): Piece {
    const m = this.money;
    const num = this.mark(field, normalCents(cents), formatNumber(cents, m.number, m.decimals));
    const show = forceMark || m.where === "all" || (m.where === "total" && isTotal);
    if (!show) return num;
    const cur = this.mark("currency", m.currency, m.mark);
    const sep = plain(m.space ? " " : "");
    return m.before ? concat(cur, sep, num) : concat(num, sep, cur);
  }

  /** The currency mark alone (column headers, receipt total labels). */
  currencyMark(): Piece {
    return this.mark("currency", this.money.currency, this.money.mark);
  }

  dateOf(d: Date, field: FieldName | undefined): Piece {
    return this.mark(field, isoOf(d), this.date(d));
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");
const isoOf = (d: Date): string => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const normalCents = (cents: number): string =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100)}`;

/** Weighted pick. */
export function weighted<T>(rng: Prng, options: ReadonlyArray<readonly [T, number]>): T {
  const total = options.reduce((a, [, w]) => a + w, 0);
  let r = rng.next() * total;
  for (const [v, w] of options) {
    r -= w;
    if (r < 0) return v;
  }
  return (options[options.length - 1] as readonly [T, number])[0];
}

export const rangeInt = (rng: Prng, [a, b]: [number, number]): number => rng.int(a, b);
export const rangeFloat = (rng: Prng, [a, b]: [number, number]): number => a + rng.next() * (b - a);

/** Rounds cents to a multiple of `unit` (100 for whole units such as yen). */
export const roundTo = (cents: number, unit: number): number => Math.round(cents / unit) * unit;
