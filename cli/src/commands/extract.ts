import { DEFAULT_OCR_MAX_PAGES, DocsiftError, JobResultSchema } from "@docsift/core";
import type { JobResult } from "@docsift/core";
import type { OcrEngine, PdfEngine } from "@docsift/extraction";
import type { KeyInfoModel } from "@docsift/model";
import type { CommandContext } from "../context.js";
import { CliError } from "../errors.js";
import { inspectLocalDocument, sha256File } from "../local-file.js";
import { renderResult } from "../render/result.js";

export const PDF_ENGINES = ["auto", "pdfjs", "poppler"] as const satisfies readonly PdfEngine[];

export interface ExtractOptions {
  ocr: boolean;
  pdfEngine: PdfEngine;
}

export interface LocalExtraction {
  result: JobResult;
  pdfEngine: "pdfjs" | "poppler" | undefined;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * The worker's pipeline on a local file, without queue or blob: read the file page by page
 * (@docsift/extraction), score it with the committed default model (@docsift/model), and shape
 * the answer as the job result the API would store. The service's caps apply as in a default
 * deployment, with the same error codes: the intake's size and type checks, the reader's page,
 * text and time limits (their defaults are the worker's), and OCR of at most 20 pages.
 */
export async function extractLocally(file: string, opts: ExtractOptions): Promise<LocalExtraction> {
  const started = performance.now();
  const { head } = await inspectLocalDocument(file);
  // The local counterpart of the worker's download: reading and hashing the document.
  const documentSha256 = await sha256File(file);
  const readMs = performance.now() - started;

  // Loaded here, not at start-up: the other commands never map ONNX Runtime into memory.
  const [{ readDocument, usePopplerLauncher, withOcrPageCap }, { loadDefaultKeyInfoModel }] =
    await Promise.all([import("@docsift/extraction"), import("@docsift/model")]);
  // One document, one or two tool runs: starting them straight from this small process is quicker
  // than starting the worker's launcher process first.
  usePopplerLauncher(false);
  let model: KeyInfoModel | undefined;
  let ocr: OcrEngine | undefined;
  // The OCR module loads while the model does (its sessions load on the first scanned page).
  const ocrModule = opts.ocr ? import("@docsift/extraction/ocr") : undefined;
  ocrModule?.catch(() => undefined);
  try {
    model = await loadDefaultKeyInfoModel();
    if (ocrModule) {
      const [{ createPpOcrEngine }, { pino }] = await Promise.all([ocrModule, import("pino")]);
      // Its logs go to stderr, so stdout stays the answer (and valid JSON with --json).
      ocr = await createPpOcrEngine({ logger: pino({ level: "warn" }, pino.destination(2)) });
    }
    const reading = readDocument(
      { path: file, head },
      {
        pdfEngine: opts.pdfEngine,
        ...(ocr
          ? {
              ocr: withOcrPageCap(ocr, DEFAULT_OCR_MAX_PAGES, () =>
                process.stderr.write(
                  `OCR page cap reached: pages after the first ${DEFAULT_OCR_MAX_PAGES} scanned ones are read as blank, as the worker does.\n`,
                ),
              ),
            }
          : {}),
      },
    );
    const inferStarted = performance.now();
    const extracted = await model.extract(reading.pages);
    const stats = reading.stats();
    if (extracted.pages === 0) throw new DocsiftError("EMPTY_DOCUMENT");
    const inferMs = Math.max(0, performance.now() - inferStarted - stats.extractMs);
    const result = JobResultSchema.parse({
      documentType: extracted.documentType,
      documentTypeConfidence: extracted.documentTypeConfidence,
      fields: extracted.fields,
      needsReview: extracted.needsReview,
      pages: extracted.pages,
      ocrPages: stats.ocrPages,
      characters: extracted.characters,
      documentSha256,
      model: model.ref,
      timings: {
        downloadMs: round(readMs),
        extractMs: round(stats.extractMs),
        inferMs: round(inferMs),
        totalMs: round(performance.now() - started),
      },
    } satisfies JobResult);
    return { result, pdfEngine: stats.pdfEngine };
  } finally {
    await ocr?.close();
    await model?.close();
  }
}

export async function extractCommand(
  ctx: CommandContext,
  file: string,
  opts: ExtractOptions,
): Promise<number> {
  let extraction: LocalExtraction;
  try {
    extraction = await extractLocally(file, opts);
  } catch (err) {
    if (!(err instanceof DocsiftError)) throw err;
    const message =
      err.details?.reason === "ocr-disabled" ? "Images need OCR: run again with --ocr." : err.message;
    throw new CliError(`${err.code}: ${message}`, { code: err.code, message });
  }
  const { result, pdfEngine } = extraction;
  ctx.print(() => renderResult(result, pdfEngine ? [`pdf engine: ${pdfEngine}`] : []), result);
  return 0;
}
