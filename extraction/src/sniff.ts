import { open } from "node:fs/promises";
import { DocsiftError, type DocumentKind } from "@docsift/core";
import { detectTextEncoding } from "./text/encoding.js";

/** How many bytes of a file the sniffers and the text encoding detector look at. */
export const HEAD_BYTES = 8 * 1024;

const startsWith = (head: Uint8Array, magic: readonly number[]): boolean =>
  head.length >= magic.length && magic.every((b, i) => head[i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const SIGNATURES: ReadonlyArray<{ kind: DocumentKind; magic: readonly number[] }> = [
  { kind: "pdf", magic: ascii("%PDF-") },
  // A DOCX is a ZIP; whether it holds a Word document is confirmed when it is opened.
  { kind: "docx", magic: [0x50, 0x4b, 0x03, 0x04] },
  { kind: "png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: "jpeg", magic: [0xff, 0xd8, 0xff] },
  { kind: "tiff", magic: [0x49, 0x49, 0x2a, 0x00] },
  { kind: "tiff", magic: [0x4d, 0x4d, 0x00, 0x2a] },
];

/**
 * The kind of a document from its first bytes (pass at least the first {@link HEAD_BYTES}),
 * never from a name or a declared content type. Undefined when nothing matches.
 * @throws DocsiftError EMPTY_DOCUMENT for zero bytes.
 */
export function sniffDocumentKind(head: Uint8Array): DocumentKind | undefined {
  if (head.length === 0) throw new DocsiftError("EMPTY_DOCUMENT");
  for (const { kind, magic } of SIGNATURES) if (startsWith(head, magic)) return kind;
  return detectTextEncoding(head.subarray(0, HEAD_BYTES)) ? "text" : undefined;
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
