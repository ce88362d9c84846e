import { open } from "node:fs/promises";
import { DocsiftError, signatureKind, xmlInvoiceHead, type DocumentKind } from "@docsift/core";
import { detectTextEncoding } from "./text/encoding.js";

/** How many bytes of a file the sniffers and the text encoding detector look at. */
export const HEAD_BYTES = 8 * 1024;

/**
 * The kind of a document from its first bytes (an XML e-invoice by its root element) (pass at least the first {@link HEAD_BYTES}),
 * never from a name or a declared content type. Undefined when nothing matches.
 * @throws DocsiftError EMPTY_DOCUMENT for zero bytes.
 */
export function sniffDocumentKind(head: Uint8Array): DocumentKind | undefined {
  if (head.length === 0) throw new DocsiftError("EMPTY_DOCUMENT");
  return (
    signatureKind(head) ??
    (xmlInvoiceHead(head) ? "xml" : undefined) ??
    (detectTextEncoding(head.subarray(0, HEAD_BYTES)) ? "text" : undefined)
  );
}

/** The first `bytes` of a file (fewer if it is shorter): what `readDocument` needs as `head`. */
export async function readFileHead(path: string, bytes = HEAD_BYTES): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
