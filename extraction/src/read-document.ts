import type { DocumentKind, ExtractedPage } from "@docsift/core";
import { DocsiftError } from "@docsift/core";
import { readDocx } from "./docx/docx-reader.js";
import { readImage } from "./image/image-reader.js";
import { resolveLimits, tooManyCharacters, tooManyPages, type ReadLimits } from "./limits.js";
import type { OcrEngine } from "./ocr-engine.js";
import { readPdfWithPdfjs } from "./pdf/pdfjs-reader.js";
import { hasPoppler, pdfPageCount } from "./pdf/poppler.js";
import { readPdfWithPoppler } from "./pdf/poppler-reader.js";
import type { PageReader, ReaderContext } from "./reader.js";
import { sniffDocumentKind } from "./sniff.js";
import { readText } from "./text/text-reader.js";

/** "auto" picks poppler (poppler-utils' pdftohtml in a child process) when installed, else pdfjs. */
export type PdfEngine = "pdfjs" | "poppler" | "auto";

export interface ReadOptions {
  limits?: Partial<ReadLimits>;
  ocr?: OcrEngine;
  /** Aborting rejects the pending page with the signal's reason and stops the reader. */
  signal?: AbortSignal;
  /** Default "auto". */
  pdfEngine?: PdfEngine;
}

export interface ReadStats {
  pages: number;
  characters: number;
  ocrPages: number;
  /** Time spent producing pages, excluding the time the caller held them. */
  extractMs: number;
  /** The engine that read a PDF; undefined for other kinds or before the first page. */
  pdfEngine: "pdfjs" | "poppler" | undefined;
}

export interface DocumentReading {
  kind: DocumentKind;
  /** Iterate once; each page is produced when asked for, so the caller sets the pace. */
  pages: AsyncIterable<ExtractedPage>;
  /** Figures so far; final once `pages` is exhausted. */
  stats(): ReadStats;
  /**
   * How many pages the document has, where that is cheap to know without reading it: a PDF's
   * (poppler's pdfinfo, one short process), a PNG's or JPEG's 1; undefined for DOCX, text and TIFF, whose
   * pages exist only once read, and when the count cannot be had. Asked only for progress of long
   * jobs, so a short one never pays for it.
   */
  pageCount(): Promise<number | undefined>;
}

/**
 * Reads a document page by page. The kind comes from the head's magic bytes; every cap in
 * `limits` is enforced while reading (TOO_MANY_PAGES, DOCUMENT_TOO_LARGE for characters and
 * zip bombs, EXTRACTION_TIMEOUT), and unreadable input fails with CORRUPT_DOCUMENT, never with
 * a parser's own error.
 * @throws DocsiftError EMPTY_DOCUMENT or UNSUPPORTED_DOCUMENT at once, when the head decides.
 */
export function readDocument(
  file: { path: string; head: Uint8Array },
  opts: ReadOptions = {},
): DocumentReading {
  const limits = resolveLimits(opts.limits);
  const kind = sniffDocumentKind(file.head);
  if (!kind) throw new DocsiftError("UNSUPPORTED_DOCUMENT");
  const stats: ReadStats = { pages: 0, characters: 0, ocrPages: 0, extractMs: 0, pdfEngine: undefined };
  let started = false;
  const pages: AsyncIterable<ExtractedPage> = {
    [Symbol.asyncIterator]: () => {
      if (started) throw new Error("a document's pages can be iterated only once");
      started = true;
      return governed(file, kind, limits, opts, stats);
    },
  };
  let count: Promise<number | undefined> | undefined;
  const pageCount = (): Promise<number | undefined> =>
    (count ??=
      kind === "png" || kind === "jpeg"
        ? Promise.resolve(1)
        : kind === "pdf"
          ? hasPoppler()
              .then((yes) =>
                yes ? pdfPageCount(file.path, opts.signal ?? new AbortController().signal) : undefined,
              )
              .catch(() => undefined)
          : Promise.resolve(undefined));
  return { kind, pages, stats: () => ({ ...stats }), pageCount };
}

