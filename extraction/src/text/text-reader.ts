import { createReadStream } from "node:fs";
import type { ExtractedPage, TextLine } from "@docsift/core";
import { DocsiftError } from "@docsift/core";
import { throwIfAborted } from "../corrupt.js";
import { tooManyCharacters } from "../limits.js";
import type { ReaderContext } from "../reader.js";
import { detectTextEncoding } from "./encoding.js";

/** Lines per synthetic page of a plain-text file (a printed page of monospaced text). */
export const TEXT_LINES_PER_PAGE = 60;
/** Character columns of a synthetic page: x and width are fractions of this. */
const COLUMNS = 100;
const TAB_WIDTH = 4;

/**
 * Reads a plain-text file as a stream of decoded lines: the encoding comes from the head (BOM,
 * UTF-8 validity, else chardet), pages are {@link TEXT_LINES_PER_PAGE} lines or end at a form
 * feed, and x comes from leading whitespace. Blank lines take their place but yield no line.
 */
export async function* readText(
  path: string,
  head: Uint8Array,
  ctx: ReaderContext,
): AsyncGenerator<ExtractedPage, void, undefined> {
  const guess = detectTextEncoding(head);
  if (!guess)
    throw new DocsiftError("UNSUPPORTED_DOCUMENT", "The text encoding of this file could not be recognised.");
  const decoder = new TextDecoder(guess.encoding, { ignoreBOM: true });
  const page = new TextPageBuilder(ctx.limits.maxCharacters);
  let pending = "";
  const stream = createReadStream(path, {
    start: guess.bomLength,
    highWaterMark: 256 * 1024,
    signal: ctx.signal,
  });
  try {
    for await (const chunk of stream) {
      pending += decoder.decode(chunk as Buffer, { stream: true });
      // A CR at the very end may be the first half of CRLF: keep it for the next chunk.
      const cut = pending.endsWith("\r") ? pending.length - 1 : pending.length;
      const parts = pending.slice(0, cut).split(/\r\n|\n|\r/);
      pending = (parts.pop() ?? "") + pending.slice(cut);
      if (pending.length > ctx.limits.maxCharacters) throw tooManyCharacters(ctx.limits.maxCharacters);
      for (const line of parts) page.add(line);
      yield* page.takePages();
    }
    pending += decoder.decode();
    for (const line of pending.split(/\r\n|\n|\r/)) page.add(line);
    page.finish();
    yield* page.takePages();
  } catch (err) {
    throwIfAborted(ctx.signal);
    throw err;
  } finally {
    stream.destroy();
  }
}

class TextPageBuilder {
  readonly #done: ExtractedPage[] = [];
  #number = 1;
  #slot = 0;
  #lines: TextLine[] = [];
  #characters = 0;

  constructor(private readonly maxCharacters: number) {}

  add(raw: string): void {
    // A form feed is the plain-text page break; text after it starts the next page.
    const [first, ...afterBreaks] = raw.split("\f");
    this.#addLine(first ?? "");
    for (const rest of afterBreaks) {
      this.#break();
      this.#addLine(rest);
    }
  }

  #addLine(raw: string): void {
    if (this.#slot >= TEXT_LINES_PER_PAGE) this.#break();
    const slot = this.#slot++;
    const text = raw.replace(/\s+/g, " ").trim();
    if (text === "") return;
    this.#characters += text.length;
    if (this.#characters > this.maxCharacters) throw tooManyCharacters(this.maxCharacters);
    const indent = leadingColumns(raw);
    this.#lines.push({
      text,
      page: this.#number,
      index: this.#lines.length,
      x: Math.min(indent, COLUMNS - 1) / COLUMNS,
      y: slot / TEXT_LINES_PER_PAGE,
      width: Math.min(raw.trim().length, COLUMNS - indent) / COLUMNS,
      height: 1 / TEXT_LINES_PER_PAGE,
    });
  }

  #break(): void {
    this.#done.push({ number: this.#number, source: "plain-text", lines: this.#lines });
    this.#number++;
    this.#slot = 0;
    this.#lines = [];
  }

  finish(): void {
    if (this.#slot > 0 || this.#lines.length > 0 || this.#number === 1) this.#break();
  }

  takePages(): ExtractedPage[] {
    return this.#done.splice(0);
  }
}

function leadingColumns(raw: string): number {
  let columns = 0;
  for (const c of raw) {
    if (c === " ") columns++;
    else if (c === "\t") columns += TAB_WIDTH - (columns % TAB_WIDTH);
    else if (!/\s/.test(c)) break;
    else columns++;
  }
  return columns;
}
