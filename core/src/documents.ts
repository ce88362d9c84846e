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
  "application/xml": "xml",
  "text/xml": "xml",
} as const satisfies Record<string, DocumentKind>;
export type AllowedContentType = keyof typeof ALLOWED_CONTENT_TYPES;
export const ALLOWED_CONTENT_TYPE_LIST = Object.keys(ALLOWED_CONTENT_TYPES) as [
  AllowedContentType,
  ...AllowedContentType[],
];

export const kindOfContentType = (contentType: string): DocumentKind | undefined =>
  (ALLOWED_CONTENT_TYPES as Record<string, DocumentKind>)[contentType.split(";")[0]!.trim().toLowerCase()];

/**
 * Bytes an XML e-invoice may have. Real ones are tens of KB; XRechnung may embed documents in
 * base64, a few MB. Anything near the upload cap is no invoice but an attack on the parser.
 */
export const MAX_XML_INVOICE_BYTES = 32 * MIB;

/** The most bytes a document of this kind may have, under the deployment's upload cap. */
export const maxBytesOfKind = (kind: DocumentKind | undefined, uploadMaxBytes: number): number =>
  kind === "xml" ? Math.min(uploadMaxBytes, MAX_XML_INVOICE_BYTES) : uploadMaxBytes;

/** The content type a sniffed kind is uploaded as: the inverse of the allow-list. */
export const contentTypeOfKind = (kind: DocumentKind): AllowedContentType | undefined =>
  ALLOWED_CONTENT_TYPE_LIST.find((ct) => ALLOWED_CONTENT_TYPES[ct] === kind);

const SIGNATURES: ReadonlyArray<{ kind: Exclude<DocumentKind, "text" | "xml">; magic: readonly number[] }> = [
  { kind: "pdf", magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
  // A DOCX is a ZIP; whether it holds a Word document is confirmed when it is opened.
  { kind: "docx", magic: [0x50, 0x4b, 0x03, 0x04] },
  { kind: "png", magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: "jpeg", magic: [0xff, 0xd8, 0xff] },
  { kind: "tiff", magic: [0x49, 0x49, 0x2a, 0x00] },
  { kind: "tiff", magic: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** The binary kind whose magic bytes `head` starts with; undefined for anything else (text too). */
export function signatureKind(head: Uint8Array): Exclude<DocumentKind, "text" | "xml"> | undefined {
  for (const { kind, magic } of SIGNATURES)
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  return undefined;
}

/** The e-invoice syntaxes read from XML, by the namespace of their root element. */
export const E_INVOICE_ROOTS = {
  "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": { syntax: "ubl", root: "Invoice" },
  "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": { syntax: "ubl", root: "CreditNote" },
  "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": {
    syntax: "cii",
    root: "CrossIndustryInvoice",
  },
} as const;
export type EInvoiceSyntax = (typeof E_INVOICE_ROOTS)[keyof typeof E_INVOICE_ROOTS]["syntax"];

export interface XmlInvoiceHead {
  syntax: EInvoiceSyntax;
  /** The root element's local name: Invoice, CreditNote or CrossIndustryInvoice. */
  root: string;
  /** A document type declaration precedes the root: refused by the reader (entities, external DTDs). */
  doctype: boolean;
}

/** How far into a document the root element is looked for: intake reads no more than this. */
export const XML_HEAD_BYTES = 4096;

/**
 * Whether the first bytes of a document are an XML e-invoice: the prolog (declaration, comments,
 * processing instructions, a DOCTYPE) skipped, the root's start tag complete within `head`, its
 * local name and the namespace bound to its prefix one of {@link E_INVOICE_ROOTS}. UTF-8 only
 * (with or without BOM), which is what UBL and CII are exchanged in.
 */
export function xmlInvoiceHead(head: Uint8Array): XmlInvoiceHead | undefined {
  let text = new TextDecoder("utf-8", { fatal: false }).decode(head.subarray(0, XML_HEAD_BYTES));
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  let doctype = false;
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (text.startsWith("<?", at)) {
      const end = text.indexOf("?>", at);
      if (end < 0) return undefined;
      at = end + 2;
    } else if (text.startsWith("<!--", at)) {
      const end = text.indexOf("-->", at);
      if (end < 0) return undefined;
      at = end + 3;
    } else if (text.startsWith("<!DOCTYPE", at)) {
      doctype = true;
      const subset = text.indexOf("[", at);
      const close = text.indexOf(">", at);
      if (close < 0) return undefined;
      if (subset >= 0 && subset < close) {
        const end = text.indexOf("]", subset);
        const after = end < 0 ? -1 : text.indexOf(">", end);
        if (after < 0) return undefined;
        at = after + 1;
      } else at = close + 1;
    } else break;
  }
  const tag =
    /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(
      text.slice(at),
    );
  if (!tag) return undefined;
  const prefix = tag[1]?.slice(0, -1);
  const name = tag[2]!;
  const attribute = prefix ? `xmlns:${prefix}` : "xmlns";
  let namespace: string | undefined;
  for (const m of tag[3]!.matchAll(/\s+([^\s=>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    if (m[1] === attribute) namespace = m[2] ?? m[3];
  const known = namespace
    ? (E_INVOICE_ROOTS as Record<string, { syntax: EInvoiceSyntax; root: string }>)[namespace]
    : undefined;
  if (!known || known.root !== name) return undefined;
  return { syntax: known.syntax, root: name, doctype };
}

/**
 * Content sniffing of the first bytes of a document: magic bytes for the binary kinds, an
 * e-invoice root element for "xml" ({@link xmlInvoiceHead}). Text is what is left when nothing
 * else matches and the sample has no NUL byte (UTF-16 is recognised by its BOM), so XML that is
 * no invoice stays text.
 */
export function sniffKind(head: Uint8Array): DocumentKind | undefined {
  if (head.length === 0) return undefined;
  const binary = signatureKind(head);
  if (binary) return binary;
  if (xmlInvoiceHead(head)) return "xml";
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
