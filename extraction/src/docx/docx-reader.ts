import type { ExtractedPage } from "@docsift/core";
import { DocsiftError } from "@docsift/core";
import { asCorrupt, throwIfAborted } from "../corrupt.js";
import type { ReaderContext } from "../reader.js";
import { DocumentXmlParser } from "./document-xml.js";
import { openZipEntry, type OpenedEntry } from "./zip-entry.js";

const MAIN_PART = "word/document.xml";

/**
 * Reads a DOCX by streaming `word/document.xml` out of the ZIP through a SAX parser: memory
 * holds one chunk of XML and the page being composed, whatever the document's size (no
 * mammoth: it builds the whole document tree). A ZIP without that part is not a Word file.
 */
export async function* readDocx(
  path: string,
  ctx: ReaderContext,
): AsyncGenerator<ExtractedPage, void, undefined> {
  let entry: OpenedEntry | undefined;
  try {
    entry = await openZipEntry(path, MAIN_PART, {
      maxUncompressedBytes: ctx.limits.maxDocxXmlBytes,
      maxRatio: ctx.limits.maxZipRatio,
    });
  } catch (err) {
    throwIfAborted(ctx.signal);
    throw asCorrupt(err, "DOCX document");
  }
  if (!entry) {
    throw new DocsiftError(
      "UNSUPPORTED_DOCUMENT",
      "This ZIP file is not a Word document (it has no word/document.xml).",
    );
  }
  const opened = entry;
  const closeOnAbort = (): void => {
    opened.stream.destroy(ctx.signal.reason as Error);
  };
  ctx.signal.addEventListener("abort", closeOnAbort, { once: true });
  const parser = new DocumentXmlParser(ctx.limits.maxCharacters);
  try {
    for await (const chunk of opened.stream) {
      parser.write(chunk as Buffer);
      yield* parser.takePages();
    }
    parser.close();
    yield* parser.takePages();
  } catch (err) {
    throwIfAborted(ctx.signal);
    throw asCorrupt(err, "DOCX document");
  } finally {
    ctx.signal.removeEventListener("abort", closeOnAbort);
    opened.close();
  }
}
