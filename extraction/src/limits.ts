import { DocsiftError, MAX_XML_INVOICE_BYTES } from "@docsift/core";

/** Caps that bound what one document may cost the worker. */
export interface ReadLimits {
  /** Pages (PDF pages, synthetic DOCX/text pages, 1 for an image). */
  maxPages: number;
  /** Characters of extracted text over the whole document. */
  maxCharacters: number;
  /** Time spent producing pages, not counting the time the caller holds each page. */
  timeoutMs: number;
  /** Uncompressed size of `word/document.xml`. */
  maxDocxXmlBytes: number;
  /** Uncompressed / compressed bytes of `word/document.xml`, counted while inflating. */
  maxZipRatio: number;
  /** Bytes of an e-invoice's XML (an uploaded file, or the attachment of a PDF). */
  maxXmlBytes: number;
  /** Element nesting of an e-invoice's XML: UBL and CII need about 10. */
  maxXmlDepth: number;
  /** Elements of an e-invoice's XML, each held while it is mapped: about 25 per CII line item. */
  maxXmlElements: number;
}

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxPages: 2000,
  maxCharacters: 5_000_000,
  timeoutMs: 240_000,
  maxDocxXmlBytes: 512 * 1024 * 1024,
  maxZipRatio: 100,
  maxXmlBytes: MAX_XML_INVOICE_BYTES,
  maxXmlDepth: 64,
  maxXmlElements: 250_000,
});

export function resolveLimits(partial: Partial<ReadLimits> | undefined): ReadLimits {
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(partial ?? {}) };
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === "number" && value > 0 && !Number.isNaN(value))) {
      throw new RangeError(`limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const tooManyPages = (pages: number, maxPages: number): DocsiftError =>
  new DocsiftError(
    "TOO_MANY_PAGES",
    `The document has ${pages} pages; at most ${maxPages} can be processed.`,
    {
      details: { pages, maxPages },
    },
  );

/** Too much text is a size limit: DOCUMENT_TOO_LARGE, like too many bytes. */
export const tooManyCharacters = (maxCharacters: number): DocsiftError =>
  new DocsiftError("DOCUMENT_TOO_LARGE", `The document has more than ${maxCharacters} characters of text.`, {
    details: { maxCharacters },
  });
