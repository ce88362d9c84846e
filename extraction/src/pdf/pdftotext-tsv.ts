import type { ExtractedPage, TextLine } from "@docsift/core";
import { clamp01 } from "../layout/lines.js";
import { tooManyCharacters } from "../limits.js";

const NEWLINE = "\n";
/** Row levels of `pdftotext -tsv`: 1 page (its size), 3 flow, 4 line (its box), 5 word. */
const LEVEL_PAGE = 1;
const LEVEL_LINE = 4;
const LEVEL_WORD = 5;
/** Field positions in a row: level, page_num, par_num, block_num, line_num, word_num, left, top, width, height, conf, text. */
const FIELD_PAGE = 1;
const FIELD_LEFT = 6;
const FIELD_TEXT = 11;

/**
 * Parses `pdftotext -tsv` as it streams: one row per page, flow, line and word, in pdftotext's
 * reading order (flows, then blocks, then lines), which already separates columns. A line's box
 * is pdftotext's own line row (the union of its words); its text is its words joined by spaces.
 * A page is complete, and handed out, when the next page's row arrives or the output ends, so
 * only one page is held at a time. Rows are cut with indexOf on tabs: a regex or a split per row
 * cost more than pdftotext itself on text-heavy documents.
 */
export class TsvPageParser {
  readonly #decoder = new TextDecoder("utf-8");
  readonly #done: ExtractedPage[] = [];
  readonly #maxCharacters: number;
  #rest = "";
  #sawHeader = false;
  #page: ExtractedPage | undefined;
  #pageWidth = 1;
  #pageHeight = 1;
  #box: Omit<TextLine, "text" | "page" | "index"> | undefined;
  #words: string[] = [];
  #characters = 0;

  /** `maxCharacters` is checked per line, so one page full of text cannot fill memory first. */
  constructor(maxCharacters: number) {
    this.#maxCharacters = maxCharacters;
  }

  write(chunk: Buffer): void {
    this.#rows(this.#rest + this.#decoder.decode(chunk, { stream: true }));
  }

  close(): void {
    this.#rows(this.#rest + this.#decoder.decode() + NEWLINE);
    this.#endLine();
    this.#endPage();
  }

  takePages(): ExtractedPage[] {
    return this.#done.splice(0);
  }

  #rows(text: string): void {
    let start = 0;
    for (let end = text.indexOf(NEWLINE); end !== -1; end = text.indexOf(NEWLINE, start)) {
      if (end > start) this.#row(text, start, end);
      start = end + 1;
    }
    this.#rest = text.slice(start);
  }

  #row(text: string, start: number, end: number): void {
    if (!this.#sawHeader) {
      // The first row names the columns; anything else means this is not pdftotext's TSV.
      if (!text.startsWith("level\t", start)) throw new Error("pdftotext -tsv output has no header row");
      this.#sawHeader = true;
      return;
    }
    const level = text.charCodeAt(start) - 48;
    if (level !== LEVEL_WORD && level !== LEVEL_LINE && level !== LEVEL_PAGE) return;
    if (level === LEVEL_WORD) {
      // The hot path (one row per word): skip to the text without keeping the other fields.
      let at = start;
      for (let field = 0; field < FIELD_TEXT; field++) {
        at = text.indexOf("\t", at) + 1;
        if (at === 0 || at > end) throw tooFewFields(text, start, end);
      }
      if (at < end) this.#words.push(text.slice(at, end));
      return;
    }
    const tabs = fieldStarts(text, start, end);
    this.#endLine();
    const left = numberAt(text, tabs, FIELD_LEFT);
    const top = numberAt(text, tabs, FIELD_LEFT + 1);
    const width = numberAt(text, tabs, FIELD_LEFT + 2);
    const height = numberAt(text, tabs, FIELD_LEFT + 3);
    if (level === LEVEL_LINE) {
      this.#box = {
        x: clamp01(left / this.#pageWidth),
        y: clamp01(top / this.#pageHeight),
        width: clamp01(width / this.#pageWidth),
        height: clamp01(height / this.#pageHeight),
      };
      return;
    }
    this.#endPage();
    if (!(width > 0 && height > 0)) throw new Error(`pdftotext -tsv gave page size ${width}×${height}`);
    this.#pageWidth = width;
    this.#pageHeight = height;
    this.#page = { number: numberAt(text, tabs, FIELD_PAGE), source: "text-layer", lines: [] };
  }

  #endLine(): void {
    const box = this.#box;
    if (box === undefined) return;
    this.#box = undefined;
    const words = this.#words;
    if (words.length === 0 || this.#page === undefined) return;
    this.#words = [];
    const text = words.length === 1 ? words[0]! : words.join(" ");
    this.#characters += text.length;
    if (this.#characters > this.#maxCharacters) throw tooManyCharacters(this.#maxCharacters);
    const lines = this.#page.lines;
    lines.push({ text, page: this.#page.number, index: lines.length, ...box });
  }

  #endPage(): void {
    if (this.#page) this.#done.push(this.#page);
    this.#page = undefined;
    this.#words = [];
  }
}

/** Offsets where each of the 12 fields starts; the text field runs to the end of the row. */
function fieldStarts(text: string, start: number, end: number): number[] {
  const starts = [start];
  let at = start;
  while (starts.length <= FIELD_TEXT) {
    const tab = text.indexOf("\t", at);
    if (tab === -1 || tab >= end) throw tooFewFields(text, start, end);
    at = tab + 1;
    starts.push(at);
  }
  return starts;
}

function numberAt(text: string, starts: number[], field: number): number {
  return Number(text.slice(starts[field], starts[field + 1]! - 1));
}

const tooFewFields = (text: string, start: number, end: number): Error =>
  new Error(`pdftotext -tsv row has too few fields: ${text.slice(start, Math.min(end, start + 200))}`);
