// The text of a document as the worker reads it, page by page, with enough layout for the
// model's features. Produced by @docsift/extraction, consumed by @docsift/model.

/**
 * What a document is, decided from its content, never from its name: magic bytes, or for "xml"
 * an e-invoice root element (UBL Invoice/CreditNote, CII CrossIndustryInvoice).
 */
export const DOCUMENT_KINDS = ["pdf", "docx", "text", "png", "jpeg", "tiff", "xml"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type PageSource = "text-layer" | "ocr" | "docx" | "plain-text";

/**
 * One line of text. Coordinates are fractions of the page (0..1, origin top-left), so PDF,
 * OCR and flowed formats (DOCX, plain text: x from indentation, y from line position) share
 * one feature space.
 */
export interface TextLine {
  text: string;
  /** 1-based page number. */
  page: number;
  /** 0-based line index within the page, in reading order. */
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Font size in points where the reader knows it (PDF text layer); absent for OCR and flowed text. */
  fontSize?: number;
  /** The line is set in a bold face, where the reader knows it. */
  bold?: boolean;
}

export interface ExtractedPage {
  /** 1-based. */
  number: number;
  source: PageSource;
  lines: TextLine[];
}
