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

  /** `indentTwips` is the offset from the left margin. */
  addLine(text: string, indentTwips: number): void {
    if (this.#slot >= DOCX_LINES_PER_PAGE) this.pageBreak();
    const trimmed = text.replace(/[^\S\t]+/g, " ").trim();
    const slot = this.#slot++;
    if (trimmed === "") return;
    this.#characters += trimmed.length;
    if (this.#characters > this.maxCharacters) throw tooManyCharacters(this.maxCharacters);
    const left = Math.min(Math.max(0, MARGIN + indentTwips), PAGE_WIDTH - MARGIN);
    this.#lines.push({
      text: trimmed,
      page: this.#number,
      index: this.#lines.length,
      x: left / PAGE_WIDTH,
      y: (MARGIN + slot * LINE_PITCH) / PAGE_HEIGHT,
      width: Math.min(trimmed.length * CHAR_WIDTH, MARGIN + TEXT_WIDTH - left) / PAGE_WIDTH,
      height: LINE_HEIGHT / PAGE_HEIGHT,
    });
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

/** Twips from the left margin where table column `column` starts, from the table's grid. */
export function columnOffset(grid: readonly number[], column: number): number {
  let offset = 0;
  for (let i = 0; i < column && i < grid.length; i++) offset += grid[i] ?? 0;
  return offset;
}
