import type { ExtractedPage } from "@docsift/core";
import type { ReadLimits } from "./limits.js";
import type { OcrEngine } from "./ocr-engine.js";

/** What every format reader gets; the signal fires on the caller's abort and on the timeout. */
export interface ReaderContext {
  limits: ReadLimits;
  signal: AbortSignal;
  ocr?: OcrEngine;
}

/** Reads one format page by page; a reader pulls no more input than the page it is producing. */
export type PageReader = (path: string, ctx: ReaderContext) => AsyncGenerator<ExtractedPage, void, undefined>;

/** OCR engines return their own numbering; the reader's page number and source are the truth. */
export async function recognizeWith(
  ocr: OcrEngine,
  image: Buffer,
  pageNumber: number,
): Promise<ExtractedPage> {
  const page = await ocr.recognizePage(image, pageNumber);
  return {
    number: pageNumber,
    source: "ocr",
    lines: page.lines.map((line, index) => ({ ...line, page: pageNumber, index })),
  };
}
