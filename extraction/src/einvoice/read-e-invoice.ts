import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { DocsiftError, xmlInvoiceHead } from "@docsift/core";
import { resolveLimits, type ReadLimits } from "../limits.js";
import { openPdfFile } from "../pdf/pdfjs-document.js";
import { HEAD_BYTES, sniffDocumentKind } from "../sniff.js";
import { mapCii } from "./cii.js";
import type { EInvoice } from "./e-invoice.js";
import { mapUbl } from "./ubl.js";
import { parseXmlTree, tooLarge, unsafeXml, type XmlTreeLimits } from "./xml-tree.js";

/**
 * The names Factur-X (factur-x.xml), ZUGFeRD 2 (zugferd-invoice.xml; ZUGFeRD 1 wrote
 * ZUGFeRD-invoice.xml) and XRechnung-in-PDF (xrechnung.xml) give their attachment, compared
 * without case.
 */
export const E_INVOICE_ATTACHMENT_NAMES = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"] as const;

export interface EInvoiceReading {
  invoice: EInvoice;
  /** The PDF attachment the XML came from; undefined for an XML file. */
  attachment: string | undefined;
}

export interface EInvoiceReadOptions {
  limits?: Partial<ReadLimits>;
  signal?: AbortSignal;
  /** An attachment that looked like an e-invoice but could not be read: the PDF is read as a PDF. */
  onUnreadableAttachment?(name: string, error: DocsiftError): void;
}

/**
 * The structured invoice a document carries, if any: an XML file (UBL Invoice/CreditNote or CII
 * CrossIndustryInvoice) is one, a PDF may have one attached (Factur-X / ZUGFeRD); other kinds and
 * PDFs without one give undefined.
 * @throws DocsiftError for an XML file that breaks a limit or is not a readable e-invoice:
 * DOCUMENT_TOO_LARGE (size, nesting), UNSUPPORTED_DOCUMENT (DTD, encoding, not an invoice),
 * CORRUPT_DOCUMENT (not well-formed).
 */
export async function readEInvoice(
  file: { path: string; head: Uint8Array },
  opts: EInvoiceReadOptions = {},
): Promise<EInvoiceReading | undefined> {
  const limits = resolveLimits(opts.limits);
  const kind = sniffDocumentKind(file.head);
  if (kind === "xml") {
    const { size } = await stat(file.path);
    if (size > limits.maxXmlBytes) throw tooLarge(limits.maxXmlBytes);
    const stream = createReadStream(file.path, { highWaterMark: 64 * 1024 });
    try {
      return { invoice: await parseEInvoice(file.head, stream, limits, opts.signal), attachment: undefined };
    } finally {
      stream.destroy();
    }
  }
  if (kind === "pdf") return embeddedEInvoice(file.path, limits, opts);
  return undefined;
}

/**
 * Parses and maps one e-invoice XML. `head` (its first bytes) decides the syntax before any
 * parsing, so a document type declaration is refused without being read.
 */
export async function parseEInvoice(
  head: Uint8Array,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limits: XmlTreeLimits,
  signal?: AbortSignal,
): Promise<EInvoice> {
  const root = xmlInvoiceHead(head.subarray(0, HEAD_BYTES));
  if (!root) throw new DocsiftError("UNSUPPORTED_DOCUMENT", "This XML is not a UBL or CII e-invoice.");
  if (root.doctype)
    throw unsafeXml("xml-doctype", "XML with a document type declaration (DTD, entities) is not accepted.");
  const tree = await parseXmlTree(chunks, limits, signal);
  // The head named the root; the parser confirms the whole document has that root.
  if (tree.root.name !== root.root)
    throw new DocsiftError("CORRUPT_DOCUMENT", "The XML's root element is not the one it starts with.");
  return root.syntax === "ubl" ? mapUbl(tree.root, tree.characters) : mapCii(tree.root, tree.characters);
}

interface PdfAttachment {
  filename?: string;
  content?: Uint8Array;
}

/**
 * The e-invoice attached to a PDF: an attachment by one of the standard names, else any XML
 * attachment whose root is an invoice. pdfjs reads only the catalog's name tree and the
 * attachments' streams, not the pages.
 */
async function embeddedEInvoice(
  path: string,
  limits: ReadLimits,
  opts: EInvoiceReadOptions,
): Promise<EInvoiceReading | undefined> {
  let attachments: Record<string, PdfAttachment> | null;
  // Opening a damaged PDF can take long (xref reconstruction): the reader's time cap bounds it too.
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const opened = await openPdfFile(path, { forRendering: false, signal }).catch(() => undefined);
  if (opts.signal?.aborted) throw opts.signal.reason;
  // A PDF pdfjs cannot open (in time) has no readable attachment; the page reader reports the damage.
  if (!opened) return undefined;
  try {
    attachments = (await opened.doc.getAttachments().catch(() => null)) as Record<
      string,
      PdfAttachment
    > | null;
    if (!attachments) return undefined;
    const candidates = Object.entries(attachments)
      .map(([key, a]) => ({ name: a.filename ?? key, content: a.content }))
      .filter((a): a is { name: string; content: Uint8Array } => !!a.content && /\.xml$/i.test(a.name))
      .sort((a, b) => rank(a.name) - rank(b.name));
    for (const candidate of candidates) {
      const standard = rank(candidate.name) < E_INVOICE_ATTACHMENT_NAMES.length;
      if (!standard && !xmlInvoiceHead(candidate.content.subarray(0, HEAD_BYTES))) continue;
      try {
        if (candidate.content.length > limits.maxXmlBytes) throw tooLarge(limits.maxXmlBytes);
        const invoice = await parseEInvoice(candidate.content, [candidate.content], limits, opts.signal);
        return { invoice, attachment: candidate.name };
      } catch (err) {
        if (!(err instanceof DocsiftError)) throw err;
        opts.onUnreadableAttachment?.(candidate.name, err);
      }
    }
    return undefined;
  } finally {
    await opened.close();
  }
}

const rank = (name: string): number => {
  const i = (E_INVOICE_ATTACHMENT_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return i < 0 ? E_INVOICE_ATTACHMENT_NAMES.length : i;
};
