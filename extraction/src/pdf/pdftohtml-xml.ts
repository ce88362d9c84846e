import type { ExtractedPage, TextLine } from "@docsift/core";
import { expandLigatures } from "../layout/ligatures.js";
import { clamp01 } from "../layout/lines.js";
import { tooManyCharacters } from "../limits.js";

const ROOT = "<pdf2xml";
/** Rows on one baseline within this share of the page height count as one row, read left to right. */
const SAME_ROW = 0.004;
/** pdftohtml's default zoom (we pass no `-zoom`): its sizes and boxes are 1.5× the PDF's points. */
const PDFTOHTML_ZOOM = 1.5;
/** A family name that says the face is bold (when poppler did not wrap the run in `<b>`). */
const BOLD_FAMILY = /bold|black|heavy|demi|semibold/i;

/** A `<fontspec>`: its size in points and whether its family name is a bold face. */
interface FontSpec {
  size: number;
  bold: boolean;
}

/**
 * Parses `pdftohtml -xml` as it streams. Each `<text>` element is one run of text on one line,
 * with its box in the page's own coordinates (`<page width height>`), so a line costs one
 * element, not one row per word as in `pdftotext -tsv`: poppler writes a quarter of the bytes
 * and the parser reads them in a fraction of the time. A page is handed out at its `</page>`,
 * so only one page is held at a time; its lines are ordered top to bottom, then left to right,
 * the order the model is trained on. Inline markup (`<b>`, `<i>`, `<a>`) is dropped and the
 * XML entities decoded; everything outside `<page>` (outline) is skipped. A line's font size
 * comes from its `<fontspec>` (declared once per document, on the page that first uses it), and it
 * is bold when `<b>` covers at least half of its characters or its font family is a bold face.
 */
export class XmlPageParser {
  readonly #decoder = new TextDecoder("utf-8");
  readonly #done: ExtractedPage[] = [];
  readonly #maxCharacters: number;
  #rest = "";
  #sawRoot = false;
  #page: ExtractedPage | undefined;
  #pageWidth = 1;
  #pageHeight = 1;
  #characters = 0;
  readonly #fonts = new Map<string, FontSpec>();

  /** `maxCharacters` is checked per line, so one page full of text cannot fill memory first. */
  constructor(maxCharacters: number) {
    this.#maxCharacters = maxCharacters;
  }

  write(chunk: Buffer): void {
    this.#elements(this.#rest + this.#decoder.decode(chunk, { stream: true }));
  }

