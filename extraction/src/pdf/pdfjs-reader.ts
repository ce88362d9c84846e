import { DocsiftError, type ExtractedPage, type TextLine } from "@docsift/core";
import { asCorrupt, throwIfAborted } from "../corrupt.js";
import { groupIntoLines, type PlacedText } from "../layout/lines.js";
import { tooManyPages } from "../limits.js";
import { recognizeWith, type ReaderContext } from "../reader.js";
import { openPdfFile, type OpenedPdf, type PDFPageProxy } from "./pdfjs-document.js";

type TextStyle = Awaited<ReturnType<PDFPageProxy["getTextContent"]>>["styles"][string];

/** Dots per inch for OCR renders: enough for PP-OCR on body text, small enough to stay cheap. */
const OCR_DPI = 150;
/** Longest side of an OCR render, so a poster-sized page cannot allocate a huge canvas. */
const OCR_MAX_SIDE_PX = 3000;
/** Drop pdfjs' document-wide caches (fonts, images) this often to keep long documents flat. */
const CLEANUP_EVERY_PAGES = 50;
/** Font metrics for text whose font does not report them (fractions of the font size). */
const DEFAULT_ASCENT = 0.8;
const DEFAULT_DESCENT = -0.2;

/**
 * Reads a PDF one page at a time with pdfjs (unpdf's build): getPage → getTextContent →
 * cleanup, so no more than one page's text and objects are held. Pages without a text layer
 * are rendered and recognised when an OCR engine is given, else yielded without lines.
 */
export async function* readPdfWithPdfjs(
  path: string,
  ctx: ReaderContext,
): AsyncGenerator<ExtractedPage, void, undefined> {
  const opened = await openOrThrow(path, ctx);
  const closeOnAbort = (): void => void opened.close();
  ctx.signal.addEventListener("abort", closeOnAbort, { once: true });
  try {
    const { doc } = opened;
    if (doc.numPages > ctx.limits.maxPages) throw tooManyPages(doc.numPages, ctx.limits.maxPages);
    for (let number = 1; number <= doc.numPages; number++) {
      throwIfAborted(ctx.signal);
      let page: PDFPageProxy | undefined;
      let lines: TextLine[];
      try {
        page = await doc.getPage(number);
        lines = await textLines(page, number);
        if (lines.length === 0 && ctx.ocr) {
          const png = await renderForOcr(page);
          page.cleanup();
          throwIfAborted(ctx.signal);
          yield await recognizeWith(ctx.ocr, png, number);
          continue;
        }
      } catch (err) {
        throwIfAborted(ctx.signal);
        throw asCorrupt(err, "PDF");
      } finally {
        page?.cleanup();
      }
      yield { number, source: "text-layer", lines };
      if (number % CLEANUP_EVERY_PAGES === 0) await doc.cleanup();
    }
  } finally {
    ctx.signal.removeEventListener("abort", closeOnAbort);
    await opened.close();
  }
}

async function openOrThrow(path: string, ctx: ReaderContext): Promise<OpenedPdf> {
  try {
    return await openPdfFile(path, { forRendering: ctx.ocr !== undefined, signal: ctx.signal });
  } catch (err) {
    throwIfAborted(ctx.signal);
    if (err instanceof Error && err.name === "PasswordException") {
      throw new DocsiftError("UNSUPPORTED_DOCUMENT", "Password-protected PDFs are not supported.", {
        cause: err,
      });
    }
    throw asCorrupt(err, "PDF");
  }
}

