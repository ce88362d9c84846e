import { spawn } from "node:child_process";
import type { ExtractedPage, TextLine } from "@docsift/core";
import { SaxesParser } from "saxes";
import { asCorrupt, throwIfAborted } from "../corrupt.js";
import { clamp01 } from "../layout/lines.js";
import { tooManyCharacters, tooManyPages } from "../limits.js";
import { recognizeWith, type ReaderContext } from "../reader.js";
import { pdfPageCount, popplerFailure, runPoppler } from "./poppler.js";

/** Matches the pdfjs engine's OCR renders (see pdfjs-reader.ts). */
const OCR_DPI = 150;
const MAX_OCR_PNG_BYTES = 64 * 1024 * 1024;
const MAX_STDERR_CHARS = 2000;

/**
 * Reads a PDF with poppler's `pdftotext -bbox-layout` in a separate process (GPL code stays
 * out of the worker's address space) and parses its XHTML as a stream, so one page is held at
 * a time and the child is paused by backpressure while the caller works.
 */
export async function* readPdfWithPdftotext(
  path: string,
  ctx: ReaderContext,
): AsyncGenerator<ExtractedPage, void, undefined> {
  const pageCount = await pdfPageCount(path, ctx.signal).catch((err: unknown) => {
    throwIfAborted(ctx.signal);
    throw asCorrupt(err, "PDF");
  });
  if (pageCount > ctx.limits.maxPages) throw tooManyPages(pageCount, ctx.limits.maxPages);

  const child = spawn("pdftotext", ["-bbox-layout", "-enc", "UTF-8", path, "-"], {
    stdio: ["ignore", "pipe", "pipe"],
    signal: ctx.signal,
    killSignal: "SIGKILL",
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS)
      stderr += chunk.toString("utf8").slice(0, MAX_STDERR_CHARS - stderr.length);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => resolve(code));
    child.on("error", () => resolve(null));
  });

  const parsed = new BboxPageParser(ctx.limits.maxCharacters);
  try {
    for await (const chunk of child.stdout) {
      parsed.write(chunk as Buffer);
      for (const page of parsed.takePages()) yield await withOcr(page, path, ctx);
    }
    const code = await exited;
    throwIfAborted(ctx.signal);
    if (code !== 0) throw popplerFailure("pdftotext", { code, stderr });
    parsed.close();
    for (const page of parsed.takePages()) yield await withOcr(page, path, ctx);
  } catch (err) {
    throwIfAborted(ctx.signal);
    throw asCorrupt(err, "PDF");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

async function withOcr(page: ExtractedPage, path: string, ctx: ReaderContext): Promise<ExtractedPage> {
  if (page.lines.length > 0 || !ctx.ocr) return page;
  const n = String(page.number);
  const png = await runPoppler(
    "pdftoppm",
    ["-png", "-r", String(OCR_DPI), "-f", n, "-l", n, "-singlefile", path],
    { signal: ctx.signal, maxStdoutBytes: MAX_OCR_PNG_BYTES },
  );
  if (png.code !== 0) throw popplerFailure("pdftoppm", png);
  throwIfAborted(ctx.signal);
  return recognizeWith(ctx.ocr, png.stdout, page.number);
}

/**
 * Streams `-bbox-layout` XHTML: `<page width height>` … `<line xMin yMin xMax yMax>` of
 * `<word>`s. pdftotext's own lines are kept, in its reading order (flows, then blocks), which
 * already separates columns; re-grouping its words cost more CPU than pdftotext itself.
 */
class BboxPageParser {
  readonly #sax = new SaxesParser({ xmlns: false, position: false });
  readonly #done: ExtractedPage[] = [];
  #number = 0;
  #size = { width: 1, height: 1 };
  #lines: TextLine[] = [];
  #line: { box: Omit<TextLine, "text" | "page" | "index">; words: string[] } | undefined;
  #word: string | undefined;
  readonly #decoder = new TextDecoder("utf-8");
  #characters = 0;

  /** `maxCharacters` is checked per line, so one page full of text cannot fill memory first. */
  constructor(maxCharacters: number) {
    this.#sax.on("opentag", (tag) => {
      if (tag.name === "word") {
        this.#word = "";
        return;
      }
      const attr = (name: string): number => Number(tag.attributes[name] ?? Number.NaN);
      if (tag.name === "line") {
        const { width, height } = this.#size;
        const xMin = attr("xMin");
        const yMin = attr("yMin");
        this.#line = {
          box: {
            x: clamp01(xMin / width),
            y: clamp01(yMin / height),
            width: clamp01((attr("xMax") - xMin) / width),
            height: clamp01((attr("yMax") - yMin) / height),
          },
          words: [],
        };
      } else if (tag.name === "page") {
        this.#number++;
        this.#size = { width: attr("width"), height: attr("height") };
        this.#lines = [];
      }
    });
    this.#sax.on("text", (text) => {
      if (this.#word !== undefined) this.#word += text;
    });
    this.#sax.on("closetag", (tag) => {
      if (tag.name === "word") {
        if (this.#word) this.#line?.words.push(this.#word);
        this.#word = undefined;
      } else if (tag.name === "line" && this.#line) {
        const text = this.#line.words.join(" ").replace(/\s+/g, " ").trim();
        this.#characters += text.length;
        if (this.#characters > maxCharacters) throw tooManyCharacters(maxCharacters);
        if (text !== "")
          this.#lines.push({ text, page: this.#number, index: this.#lines.length, ...this.#line.box });
        this.#line = undefined;
      } else if (tag.name === "page") {
        this.#done.push({ number: this.#number, source: "text-layer", lines: this.#lines });
        this.#lines = [];
      }
    });
  }

  write(chunk: Buffer): void {
    this.#sax.write(this.#decoder.decode(chunk, { stream: true }));
  }

  close(): void {
    this.#sax.write(this.#decoder.decode());
    this.#sax.close();
  }

  takePages(): ExtractedPage[] {
    return this.#done.splice(0);
  }
}
