import { DocsiftError } from "@docsift/core";
import { SaxesParser, type SaxesTagPlain } from "saxes";

/** An element by its local name (namespace prefixes dropped: UBL and CII use varying ones). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Its own text, as written (character references resolved). */
  text: string;
}

export interface XmlTreeLimits {
  maxXmlBytes: number;
  maxXmlDepth: number;
  maxXmlElements: number;
}

export interface XmlTree {
  root: XmlElement;
  /** Characters of text kept (binary attachments excluded). */
  characters: number;
}

const local = (name: string): string => name.slice(name.indexOf(":") + 1);

/** Embedded documents (base64 PDFs, images) are no invoice data: their text is not kept. */
const isBinary = (name: string): boolean => name.endsWith("BinaryObject");

export const unsafeXml = (reason: string, message: string, details: Record<string, unknown> = {}) =>
  new DocsiftError("UNSUPPORTED_DOCUMENT", message, { details: { reason, ...details } });

/**
 * Parses an e-invoice's XML into a small element tree with hard limits: at most `maxXmlBytes`
 * (DOCUMENT_TOO_LARGE), `maxXmlDepth` levels of nesting and `maxXmlElements` elements
 * (DOCUMENT_TOO_LARGE), no document type
 * declaration at all (UNSUPPORTED_DOCUMENT, reason "xml-doctype": internal entities are how
 * billion-laughs expands, external ones how XXE reads files, and neither UBL nor CII uses a DTD),
 * UTF-8 only. saxes expands no entity but the five predefined ones, so an entity reference without
 * a DTD is malformed XML: CORRUPT_DOCUMENT, like any other parse error.
 */
export async function parseXmlTree(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limits: XmlTreeLimits,
  signal?: AbortSignal,
): Promise<XmlTree> {
  const sax = new SaxesParser({ xmlns: false, position: false });
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let characters = 0;
  let bytes = 0;
  let skipDepth = 0;
  let elements = 0;
  sax.on("doctype", () => {
    throw unsafeXml("xml-doctype", "XML with a document type declaration (DTD, entities) is not accepted.");
  });
  sax.on("xmldecl", (decl) => {
    if (decl.encoding && !/^utf-?8$/i.test(decl.encoding))
      throw unsafeXml("xml-encoding", `XML invoices are read in UTF-8; this one declares ${decl.encoding}.`, {
        encoding: decl.encoding,
      });
  });
  sax.on("opentag", (tag) => {
    if (stack.length >= limits.maxXmlDepth)
      throw new DocsiftError(
        "DOCUMENT_TOO_LARGE",
        `The XML nests elements deeper than ${limits.maxXmlDepth} levels.`,
        { details: { reason: "xml-depth", maxXmlDepth: limits.maxXmlDepth } },
      );
    // The tree is held until mapped: a wide document of tiny elements must not fill the memory.
    if (++elements > limits.maxXmlElements)
      throw new DocsiftError(
        "DOCUMENT_TOO_LARGE",
        `The XML has more than ${limits.maxXmlElements} elements.`,
        {
          details: { reason: "xml-elements", maxXmlElements: limits.maxXmlElements },
        },
      );
    const plain = tag as SaxesTagPlain;
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(plain.attributes)) attributes[local(key)] = value;
    const element: XmlElement = { name: local(plain.name), attributes, children: [], text: "" };
    if (skipDepth > 0 || isBinary(element.name)) skipDepth++;
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  sax.on("closetag", () => {
    stack.pop();
    if (skipDepth > 0) skipDepth--;
  });
  const onText = (text: string): void => {
    const current = stack.at(-1);
    if (!current || skipDepth > 0) return;
    current.text += text;
    characters += text.length;
  };
  sax.on("text", onText);
  sax.on("cdata", onText);
  try {
    for await (const chunk of chunks) {
      if (signal?.aborted) throw signal.reason;
      bytes += chunk.length;
      if (bytes > limits.maxXmlBytes) throw tooLarge(limits.maxXmlBytes);
      sax.write(decoder.decode(chunk, { stream: true }));
    }
    sax.write(decoder.decode());
    sax.close();
  } catch (err) {
    if (err instanceof DocsiftError) throw err;
    if (err instanceof Error && err.name === "AbortError") throw err;
    if (signal?.aborted) throw signal.reason;
    throw new DocsiftError("CORRUPT_DOCUMENT", "The XML invoice could not be read; it is not well-formed.", {
      cause: err,
      details: { reason: err instanceof Error ? err.message : String(err) },
    });
  }
  if (!root) throw new DocsiftError("CORRUPT_DOCUMENT", "The XML has no root element.");
  return { root, characters };
}

export const tooLarge = (maxXmlBytes: number): DocsiftError =>
  new DocsiftError("DOCUMENT_TOO_LARGE", `The XML invoice is larger than ${maxXmlBytes} bytes.`, {
    details: { reason: "xml-size", maxXmlBytes },
  });

/** The first child with this local name, following a path of names. */
export function child(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let at = element;
  for (const name of path) {
    at = at?.children.find((c) => c.name === name);
    if (!at) return undefined;
  }
  return at;
}

/** Every child with this local name. */
export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] =>
  element?.children.filter((c) => c.name === name) ?? [];

/** The trimmed text at a path; undefined when the element is missing or blank. */
export function textAt(element: XmlElement | undefined, ...path: string[]): string | undefined {
  const text = child(element, ...path)?.text.trim();
  return text ? text : undefined;
}