async function textLines(page: PDFPageProxy, number: number): Promise<TextLine[]> {
  const viewport = page.getViewport({ scale: 1 });
  const { items, styles } = await page.getTextContent();
  const runs: PlacedText[] = [];
  const fonts: RunFont[] = [];
  for (const item of items) {
    if (!("str" in item) || item.str === "") continue;
    const [a, b, c, d, e, f] = item.transform as number[];
    // The run's box from its baseline direction (a,b) and up direction (c,d), mapped through the
    // viewport so page rotation and crop offsets come out as top-left fractions.
    const along = unit(a ?? 1, b ?? 0);
    const up = unit(c ?? 0, d ?? 1);
    // The box spans the font's descent to its ascent around the baseline, as pdftotext's does.
    const style = styles[item.fontName] as (TextStyle & { fontSubstitution?: string }) | undefined;
    const ascent = style?.ascent || DEFAULT_ASCENT;
    const descent = style?.descent || DEFAULT_DESCENT;
    const ex = (e ?? 0) + up[0] * descent * item.height;
    const fy = (f ?? 0) + up[1] * descent * item.height;
    const tall = (ascent - descent) * item.height;
    const corners = [
      [ex, fy],
      [ex + along[0] * item.width, fy + along[1] * item.width],
      [ex + up[0] * tall, fy + up[1] * tall],
      [ex + along[0] * item.width + up[0] * tall, fy + along[1] * item.width + up[1] * tall],
    ].map(([x, y]) => viewport.convertToViewportPoint(x as number, y as number) as [number, number]);
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    const left = Math.min(...xs);
    const top = Math.min(...ys);
    runs.push({
      text: item.str,
      x: left / viewport.width,
      y: top / viewport.height,
      width: (Math.max(...xs) - left) / viewport.width,
      height: (Math.max(...ys) - top) / viewport.height,
    });
    // The text matrix's up vector is the font size in user-space points (the viewport is at scale
    // 1). pdfjs names the font only by an internal id; a bold face shows only when the family it
    // substitutes says so, so `bold` is mostly left unknown here.
    const family = style?.fontSubstitution ?? style?.fontFamily ?? "";
    fonts.push({
      size: Math.round(Math.hypot(c ?? 0, d ?? 1) * 10) / 10,
      bold: BOLD_FAMILY.test(family) ? true : undefined,
      chars: item.str.trim().length,
    });
  }
  return withFonts(groupIntoLines(runs, number), runs, fonts);
}

const BOLD_FAMILY = /bold|black|heavy/i;

interface RunFont {
  size: number;
  bold: boolean | undefined;
  chars: number;
}

/**
 * Gives each line the font size (and weight, where known) of the runs inside its box that hold
 * most of its characters. groupIntoLines keeps no trace of which runs made a line, so a run is
 * matched to the line whose box holds its centre (lines sorted by top, so each run looks at few).
 */
function withFonts(lines: TextLine[], runs: readonly PlacedText[], fonts: readonly RunFont[]): TextLine[] {
  if (lines.length === 0) return lines;
  const byTop = [...lines].sort((a, b) => a.y - b.y);
  const tallest = byTop.reduce((m, l) => Math.max(m, l.height), 0);
  const chars = new Map<TextLine, Map<number, number>>();
  const boldChars = new Map<TextLine, number>();
  const knownBold = new Set<TextLine>();
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r] as PlacedText;
    const font = fonts[r] as RunFont;
    if (font.chars === 0) continue;
    const cx = run.x + run.width / 2;
    const cy = run.y + run.height / 2;
    // The first line whose top may still reach down to the run's centre.
    let lo = 0;
    let hi = byTop.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((byTop[mid] as TextLine).y < cy - tallest - 1e-6) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < byTop.length; i++) {
      const line = byTop[i] as TextLine;
      if (line.y > cy + 1e-6) break;
      if (cy > line.y + line.height + 1e-6 || cx < line.x - 1e-6 || cx > line.x + line.width + 1e-6) continue;
      let sizes = chars.get(line);
      if (!sizes) chars.set(line, (sizes = new Map()));
      sizes.set(font.size, (sizes.get(font.size) ?? 0) + font.chars);
      if (font.bold) {
        boldChars.set(line, (boldChars.get(line) ?? 0) + font.chars);
        knownBold.add(line);
      }
      break;
    }
  }
  for (const [line, sizes] of chars) {
    let best = 0;
    let total = 0;
    for (const [size, n] of sizes) {
      total += n;
      if (n > (sizes.get(best) ?? 0)) best = size;
    }
    if (best > 0) line.fontSize = best;
    if (knownBold.has(line)) line.bold = (boldChars.get(line) ?? 0) * 2 >= total;
  }
  return lines;
}

function unit(x: number, y: number): [number, number] {
  const length = Math.hypot(x, y);
  return length > 0 ? [x / length, y / length] : [1, 0];
}

async function renderForOcr(page: PDFPageProxy): Promise<Buffer> {
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(OCR_DPI / 72, OCR_MAX_SIDE_PX / Math.max(base.width, base.height));
  const viewport = page.getViewport({ scale });
  const { createCanvas } = await import("@napi-rs/canvas");
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext("2d");
  // OCR wants dark text on white; a transparent background would read as black.
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
  return canvas.encode("png");
}
