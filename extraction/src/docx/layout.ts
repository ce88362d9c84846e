import type { ExtractedPage, TextLine } from "@docsift/core";
import { tooManyCharacters } from "../limits.js";

// A flowed document has no positions; these place its lines on a US Letter page with 1-inch
// margins (twips: 1/20 pt), the Word default, so DOCX features look like a PDF of the same text.
const PAGE_WIDTH = 12240;
const PAGE_HEIGHT = 15840;
const MARGIN = 1440;
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
/** A synthetic page break every this many lines when the document has no explicit break. */
export const DOCX_LINES_PER_PAGE = 50;
const LINE_PITCH = (PAGE_HEIGHT - 2 * MARGIN) / DOCX_LINES_PER_PAGE;
const LINE_HEIGHT = 240; // 12 pt
/** Average advance of a character of 11 pt body text, for an estimated line width. */
const CHAR_WIDTH = 110;

/**
 * Lays paragraphs out as lines on synthetic pages: explicit page breaks start a new page (a
 * page with no text never), and a page also ends after {@link DOCX_LINES_PER_PAGE} lines. Blank
 * paragraphs take a line's space but produce no line. Finished pages are collected for the
 * reader to take; the character cap is checked as lines arrive.
 */
export class PageComposer {
  readonly #done: ExtractedPage[] = [];
  #number = 1;
  #slot = 0;
  #lines: TextLine[] = [];
  #characters = 0;

  constructor(private readonly maxCharacters: number) {}

  /**
   * One paragraph line; `indentTwips` is its offset from the left margin. Its tab-separated parts
   * become separate lines at the positions Word puts them (see {@link tabSegments}), as a PDF of
   * the document would show them: a header laid out with tab stops reads as columns.
   */
  addLine(text: string, indentTwips: number, stops: readonly TabStop[] = []): void {
    this.addSegments(tabSegments(text, indentTwips, stops));
  }

  /** Parts of one line (a row's cells, a paragraph's tab stops), each at its offset from the margin. */
  addSegments(segments: ReadonlyArray<{ text: string; offset: number }>): void {
    if (this.#slot >= DOCX_LINES_PER_PAGE) this.pageBreak();
    const slot = this.#slot++;
    const parts = segments
      .map((s) => ({ text: s.text.replace(/\s+/g, " ").trim(), offset: s.offset }))
      .filter((s) => s.text !== "")
      .sort((a, b) => a.offset - b.offset);
    for (const { text, offset } of parts) {
      this.#characters += text.length;
      if (this.#characters > this.maxCharacters) throw tooManyCharacters(this.maxCharacters);
      const left = Math.min(Math.max(0, MARGIN + offset), PAGE_WIDTH - MARGIN);
      this.#lines.push({
        text,
        page: this.#number,
        index: this.#lines.length,
        x: left / PAGE_WIDTH,
        y: (MARGIN + slot * LINE_PITCH) / PAGE_HEIGHT,
        width: Math.min(text.length * CHAR_WIDTH, MARGIN + TEXT_WIDTH - left) / PAGE_WIDTH,
        height: LINE_HEIGHT / PAGE_HEIGHT,
      });
    }
  }

  pageBreak(): void {
    // Blank lines alone do not make a page: a break right after another break is one break.
    if (this.#lines.length === 0) {
      this.#slot = 0;
      return;
    }
    this.#done.push({ number: this.#number, source: "docx", lines: this.#lines });
    this.#number++;
    this.#slot = 0;
    this.#lines = [];
  }

  /** Ends the document: the last page is kept even when the document has no text at all. */
  finish(): void {
    if (this.#slot > 0 || this.#number === 1) {
      this.#done.push({ number: this.#number, source: "docx", lines: this.#lines });
      this.#slot = 0;
      this.#lines = [];
      this.#number++;
    }
  }

  takePages(): ExtractedPage[] {
    return this.#done.splice(0);
  }
}

/** A paragraph's custom tab stop: `pos` twips from the left margin. */
export interface TabStop {
  pos: number;
  align: "left" | "right" | "center";
}

/** Word's default tab stops, every half inch, where a paragraph defines none further right. */
const DEFAULT_TAB = 720;

/**
 * Splits a line at its tabs and places each part as Word does: a tab moves to the next stop past
 * the text before it (a custom stop, else the next default one), where the part starts (left
 * stop), ends (right or decimal stop) or is centred. Widths are estimated from the character
 * count, as the line widths are.
 */
export function tabSegments(
  text: string,
  indentTwips: number,
  stops: readonly TabStop[],
): Array<{ text: string; offset: number }> {
  const parts = text.split("\t");
  if (parts.length === 1) return [{ text, offset: indentTwips }];
  const sorted = [...stops].sort((a, b) => a.pos - b.pos);
  const out: Array<{ text: string; offset: number }> = [];
  let cursor = indentTwips;
  parts.forEach((part, i) => {
    const width = part.trim().length * CHAR_WIDTH;
    let offset = cursor;
    if (i > 0) {
      const stop = sorted.find((s) => s.pos > cursor);
      if (!stop) offset = (Math.floor(cursor / DEFAULT_TAB) + 1) * DEFAULT_TAB;
      else if (stop.align === "left") offset = stop.pos;
      else offset = Math.max(cursor, stop.pos - (stop.align === "right" ? width : width / 2));
    }
    out.push({ text: part, offset });
    cursor = offset + width;
  });
  return out;
}

/** Twips from the left margin where table column `column` starts, from the table's grid. */
export function columnOffset(grid: readonly number[], column: number): number {
  let offset = 0;
  for (let i = 0; i < column && i < grid.length; i++) offset += grid[i] ?? 0;
  return offset;
}
