import type { ExtractedPage } from "@docsift/core";
import { asCorrupt, throwIfAborted } from "../corrupt.js";
import { tooManyPages } from "../limits.js";
import { recognizeWith, type ReaderContext } from "../reader.js";
import { pdfPageCount, popplerFailure, runPoppler } from "./poppler.js";
import { startTool } from "./poppler-launcher.js";
import { XmlPageParser } from "./pdftohtml-xml.js";

/** Matches the pdfjs engine's OCR renders (see pdfjs-reader.ts). */
const OCR_DPI = 150;
const MAX_OCR_PNG_BYTES = 64 * 1024 * 1024;

/**
 * Reads a PDF with poppler's `pdftohtml -xml` in a separate process (GPL code stays out of the
 * worker's address space) and parses its elements as a stream, so one page is held at a time
 * and the child is paused by backpressure while the caller works. pdftohtml writes one element
 * per line of text with its box, which costs poppler less than plain `pdftotext` does, where
 * `pdftotext -tsv` (one row per word) cost twice as much (docs/decisions/0006). `-hidden` keeps
 * the invisible text layer of scanned-and-OCRed PDFs, `-i` skips images, `-nodrm` reads a
 * document whose permissions forbid copying, as pdftotext and pdfjs do. A document over the
 * page cap fails when poppler reaches the page past it (see `checked`).
 */
export async function* readPdfWithPoppler(
  path: string,
  ctx: ReaderContext,
): AsyncGenerator<ExtractedPage, void, undefined> {
  const { maxPages } = ctx.limits;
  // "-l": poppler stops one page past the cap (see `checked`).
  const args = [
    "-xml",
    "-stdout",
    "-i",
    "-hidden",
    "-nodrm",
    "-enc",
    "UTF-8",
    "-l",
    String(maxPages + 1),
    path,
  ];
  const tool = await startTool("pdftohtml", args, ctx.signal);
  const chunks: AsyncIterator<Buffer> = tool.stdout[Symbol.asyncIterator]();
  const parsed = new XmlPageParser(ctx.limits.maxCharacters);
  // "-l" stops pdftohtml one page past the cap, so a longer document costs at most the cap's
  // pages before it fails; only then does pdfinfo count its pages for the message. Counting every
  // document up front cost a second process start per job (~3 ms of a 35 ms small PDF).
  const checked = async (page: ExtractedPage): Promise<ExtractedPage> => {
    if (page.number > maxPages) {
      const pages = await pdfPageCount(path, ctx.signal).catch(() => page.number);
      throw tooManyPages(Math.max(pages, page.number), maxPages);
    }
    return withOcr(page, path, ctx);
  };
  try {
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
      parsed.write(next.value);
      for (const page of parsed.takePages()) yield await checked(page);
    }
    const exit = await tool.exited;
    throwIfAborted(ctx.signal);
    if (exit.code !== 0) throw popplerFailure("pdftohtml", exit);
    parsed.close();
    for (const page of parsed.takePages()) yield await checked(page);
  } catch (err) {
    throwIfAborted(ctx.signal);
    throw asCorrupt(err, "PDF");
  } finally {
    tool.kill();
    await chunks.return?.();
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