async function chooseReader(
  kind: DocumentKind,
  head: Uint8Array,
  engine: PdfEngine,
  stats: ReadStats,
): Promise<PageReader> {
  switch (kind) {
    case "pdf": {
      const poppler = engine === "poppler" || (engine === "auto" && (await hasPoppler()));
      if (engine === "poppler" && !(await hasPoppler())) {
        throw new DocsiftError("DEPENDENCY_UNAVAILABLE", "pdftohtml (poppler-utils) is not installed.");
      }
      stats.pdfEngine = poppler ? "poppler" : "pdfjs";
      return poppler ? readPdfWithPoppler : readPdfWithPdfjs;
    }
    case "docx":
      return readDocx;
    case "text":
      return (path, ctx) => readText(path, head, ctx);
    case "png":
    case "jpeg":
    case "tiff":
      return readImage;
    case "xml":
      // An XML invoice is data, not pages: readEInvoice maps it, and nothing is left for a model.
      throw new DocsiftError(
        "UNSUPPORTED_DOCUMENT",
        "An XML e-invoice has no pages; it is read with readEInvoice.",
      );
  }
}

/**
 * Runs a format reader under the caps. Time is counted only while a page is being produced;
 * on timeout or abort the reader's signal fires (it closes its parser, file or child process)
 * and the pending page rejects at once, even if the reader is stuck.
 */
async function* governed(
  file: { path: string; head: Uint8Array },
  kind: DocumentKind,
  limits: ReadLimits,
  opts: ReadOptions,
  stats: ReadStats,
): AsyncGenerator<ExtractedPage, void, undefined> {
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) throw opts.signal.reason;
  opts.signal?.addEventListener("abort", forwardAbort, { once: true });
  const ctx: ReaderContext = { limits, signal: controller.signal, ...(opts.ocr ? { ocr: opts.ocr } : {}) };
  let reader: AsyncGenerator<ExtractedPage, void, undefined> | undefined;
  let readerBusy = false;
  try {
    const choose = chooseReader(kind, file.head, opts.pdfEngine ?? "auto", stats);
    const read = await step(choose, limits, stats, controller);
    reader = read(file.path, ctx);
    for (;;) {
      readerBusy = true;
      const next = await step(reader.next(), limits, stats, controller);
      readerBusy = false;
      if (next.done) return;
      const page = next.value;
      stats.pages++;
      if (stats.pages > limits.maxPages) throw tooManyPages(stats.pages, limits.maxPages);
      if (page.source === "ocr") stats.ocrPages++;
      for (const line of page.lines) stats.characters += line.text.length;
      if (stats.characters > limits.maxCharacters) throw tooManyCharacters(limits.maxCharacters);
      yield page;
    }
  } catch (err) {
    controller.abort(err);
    throw err;
  } finally {
    opts.signal?.removeEventListener("abort", forwardAbort);
    // A reader stuck inside next() (timeout, abort) cannot be awaited: its signal has fired, and
    // the queued return() runs its cleanup once the pending step settles.
    if (reader && readerBusy) reader.return().catch(() => undefined);
    else if (reader) await reader.return();
  }
}

/** Awaits one unit of reader work within the remaining time budget, or the abort. */
async function step<T>(
  work: Promise<T>,
  limits: ReadLimits,
  stats: ReadStats,
  controller: AbortController,
): Promise<T> {
  const started = performance.now();
  const remaining = limits.timeoutMs - stats.extractMs;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        const timeout = (): void => {
          const err = new DocsiftError(
            "EXTRACTION_TIMEOUT",
            `Reading the document took more than ${limits.timeoutMs} ms.`,
            {
              details: { timeoutMs: limits.timeoutMs, pagesRead: stats.pages },
            },
          );
          controller.abort(err);
          reject(err);
        };
        if (controller.signal.aborted) {
          reject(controller.signal.reason);
          return;
        }
        if (remaining <= 0) timeout();
        else timer = setTimeout(timeout, remaining);
        onAbort = () => reject(controller.signal.reason);
        controller.signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) controller.signal.removeEventListener("abort", onAbort);
    stats.extractMs += performance.now() - started;
  }
}
