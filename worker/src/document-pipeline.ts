import type { DocumentStore, ExtractedPage, InferenceTask, JobResult, WorkerConfig } from "@docsift/core";
import { DocsiftError } from "@docsift/core";
import {
  downloadToTempFile,
  eInvoiceReadResult,
  readDocument,
  readEInvoice,
  withOcrPageCap,
} from "@docsift/extraction";
import type { EInvoiceReading, OcrEngine } from "@docsift/extraction";
import type { KeyInfoModel } from "@docsift/model";
import type { Logger } from "pino";
import type { WorkerMetrics } from "./metrics.js";

export interface PipelineDeps {
  documents: DocumentStore;
  model: KeyInfoModel;
  ocr: OcrEngine | undefined;
  metrics: WorkerMetrics;
  config: Pick<WorkerConfig, "limits" | "pdfEngine" | "ocr" | "tempDir">;
  /**
   * Offered the model's result and the document once the result is made: true takes the temp
   * file over (the taker removes it), to score the document again with another model later.
   */
  shadow?: (result: JobResult, document: RetainedDocument) => boolean;
}

/** A downloaded document kept past its job, read again without OCR. */
export interface RetainedDocument {
  pages(signal: AbortSignal): AsyncIterable<ExtractedPage>;
  remove(): Promise<void>;
}

export interface PipelineRun {
  signal: AbortSignal;
  log: Logger;
  /** When the job started (performance.now()), so totalMs covers everything the job cost. */
  startedAt: number;
  onPage(pagesDone: number): void;
  /** Once the document is open: how to learn its page count (asked only by long jobs' progress). */
  onReading?(reading: { pageCount(): Promise<number | undefined> }): void;
}

/** Which step a failure came from: extraction's messages are written for users, the others are not. */
export type PipelineStage = "download" | "extract" | "infer";

export class StageError extends Error {
  constructor(
    readonly stage: PipelineStage,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = "StageError";
  }
}

/**
 * One document end to end: blob → private temp file (size cap, sha256, head) → pages read one
 * at a time straight into the model → result. The document is on disk once and in memory one
 * page at a time; the temp file is removed whatever happens. An e-invoice (an XML file, or a PDF
 * with Factur-X/ZUGFeRD XML attached) is read from its XML instead of by the model: exact
 * values, confidence 1; a PDF's visible pages are still read, to check they show the same
 * number, date and total.
 */
