import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { stringify } from "csv-stringify/sync";
import { DEFAULT_OCR_MAX_PAGES, DocsiftError, JobResultSchema, RESULT_FIELD_NAMES } from "@docsift/core";
import type { JobResult } from "@docsift/core";
import type {
  eInvoiceReadResult,
  OcrEngine,
  PdfEngine,
  readDocument,
  readEInvoice,
  withOcrPageCap,
} from "@docsift/extraction";
import type { KeyInfoModel } from "@docsift/model";
import type { CommandContext } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { writeLine } from "../io.js";
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

/** What reading documents needs from the process, loaded once for every file of a run. */
interface Engines {
  extraction: Promise<{
    readDocument: typeof readDocument;
    withOcrPageCap: typeof withOcrPageCap;
    readEInvoice: typeof readEInvoice;
    eInvoiceReadResult: typeof eInvoiceReadResult;
  }>;
  model: Promise<KeyInfoModel>;
  ocr: Promise<OcrEngine | undefined>;
}

/**
 * The pages of `source`, the first one asked for at once: it is read while the caller gets ready
 * to take it (a no-op for the order and the number of pages read).
 */
function firstPageEarly<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const it = source[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = it.next();
  // A failure here is the caller's to see, at its first page.
  first.catch(() => undefined);
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const next = first ?? it.next();
        first = undefined;
        return next;
      },
      return: async (value?: unknown) => {
        first = undefined;
        return (await it.return?.(value)) ?? { done: true, value: undefined as T };
      },
    }),
  };
}

/**
 * The worker's pipeline on local files, without queue or blob: read each file page by page
 * (@docsift/extraction), score it with the committed default model (@docsift/model), and shape
 * the answer as the job result the API would store. The model (and PP-OCR with `ocr`) is loaded
 * once, at the first file that passes the checks, and serves every file after it. The service's
 * caps apply as in a default deployment, with the same error codes: the intake's size and type
 * checks, the reader's page, text and time limits (their defaults are the worker's), and OCR of
 * at most 20 pages. An e-invoice (XML, or a PDF with Factur-X/ZUGFeRD XML attached) is read from
 * its XML as the worker reads it, the model not asked.
 */
export class LocalExtractor {
  #engines: Engines | undefined;

  constructor(private readonly opts: ExtractOptions) {}