  close(): void {
    this.#elements(this.#rest + this.#decoder.decode());
    if (!this.#sawRoot) throw new Error("pdftohtml -xml output has no <pdf2xml> root");
    if (this.#page) throw new Error(`pdftohtml -xml output ends inside page ${this.#page.number}`);
  }

  takePages(): ExtractedPage[] {
    return this.#done.splice(0);
  }

  /** Consumes every complete element in `text`; an element cut by the chunk boundary waits in #rest. */
  #elements(text: string): void {
    let at = text.indexOf("<");
    while (at !== -1) {
      if (text.startsWith("<text ", at)) {
        const open = text.indexOf(">", at);
        const close = open === -1 ? -1 : text.indexOf("</text>", open);
        if (close === -1) break;
        this.#line(text.slice(at + 6, open), text.slice(open + 1, close));
        at = text.indexOf("<", close + 7);
        continue;
      }
      const end = text.indexOf(">", at);
      if (end === -1) break;
      if (text.startsWith("<fontspec ", at)) this.#font(text.slice(at + 10, end));
      else if (text.startsWith("<page ", at)) this.#startPage(text.slice(at + 6, end));
      else if (text.startsWith("</page>", at)) this.#endPage();
      else if (!this.#sawRoot) {
        if (text.startsWith(ROOT, at)) this.#sawRoot = true;
        else if (!text.startsWith("<?xml", at) && !text.startsWith("<!DOCTYPE", at))
          throw new Error(`pdftohtml -xml output starts with ${text.slice(at, Math.min(end + 1, at + 80))}`);
      }
      at = text.indexOf("<", end + 1);
    }
    this.#rest = at === -1 ? "" : text.slice(at);
  }

  #startPage(attrs: string): void {
    if (!this.#sawRoot) throw new Error("pdftohtml -xml output has a page before its <pdf2xml> root");
    if (this.#page) this.#endPage();
    const width = attribute(attrs, "width");
    const height = attribute(attrs, "height");
    if (!(width > 0 && height > 0)) throw new Error(`pdftohtml -xml gave page size ${width}×${height}`);
    this.#pageWidth = width;
    this.#pageHeight = height;
    this.#page = { number: attribute(attrs, "number"), source: "text-layer", lines: [] };
  }

  #line(attrs: string, content: string): void {
    const page = this.#page;
    if (!page) throw new Error("pdftohtml -xml output has text outside a page");
    const text = expandLigatures(plainText(content)).trim();
    if (text === "") return;
    this.#characters += text.length;
    if (this.#characters > this.#maxCharacters) throw tooManyCharacters(this.#maxCharacters);
    const x = clamp01(attribute(attrs, "left") / this.#pageWidth);
    const y = clamp01(attribute(attrs, "top") / this.#pageHeight);
    const line: TextLine = {
      text,
      page: page.number,
      index: 0,
      x,
      y,
      width: Math.min(clamp01(attribute(attrs, "width") / this.#pageWidth), 1 - x),
      height: Math.min(clamp01(attribute(attrs, "height") / this.#pageHeight), 1 - y),
    };
    const font = this.#fonts.get(stringAttribute(attrs, "font"));
    if (font) {
      line.fontSize = font.size;
      line.bold = font.bold || (content.includes("<b>") && boldShare(content) >= 0.5);
    }
    page.lines.push(line);
  }

  #font(attrs: string): void {
    const id = stringAttribute(attrs, "id");
    const px = Number(stringAttribute(attrs, "size"));
    if (id === "" || !(px > 0)) return;
    const size = Math.round((px / PDFTOHTML_ZOOM) * 10) / 10;
    this.#fonts.set(id, { size, bold: BOLD_FAMILY.test(stringAttribute(attrs, "family")) });
  }

  #endPage(): void {
    const page = this.#page;
    if (!page) return;
    this.#page = undefined;
    page.lines.sort(readingOrder);
    page.lines.forEach((line, index) => (line.index = index));
    this.#done.push(page);
  }
}

function readingOrder(a: TextLine, b: TextLine): number {
  return Math.abs(a.y - b.y) < SAME_ROW ? a.x - b.x : a.y - b.y;
}

type AttributeName = "number" | "width" | "height" | "left" | "top";
/** `name="` and ` name="` of each attribute read. */
const ATTRIBUTE_KEYS: Record<AttributeName, readonly [string, string]> = {
  number: ['number="', ' number="'],
  width: ['width="', ' width="'],
  height: ['height="', ' height="'],
  left: ['left="', ' left="'],
  top: ['top="', ' top="'],
};

/** A numeric attribute; pdftohtml always writes them, so a missing one means foreign input. */
function attribute(attrs: string, name: AttributeName): number {
  // Found in place: prefixing the attributes with a space to search for ` name="` cost a string
  // per attribute, four per line of text.
  const [bare, spaced] = ATTRIBUTE_KEYS[name];
  const after = attrs.startsWith(bare) ? -1 : attrs.indexOf(spaced);
  if (after === -1 && !attrs.startsWith(bare))
    throw new Error(`pdftohtml -xml element has no ${name}: <${attrs.slice(0, 120)}>`);
  const at = after + 1;
  const from = at + bare.length;
  const value = Number(attrs.slice(from, attrs.indexOf('"', from)));
  if (!Number.isFinite(value))
    throw new Error(`pdftohtml -xml element has a bad ${name}: <${attrs.slice(0, 120)}>`);
  return value;
}

type StringAttributeName = "font" | "id" | "size" | "family";
const STRING_ATTRIBUTE_KEYS: Record<StringAttributeName, readonly [string, string]> = {
  font: ['font="', ' font="'],
  id: ['id="', ' id="'],
  size: ['size="', ' size="'],
  family: ['family="', ' family="'],
};

/** A string attribute, or "" when absent (fonts are optional: a line without one has no size). */
function stringAttribute(attrs: string, name: StringAttributeName): string {
  const [bare, spaced] = STRING_ATTRIBUTE_KEYS[name];
  let from: number;
  if (attrs.startsWith(bare)) from = bare.length;
  else {
    const at = attrs.indexOf(spaced);
    if (at === -1) return "";
    from = at + spaced.length;
  }
  const end = attrs.indexOf('"', from);
  return end === -1 ? "" : attrs.slice(from, end);
}

/** Share of an element's characters (tags and entities counted as one) inside `<b>`…`</b>`. */
function boldShare(content: string): number {
  let bold = 0;
  let all = 0;
  let depth = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 60) {
      const close = content.indexOf(">", i);
      if (close === -1) break;
      if (content.startsWith("<b>", i)) depth++;
      else if (content.startsWith("</b>", i)) depth = Math.max(0, depth - 1);
      i = close;
      continue;
    }
    if (c === 32) continue;
    if (c === 38) {
      const semi = content.indexOf(";", i);
      if (semi !== -1) i = semi;
    }
    all++;
    if (depth > 0) bold++;
  }
  return all > 0 ? bold / all : 0;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of an element's content: inline tags dropped, entities decoded. */
function plainText(content: string): string {
  if (!content.includes("<") && !content.includes("&")) return content;
  return content.replace(/<[^>]*>/g, "").replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name] ?? whole;
  });
}