export async function runDocumentPipeline(
  task: InferenceTask,
  deps: PipelineDeps,
  run: PipelineRun,
): Promise<JobResult> {
  const { config, metrics } = deps;
  const downloadStarted = performance.now();
  const temp = await (async () => {
    try {
      if (task.blob.sizeBytes > config.limits.maxDocumentBytes)
        throw new DocsiftError(
          "DOCUMENT_TOO_LARGE",
          `The document is larger than ${config.limits.maxDocumentBytes} bytes.`,
        );
      const stream = await openSubmittedBlob(deps.documents, task);
      return await downloadToTempFile(stream, {
        maxBytes: config.limits.maxDocumentBytes,
        expectedBytes: task.blob.sizeBytes,
        signal: run.signal,
        ...(config.tempDir ? { dir: config.tempDir } : {}),
      });
    } catch (err) {
      throw new StageError("download", sizeMismatchAsChange(err, task));
    }
  })();
  let handedOver = false;
  try {
    const downloadMs = performance.now() - downloadStarted;
    metrics.stage("download", downloadMs);
    metrics.documentBytes.inc(temp.sizeBytes);
    metrics.documentSizeBytes.observe(temp.sizeBytes);
    run.log.info({ sizeBytes: temp.sizeBytes, downloadMs: Math.round(downloadMs) }, "document downloaded");

    let reading;
    try {
      reading = readDocument(
        { path: temp.path, head: temp.head },
        {
          limits: {
            maxPages: config.limits.maxPages,
            maxCharacters: config.limits.maxCharacters,
            timeoutMs: config.limits.extractionTimeoutMs,
          },
          signal: run.signal,
          pdfEngine: config.pdfEngine,
          ...(deps.ocr && config.ocr.enabled && config.ocr.maxPages > 0
            ? {
                ocr: withOcrPageCap(deps.ocr, config.ocr.maxPages, () =>
                  run.log.warn(
                    { maxPages: config.ocr.maxPages },
                    "OCR page cap reached; further image pages are read as blank",
                  ),
                ),
              }
            : {}),
        },
      );
    } catch (err) {
      throw new StageError("extract", err);
    }
    run.onReading?.(reading);
    // Intake checked the magic bytes at submit: other content now is another document.
    if (reading.kind !== task.documentKind)
      throw new StageError(
        "extract",
        new DocsiftError(
          "UNSUPPORTED_DOCUMENT",
          `The file content is ${reading.kind}, but it was submitted as ${task.documentKind}.`,
          { details: { declared: task.documentKind, sniffed: reading.kind } },
        ),
      );

    const eInvoiceStarted = performance.now();
    let eInvoice: EInvoiceReading | undefined;
    try {
      eInvoice = await readEInvoice(
        { path: temp.path, head: temp.head },
        {
          signal: run.signal,
          onUnreadableAttachment: (name, err) =>
            run.log.warn(
              { attachment: name, code: err.code, details: err.details },
              "the PDF's e-invoice attachment could not be read; the PDF is read by the model",
            ),
        },
      );
    } catch (err) {
      throw new StageError("extract", err);
    }
    const eInvoiceMs = performance.now() - eInvoiceStarted;
    if (eInvoice) {
      const read = await eInvoiceReadResult(
        eInvoice.invoice,
        reading.kind === "pdf" ? stageTagged(reading.pages) : undefined,
        run.onPage,
      );
      const extractMs = reading.stats().extractMs + eInvoiceMs;
      if (read.pages === 0) throw new StageError("extract", new DocsiftError("EMPTY_DOCUMENT"));
      metrics.stage("extract", extractMs);
      run.log.info(
        { syntax: eInvoice.invoice.syntax, attachment: eInvoice.attachment, needsReview: read.needsReview },
        "read as an e-invoice",
      );
      return {
        ...read,
        documentSha256: temp.sha256,
        model: deps.model.ref,
        timings: {
          downloadMs: round(downloadMs),
          extractMs: round(extractMs),
          inferMs: 0,
          totalMs: round(performance.now() - run.startedAt),
        },
      };
    }

    const inferStarted = performance.now();
    let extracted;
    try {
      extracted = await deps.model.extract(stageTagged(reading.pages), { onPage: run.onPage });
    } catch (err) {
      throw err instanceof StageError ? err : new StageError("infer", err);
    }
    const stats = reading.stats();
    // The model pulls pages from the reader: the reader's own clock separates the two. Looking
    // for an e-invoice attachment was reading too.
    const inferMs = Math.max(0, performance.now() - inferStarted - stats.extractMs);
    const extractMs = stats.extractMs + eInvoiceMs;
    if (extracted.pages === 0) throw new StageError("extract", new DocsiftError("EMPTY_DOCUMENT"));
    metrics.stage("extract", extractMs);
    metrics.stage("infer", inferMs);
    const totalMs = performance.now() - run.startedAt;
    metrics.modelResult(deps.model.ref.version, "served", extracted.fields);
    const result: JobResult = {
      documentType: extracted.documentType,
      documentTypeConfidence: extracted.documentTypeConfidence,
      fields: extracted.fields,
      source: "model",
      needsReview: extracted.needsReview,
      pages: extracted.pages,
      ocrPages: stats.ocrPages,
      characters: extracted.characters,
      documentSha256: temp.sha256,
      model: deps.model.ref,
      timings: {
        downloadMs: round(downloadMs),
        extractMs: round(extractMs),
        inferMs: round(inferMs),
        totalMs: round(totalMs),
      },
    };
    if (deps.shadow)
      handedOver = deps.shadow(result, {
        pages: (signal) =>
          readDocument(
            { path: temp.path, head: temp.head },
            {
              limits: {
                maxPages: config.limits.maxPages,
                maxCharacters: config.limits.maxCharacters,
                timeoutMs: config.limits.extractionTimeoutMs,
              },
              signal,
              pdfEngine: config.pdfEngine,
            },
          ).pages,
        remove: () => temp.remove(),
      });
    return result;
  } finally {
    if (!handedOver)
      await temp.remove().catch((err: unknown) => run.log.error({ err }, "could not remove the temp file"));
  }
}

/**
 * With the version verified at submit, a blob overwritten since is refused by the store. A
 * deleted blob fails the version check too (Azurite answers 412, not 404): tell the two apart,
 * since "changed" would send the user to upload again something that is simply gone.
 */
async function openSubmittedBlob(documents: DocumentStore, task: InferenceTask) {
  const { container, name, etag } = task.blob;
  try {
    return await documents.download(container, name, etag ? { ifMatch: etag } : {});
  } catch (err) {
    if (!(err instanceof DocsiftError) || err.code !== "DOCUMENT_CHANGED") throw err;
    const exists = await documents.properties(container, name).then(
      (props) => props !== undefined,
      () => true, // Unknown: the version check's verdict stands.
    );
    if (exists) throw err;
    throw new DocsiftError("DOCUMENT_MISSING", `blob ${container}/${name} does not exist`, { cause: err });
  }
}

/**
 * The store streams what it holds, and the Blob SDK resumes a broken transfer itself, so a size
 * other than the one verified at submit is another document, not a bad connection: retrying
 * would only burn deliveries. A blob that came back empty is an empty document.
 */
function sizeMismatchAsChange(err: unknown, task: InferenceTask): unknown {
  if (!(err instanceof DocsiftError) || err.code !== "DEPENDENCY_UNAVAILABLE") return err;
  const details = err.details as { sizeBytes?: unknown; expectedBytes?: unknown } | undefined;
  if (typeof details?.sizeBytes !== "number" || details.expectedBytes !== task.blob.sizeBytes) return err;
  if (details.sizeBytes === 0) return new DocsiftError("EMPTY_DOCUMENT", undefined, { cause: err });
  return new DocsiftError(
    "DOCUMENT_CHANGED",
    `The blob holds ${details.sizeBytes} bytes; ${task.blob.sizeBytes} were submitted.`,
    { cause: err, details: { sizeBytes: details.sizeBytes, expectedBytes: task.blob.sizeBytes } },
  );
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Marks failures raised while producing pages as extraction failures, not the model's. */
async function* stageTagged(
  pages: AsyncIterable<ExtractedPage>,
): AsyncGenerator<ExtractedPage, void, undefined> {
  try {
    yield* pages;
  } catch (err) {
    throw new StageError("extract", err);
  }
}
