import type { DocumentType, FieldName } from "@docsift/core";

export const LOCALE_IDS = ["en", "de", "fr", "es"] as const;
export type LocaleId = (typeof LOCALE_IDS)[number];

export type Split = "train" | "heldout";

/** Where a truth value occurs inside an item's text; used to label candidates. */
export interface FieldSpan {
  field: FieldName;
  start: number;
  end: number;
}

/** One run of text at a known position; coordinates are page fractions, origin top-left. */
export interface SynthItem {
  text: string;
  x: number;
  y: number;
  /** Font size in points on an A4 page (595 x 842 pt). */
  size: number;
  bold: boolean;
  spans: FieldSpan[];
}

export interface SynthPage {
  number: number;
  items: SynthItem[];
}

export interface Truth {
  documentType: DocumentType;
  /** Normalised values (ISO dates, "1234.50", upper-case IBAN, ISO 4217), absent when the document has none. */
  fields: Partial<Record<FieldName, string>>;
}

export interface SyntheticDocument {
  seed: number;
  split: Split;
  locale: LocaleId;
  template: string;
  pages: SynthPage[];
  truth: Truth;
}

export const PAGE_WIDTH_PT = 595;
export const PAGE_HEIGHT_PT = 842;