  async extract(file: string): Promise<LocalExtraction> {
    const started = performance.now();
    const { head } = await inspectLocalDocument(file);
    // The local counterpart of the worker's download: reading and hashing the document.
    const documentSha256 = await sha256File(file);
    const readMs = performance.now() - started;
    const engines = (this.#engines ??= this.#load());
    // Without OCR the document can be opened while the model still loads: its first page is
    // read meanwhile (pdftohtml on the other core), and the model takes it when ready.
    const { readDocument, withOcrPageCap, readEInvoice, eInvoiceReadResult } = await engines.extraction;
    const ocr = this.opts.ocr ? await engines.ocr : undefined;
    const reading = readDocument(
      { path: file, head },
      {
        pdfEngine: this.opts.pdfEngine,
        ...(ocr
          ? {
              ocr: withOcrPageCap(ocr, DEFAULT_OCR_MAX_PAGES, () =>
                process.stderr.write(
                  `${file}: OCR page cap reached: pages after the first ${DEFAULT_OCR_MAX_PAGES} scanned ones are read as blank, as the worker does.\n`,
                ),
              ),
            }
          : {}),
      },
    );
    const eInvoiceStarted = performance.now();
    const eInvoice = await readEInvoice(
      { path: file, head },
      {
        onUnreadableAttachment: (name, err) =>
          process.stderr.write(
            `${file}: its attachment ${name} could not be read as an e-invoice (${err.code}: ${err.message}); the PDF is read as usual.\n`,
          ),
      },
    );
    const eInvoiceMs = performance.now() - eInvoiceStarted;
    if (eInvoice) {
      const read = await eInvoiceReadResult(
        eInvoice.invoice,
        reading.kind === "pdf" ? reading.pages : undefined,
      );
      // The XML and the visible pages: everything this file cost before the model's reference.
      const extractMs = performance.now() - eInvoiceStarted;
      const { ref } = await engines.model;
      const stats = reading.stats();
      const result = JobResultSchema.parse({
        ...read,
        documentSha256,
        model: ref,
        timings: {
          downloadMs: round(readMs),
          extractMs: round(extractMs),
          inferMs: 0,
          totalMs: round(performance.now() - started),
        },
      } satisfies JobResult);
      return { result, pdfEngine: stats.pdfEngine };
    }
    const pages = firstPageEarly(reading.pages);
    const model = await engines.model;
    const inferStarted = performance.now();
    const extracted = await model.extract(pages);
    const stats = reading.stats();
    if (extracted.pages === 0) throw new DocsiftError("EMPTY_DOCUMENT");
    const inferMs = Math.max(0, performance.now() - inferStarted - stats.extractMs);
    const result = JobResultSchema.parse({
      documentType: extracted.documentType,
      documentTypeConfidence: extracted.documentTypeConfidence,
      fields: extracted.fields,
      source: "model",
      needsReview: extracted.needsReview,
      pages: extracted.pages,
      ocrPages: stats.ocrPages,
      characters: extracted.characters,
      documentSha256,
      model: model.ref,
      timings: {
        downloadMs: round(readMs),
        extractMs: round(stats.extractMs + eInvoiceMs),
        inferMs: round(inferMs),
        totalMs: round(performance.now() - started),
      },
    } satisfies JobResult);
    return { result, pdfEngine: stats.pdfEngine };
  }

  async close(): Promise<void> {
    if (!this.#engines) return;
    const [ocr, model] = await Promise.all([
      this.#engines.ocr.catch(() => undefined),
      this.#engines.model.catch(() => undefined),
    ]);
    await ocr?.close();
    await model?.close();
  }

  #load(): Engines {
    // Loaded here, not at start-up: the other commands never map ONNX Runtime into memory.
    const extraction = import("@docsift/extraction").then((m) => {
      // A few tool runs per document: starting them straight from this small process is quicker
      // than starting the worker's launcher process first.
      m.usePopplerLauncher(false);
      return {
        readDocument: m.readDocument,
        withOcrPageCap: m.withOcrPageCap,
        readEInvoice: m.readEInvoice,
        eInvoiceReadResult: m.eInvoiceReadResult,
      };
    });
    const model = import("@docsift/model").then((m) => m.loadDefaultKeyInfoModel());
    // PP-OCR loads while the model does (its sessions load on the first scanned page). Its logs
    // go to stderr, so stdout stays the answer (and valid JSON with --json).
    const ocr = this.opts.ocr
      ? Promise.all([import("@docsift/extraction/ocr"), import("pino")]).then(
          ([{ createPpOcrEngine }, { pino }]) =>
            createPpOcrEngine({ logger: pino({ level: "warn" }, pino.destination(2)) }),
        )
      : Promise.resolve(undefined);
    // Each is awaited where it is needed; these only keep an early failure from going unhandled.
    for (const p of [extraction, model, ocr]) p.catch(() => undefined);
    return { extraction, model, ocr };
  }
}

/** Files a folder contributes: documents by their name, found recursively, in name order. */
const DOCUMENT_NAME = /\.(pdf|docx|txt|png|jpe?g|tiff?|xml)$/i;

/**
 * The files to read: each file argument as given (its content decides), each folder's documents
 * (hidden entries skipped). A path that does not exist is kept, to be reported in its turn.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push(p);
      continue;
    }
    const entries = await readdir(p, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && DOCUMENT_NAME.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .filter(
        (f) =>
          !relative(p, f)
            .split(sep)
            .some((part) => part.startsWith(".")),
      )
      .sort();
    out.push(...files);
  }
  return out;
}

type Failure = { code: string; message: string } & Record<string, unknown>;

/** A failed file as the CLI reports it: the error's code, a message a user can act on, details. */
function failureOf(err: unknown): Failure {
  if (err instanceof CliError)
    return { ...err.json, code: String(err.json.code ?? "FAILED"), message: err.message };
  if (err instanceof DocsiftError) {
    const message =
      err.details?.reason === "ocr-disabled" ? "Images need OCR: run again with --ocr." : err.message;
    return { code: err.code, message };
  }
  throw err;
}

export type ExtractFormat = "auto" | "jsonl" | "csv";

const CSV_COLUMNS = [
  "file",
  "status",
  "error",
  "documentType",
  "documentTypeConfidence",
  "needsReview",
  "source",
  ...RESULT_FIELD_NAMES.flatMap((f) => [f, `${f}Confidence`]),
  "lineItems",
  "pages",
  "documentSha256",
];

type Outcome = { ok: true; extraction: LocalExtraction } | { ok: false; failure: Failure };

function csvRow(file: string, outcome: Outcome): string[] {
  if (!outcome.ok) {
    const { code, message } = outcome.failure;
    return [file, "failed", `${code}: ${message}`, ...CSV_COLUMNS.slice(3).map(() => "")];
  }
  const r = outcome.extraction.result;
  return [
    file,
    "ok",
    "",
    r.documentType,
    r.documentTypeConfidence.toFixed(3),
    r.needsReview ? "true" : "false",
    r.source ?? "model",
    ...RESULT_FIELD_NAMES.flatMap((f) => {
      const v = r.fields[f];
      return v ? [v.value, v.confidence.toFixed(3)] : ["", ""];
    }),
    String(r.lineItems?.length ?? ""),
    String(r.pages),
    r.documentSha256,
  ];
}

const humanResult = ({ result, pdfEngine }: LocalExtraction): string =>
  renderResult(result, pdfEngine ? [`pdf engine: ${pdfEngine}`] : []);

/**
 * One file: the result as the worker stores it (a table, or the JobResult with --json), exit 1
 * with the error's code when it fails. Several files or a folder: one model load for all of
 * them; every file is reported in order, a failure does not stop the run, and the exit code is 1
 * if any failed. `--json` then prints JSON lines ({file, result} or {file, error}), `--csv` one
 * row per file.
 */
export async function extractCommand(
  ctx: CommandContext,
  paths: readonly string[],
  opts: ExtractOptions & { format: ExtractFormat },
): Promise<number> {
  const files = await expandPaths(paths);
  if (files.length === 0)
    throw new CliError(`no documents found in ${paths.join(", ")}`, { code: "NO_DOCUMENTS" });
  const single = files.length === 1 && paths.length === 1 && files[0] === paths[0] && opts.format === "auto";
  const format: ExtractFormat = opts.format === "auto" && !single && ctx.config.json ? "jsonl" : opts.format;
  const extractor = new LocalExtractor(opts);
  let failed = 0;
  try {
    if (format === "csv") writeLine(ctx.io.stdout, stringify([CSV_COLUMNS]).trimEnd());
    for (const file of files) {
      if (ctx.signal.aborted) break;
      let outcome: Outcome;
      try {
        outcome = { ok: true, extraction: await extractor.extract(file) };
      } catch (err) {
        outcome = { ok: false, failure: failureOf(err) };
      }
      if (!outcome.ok) failed++;
      if (single) {
        if (!outcome.ok) {
          const { code, message } = outcome.failure;
          // Checks of the file itself name it already; errors from reading it get their code.
          throw new CliError(message.startsWith(file) ? message : `${code}: ${message}`, outcome.failure);
        }
        const { extraction } = outcome;
        ctx.print(() => humanResult(extraction), extraction.result);
      } else if (format === "csv") {
        writeLine(ctx.io.stdout, stringify([csvRow(file, outcome)]).trimEnd());
      } else if (format === "jsonl") {
        const line = outcome.ok
          ? { file, result: outcome.extraction.result }
          : { file, error: outcome.failure };
        writeLine(ctx.io.stdout, JSON.stringify(line));
      } else {
        const body = outcome.ok
          ? humanResult(outcome.extraction)
          : `failed: ${outcome.failure.code}: ${outcome.failure.message}`;
        writeLine(ctx.io.stdout, `== ${file}\n${body}\n`);
      }
    }
  } finally {
    await extractor.close();
  }
  if (!single && format !== "jsonl" && format !== "csv")
    ctx.info(
      `${files.length - failed} of ${files.length} documents read${failed ? `, ${failed} failed` : ""}`,
    );
  return failed > 0 ? EXIT.failure : EXIT.ok;
}
