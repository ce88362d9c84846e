import type { DocumentKind } from "./document-text.js";
import { MIB } from "./names.js";

/** Declared content types a user may upload, and the document kind each must sniff as. */
export const ALLOWED_CONTENT_TYPES = {
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/plain": "text",
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/tiff": "tiff",
} as const satisfies Record<string, DocumentKind>;
export type AllowedContentType = keyof typeof ALLOWED_CONTENT_TYPES;
export const ALLOWED_CONTENT_TYPE_LIST = Object.keys(ALLOWED_CONTENT_TYPES) as [
  AllowedContentType,
  ...AllowedContentType[],
];

export const kindOfContentType = (contentType: string): DocumentKind | undefined =>
  (ALLOWED_CONTENT_TYPES as Record<string, DocumentKind>)[contentType.split(";")[0]!.trim().toLowerCase()];

/** The content type a sniffed kind is uploaded as: the inverse of the allow-list. */
export const contentTypeOfKind = (kind: DocumentKind): AllowedContentType | undefined =>
  ALLOWED_CONTENT_TYPE_LIST.find((ct) => ALLOWED_CONTENT_TYPES[ct] === kind);

const SIGNATURES: ReadonlyArray<{ kind: Exclude<DocumentKind, "text">; magic: readonly number[] }> = [
  { kind: "pdf", magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
  // A DOCX is a ZIP; whether it holds a Word document is confirmed when it is opened.
  { kind: "docx", magic: [0x50, 0x4b, 0x03, 0x04] },
  { kind: "png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: "jpeg", magic: [0xff, 0xd8, 0xff] },
  { kind: "tiff", magic: [0x49, 0x49, 0x2a, 0x00] },
  { kind: "tiff", magic: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** The binary kind whose magic bytes `head` starts with; undefined for anything else (text too). */
export function signatureKind(head: Uint8Array): Exclude<DocumentKind, "text"> | undefined {
  for (const { kind, magic } of SIGNATURES)
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  return undefined;
}

/**
 * Magic-byte sniffing of the first bytes of a document. Text is what is left when no binary
 * signature matches and the sample has no NUL byte (UTF-16 is recognised by its BOM).
 */
export function sniffKind(head: Uint8Array): DocumentKind | undefined {
  if (head.length === 0) return undefined;
  const binary = signatureKind(head);
  if (binary) return binary;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return "text";
  if (head.includes(0)) return undefined;
  return "text";
}

/**
 * Makes a user-supplied file name safe to store and show: no path, no control or reserved
 * characters, bounded length, extension kept.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  // Control characters are built from their code points: they are exactly what is replaced.
  const unsafe = new RegExp(
    `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}<>:"|?*]`,
    "g",
  );
  let name = base.normalize("NFC").replace(unsafe, "_").replace(/\s+/g, " ").trim();
  name = name.replace(/^\.+/, "");
  if (name.length > 200) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
    name = name.slice(0, 200 - ext.length) + ext;
  }
  return name || "document";
}

/** Block size the PWA and CLI use for direct block uploads: 8 MiB keeps 100 MiB at 13 blocks. */
export const UPLOAD_BLOCK_SIZE_BYTES = 8 * MIB;
