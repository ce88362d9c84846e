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
