import { open, type FileHandle } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { ensurePdfjsBuiltins } from "./node20-compat.js";
import { createIsomorphicCanvasFactory, getResolvedPDFJS, type getDocumentProxy } from "unpdf";

export type PDFDocumentProxy = Awaited<ReturnType<typeof getDocumentProxy>>;
export type PDFPageProxy = Awaited<ReturnType<PDFDocumentProxy["getPage"]>>;

/** pdfjs asks for data in chunks of this size; only the chunks a page needs are ever read. */
const RANGE_CHUNK_BYTES = 64 * 1024;

export interface OpenedPdf {
  doc: PDFDocumentProxy;
  /** Ends pdfjs' work on the document and closes the file; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens a PDF file for pdfjs without a second copy of it: a range transport serves the chunks
 * pdfjs asks for straight from the file, with auto-fetch off. pdfjs keeps what it fetched in
 * one array of the file's length (only touched parts are committed), and its text extraction
 * still loads every stream a page references, images included, so by the last page RSS is
 * about the baseline plus the file size (measured: 220 MB for a 98 MB PDF) instead of twice it.
 */
export async function openPdfFile(
  path: string,
  opts: { forRendering: boolean; signal?: AbortSignal },
): Promise<OpenedPdf> {
  ensurePdfjsBuiltins();
  const pdfjs = await getResolvedPDFJS();
  const file = await open(path, "r");
  let fileClosed = false;
  let closing = false;
  const closeFile = async (): Promise<void> => {
    if (fileClosed) return;
    fileClosed = true;
    await file.close();
  };
  try {
    const { size } = await file.stat();
    const initial = await readRange(file, 0, Math.min(size, RANGE_CHUNK_BYTES));
    const transport = new pdfjs.PDFDataRangeTransport(size, initial);
    transport.requestDataRange = (begin: number, end: number): void => {
      readRange(file, begin, end)
        .then((chunk) => {
          // A read that finishes after close has nobody waiting for it in pdfjs any more.
          if (!closing) transport.onDataRange(begin, chunk);
        })
        .catch(() => {
          // pdfjs has no error path for a range; aborting the transport fails the pending request.
          if (!closing) transport.abort();
        });
    };
    const task = pdfjs.getDocument({
      range: transport,
      length: size,
      rangeChunkSize: RANGE_CHUNK_BYTES,
      disableAutoFetch: true,
      disableStream: true,
      isEvalSupported: false,
      useSystemFonts: false,
      disableFontFace: true,
      stopAtErrors: false,
      verbosity: 0,
      ...(opts.forRendering ? await renderingOptions() : {}),
    });
    let destroyed: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing = true;
      return (destroyed ??= task.destroy().finally(closeFile));
    };
    // Opening can take long on a damaged file (xref reconstruction): an abort ends it too.
    const abort = (): void => void close();
    opts.signal?.addEventListener("abort", abort, { once: true });
    try {
      const doc = await task.promise;
      return { doc, close };
    } catch (err) {
      await close();
      throw err;
    } finally {
      opts.signal?.removeEventListener("abort", abort);
    }
  } catch (err) {
    await closeFile();
    throw err;
  }
}

async function readRange(file: FileHandle, begin: number, end: number): Promise<Uint8Array> {
  const buffer = Buffer.allocUnsafe(Math.max(0, end - begin));
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await file.read(buffer, offset, buffer.length - offset, begin + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, offset);
}

async function renderingOptions(): Promise<Record<string, unknown>> {
  const CanvasFactory = await createIsomorphicCanvasFactory(() => import("@napi-rs/canvas"));
  // createRequire, not import.meta.resolve: the latter is missing under some loaders (vite-node).
  const base = pathToFileURL(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")).href;
  return {
    CanvasFactory,
    standardFontDataUrl: new URL("./standard_fonts/", base).href,
    // Without font data files pdfjs falls back to system fonts, which the canvas can draw.
    useSystemFonts: true,
  };
}
