import { readFile } from "node:fs/promises";
import type { ExtractedPage } from "@docsift/core";
import { DocsiftError } from "@docsift/core";
import { throwIfAborted } from "../corrupt.js";
import { recognizeWith, type ReaderContext } from "../reader.js";

/**
 * An image is one page recognised by OCR. The engine wants the encoded image, so the file is
 * read once into memory (the temp file is the only other copy). Without OCR an image has no
 * text to read: a permanent failure, not an empty result.
 */
export async function* readImage(
  path: string,
  ctx: ReaderContext,
): AsyncGenerator<ExtractedPage, void, undefined> {
  if (!ctx.ocr) {
    throw new DocsiftError("UNSUPPORTED_DOCUMENT", "Images need OCR, which is turned off for this worker.", {
      details: { reason: "ocr-disabled" },
    });
  }
  const image = await readFile(path, { signal: ctx.signal });
  throwIfAborted(ctx.signal);
  yield await recognizeWith(ctx.ocr, image, 1);
}
