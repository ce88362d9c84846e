import type { ExtractedPage } from "@docsift/core";

/**
 * Optical character recognition of one page image. Implemented by `./ocr/` with PP-OCR
 * (@gutenye/ocr-node); the document readers call it for images and for PDF pages without a
 * text layer, one page at a time because a page costs 0.7–1.6 GB while it is recognised.
 */
export interface OcrEngine {
  /** `image` is an encoded PNG, JPEG or TIFF; `pageNumber` is 1-based. */
  recognizePage(image: Buffer, pageNumber: number): Promise<ExtractedPage>;
  close(): Promise<void>;
}

/**
 * OCR costs seconds and hundreds of megabytes per page: past `maxPages` in one document, further
 * image pages are read as blank instead of failing the whole document. `onCapReached` is called
 * once, at the first page over the cap. The engine is the caller's: closing the capped one does
 * not close it.
 */
export function withOcrPageCap(engine: OcrEngine, maxPages: number, onCapReached?: () => void): OcrEngine {
  let used = 0;
  return {
    async recognizePage(image, pageNumber) {
      if (used >= maxPages) {
        if (used++ === maxPages) onCapReached?.();
        return { number: pageNumber, source: "ocr", lines: [] };
      }
      used++;
      return engine.recognizePage(image, pageNumber);
    },
    close: async () => undefined,
  };
}
