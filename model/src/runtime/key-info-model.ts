import { readFile } from "node:fs/promises";
import type { DocumentType, ExtractedField, ExtractedPage, FieldName, ModelRef } from "@docsift/core";
import { FIELD_NAMES } from "@docsift/core";
import { markAmbiguousDates, type Candidate, type CandidateKind } from "../candidates/extract.js";
import { documentDateOrder } from "../candidates/date-order.js";
import { titleType, withTitlePrior } from "../candidates/titles.js";
import type { DateOrder } from "../candidates/normalise.js";
import { decode, SeenValues, type ScoredCandidate } from "../decode/decode.js";
import { documentBag, FeatureBuffers, featurizePage, headerWords } from "../features/featurize.js";
import { DENSE_SIZE, FEATURE_SPEC } from "../features/spec.js";
import { FIELD_KIND } from "../candidates/field-kinds.js";
import type { ModelManifest } from "./manifest.js";
import { ScoringThread, type BatchScores } from "./scoring-thread.js";
import { sha256Bytes } from "./sha256.js";

export interface KeyInfoResult {
  documentType: DocumentType;
  documentTypeConfidence: number;
  fields: Partial<Record<FieldName, ExtractedField>>;
  /** Some field needs review, or the document type is uncertain (see `decode`). */
  needsReview: boolean;
  pages: number;
  characters: number;
  inferMs: number;
  candidates: number;
}

export interface KeyInfoModel {
  ref: ModelRef;
  manifest: ModelManifest;
  extract(
    pages: AsyncIterable<ExtractedPage> | Iterable<ExtractedPage>,
    opts?: { onPage?: (n: number) => void },
  ): Promise<KeyInfoResult>;
  close(): Promise<void>;
  /**
   * OS thread ids of the thread the model scores on (Linux; empty elsewhere). A thread started to
   * replace a crashed one is new, and listed once it runs.
   */
  scoringThreadIds(): number[];
}

export interface LoadOptions {
  onnxPath: string;
  manifest: ModelManifest;
  intraOpThreads?: number;
  /** Candidate rows per ORT run (default 1024). */
  batchSize?: number;
}

const TOP_K = 5;

/** The output classes (index and field) a candidate of each kind can be: a date is never an amount. */
const CLASSES_BY_KIND: Record<CandidateKind, Array<{ k: number; field: FieldName }>> = {
  date: [],
  amount: [],
  id: [],
  iban: [],
  currency: [],
  text: [],
};
FEATURE_SPEC.classes.forEach((name, k) => {
  const field = name as FieldName;
  if (k > 0) CLASSES_BY_KIND[FIELD_KIND[field]].push({ k, field });
});
/** Batches sent to the scoring thread and not yet answered, at most. */
const IN_FLIGHT = 2;
/** Batch buffer sets kept between documents: enough for two documents at a time. */
const MAX_SPARE_BUFFERS = 2 * (IN_FLIGHT + 1);

interface BatchBuffers {
  idx: Int32Array<ArrayBuffer>;
  dense: Float32Array<ArrayBuffer>;
}

export class ModelIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelIntegrityError";
  }
}

/** Verifies the model file against its manifest and opens one inference session. */
export async function loadKeyInfoModel(opts: LoadOptions): Promise<KeyInfoModel> {
  const { manifest } = opts;
  const bytes = await readFile(opts.onnxPath);
  const actual = sha256Bytes(bytes);
  if (actual !== manifest.sha256) {
    throw new ModelIntegrityError(
      `model file ${opts.onnxPath} has sha256 ${actual}, but manifest ${manifest.name}@${manifest.version} expects ${manifest.sha256}`,
    );
  }
  if (JSON.stringify(manifest.featureSpec) !== JSON.stringify(FEATURE_SPEC)) {
    throw new ModelIntegrityError(
      `model ${manifest.name}@${manifest.version} was built for feature spec v${manifest.featureSpec.version}; this runtime computes v${FEATURE_SPEC.version}`,
    );
  }
  const startScorer = () => ScoringThread.start(bytes, { intraOpThreads: opts.intraOpThreads ?? 1 });
  return new OnnxKeyInfoModel(await startScorer(), startScorer, manifest, opts.batchSize ?? 1024);
}

/** Keeps the best few occurrences per field, so memory does not grow with the page count. */
class TopK {
  readonly byField = new Map<FieldName, ScoredCandidate[]>();

  offer(field: FieldName, c: ScoredCandidate): void {
    let list = this.byField.get(field);
    if (!list) this.byField.set(field, (list = []));
    if (list.length === TOP_K && (list[TOP_K - 1] as ScoredCandidate).score >= c.score) return;
    // After every occurrence scored at least as high: the order a stable sort would give.
    let at = list.length;
    while (at > 0 && (list[at - 1] as ScoredCandidate).score < c.score) at--;
    list.splice(at, 0, c);
    if (list.length > TOP_K) list.pop();
  }
}

class OnnxKeyInfoModel implements KeyInfoModel {
  readonly ref: ModelRef;

  #restarting: Promise<ScoringThread> | undefined;
  readonly #spares: BatchBuffers[] = [];
  #closed = false;

  constructor(
    private scorer: ScoringThread,
    private readonly startScorer: () => Promise<ScoringThread>,
    readonly manifest: ModelManifest,
    private readonly batchSize: number,
  ) {
    this.ref = { name: manifest.name, version: manifest.version, sha256: manifest.sha256 };
  }

  async extract(
    pages: AsyncIterable<ExtractedPage> | Iterable<ExtractedPage>,
    opts: { onPage?: (n: number) => void } = {},
  ): Promise<KeyInfoResult> {
    // A crashed scoring thread is replaced before the next document rather than failing every
    // later job on this pod (each failure would cost its message a delivery).
    if (this.scorer.failed && !this.#closed) {
      this.#restarting ??= this.startScorer().finally(() => (this.#restarting = undefined));
      this.scorer = await this.#restarting;
    }
    const { slots } = FEATURE_SPEC;
    // Batch buffers: one is filled here while up to IN_FLIGHT others are being scored, so a
    // scoring thread that falls behind for a moment (two cores, poppler on one of them) does
    // not stop featurization. They are kept for the next document: zeroing half a megabyte per
    // set cost ~0.4 ms of a 30 ms job.
    const takeBuffers = (): BatchBuffers =>
      this.#spares.pop() ?? {
        idx: new Int32Array(this.batchSize * slots),
        dense: new Float32Array(this.batchSize * DENSE_SIZE),
      };
    const giveBack = (b: BatchBuffers): void => {
      if (this.#spares.length < MAX_SPARE_BUFFERS) this.#spares.push(b);
    };
    let { idx, dense } = takeBuffers();
    const inFlight: Array<Promise<void>> = [];
    let pending: Candidate[] = [];
    /** Widest row (token ids) in the pending batch. */
    let width = 1;
    const top = new TopK();
    let order: DateOrder | undefined;
    /** Whether the first page's evidence settles the day/month order of numeric dates. */
    let orderCertain = true;
    /** The type the first page's printed title announces, if it has one. */
    let title: DocumentType | undefined;
    let docBag: Int32Array | undefined;
    let header: string[] = [];
    let pageCount = 0;
    let characters = 0;
    let total = 0;
    let inferMs = 0;
    let docTypeProbs: number[] = [];
    const classes = FEATURE_SPEC.classes;
    const seen = new SeenValues();
    // Per document, not per model: documents scored at once must not share it.
    const features = new FeatureBuffers();

    const consume = (out: BatchScores, batch: Candidate[]): void => {
      for (let r = 0; r < batch.length; r++) {
        const c = batch[r] as Candidate;
        seen.remember(c);
        const base = r * classes.length;
        for (const { k, field } of CLASSES_BY_KIND[c.kind]) {
          const score = out.fieldProbs[base + k] as number;
          if (score < 0.01) continue;
          const scored: ScoredCandidate = { value: c.value, score, page: c.line.page, sourceText: c.text };
          if (c.ambiguous) scored.ambiguous = true;
          top.offer(field, scored);
        }
      }
    };

    /** Sends the filled buffers to be scored and goes on with a free set. */
    const flush = async (withDocBag: boolean): Promise<void> => {
      // Batches are answered in order: waiting for the oldest frees its buffers.
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
      const batch = pending;
      const sent = { idx, dense };
      // The batch goes as wide as its widest row where the model takes any width (see
      // ScoringThread.takesAnyWidth): rows move left in place, row r's ids to r × width. What a row holds
      // past its own ids is padding, copied whole from its page's zeroed rows.
      const sentWidth = this.scorer.takesAnyWidth ? width : slots;
      if (sentWidth < slots)
        for (let r = 1; r < batch.length; r++)
          idx.copyWithin(r * sentWidth, r * slots, r * slots + sentWidth);
      ({ idx, dense } = takeBuffers());
      pending = [];
      width = 1;
      const started = performance.now();
      const answered = this.scorer
        .score(sent.idx, sent.dense, batch.length, withDocBag ? docBag : undefined, sentWidth)
        .then((out) => {
          inferMs += performance.now() - started;
          giveBack({ idx: out.idx, dense: out.dense });
          consume(out, batch);
          if (withDocBag)
            docTypeProbs = withTitlePrior(Array.from(out.docTypeProbs), FEATURE_SPEC.documentTypes, title);
        });
      // Awaited at a later flush or at the end; until then a failure must not count as unhandled.
      answered.catch(() => undefined);
      inFlight.push(answered);
    };

    for await (const page of pages) {
      pageCount++;
      for (const l of page.lines) characters += l.text.length;
      if (!order) {
        const dates = documentDateOrder(page.lines);
        order = dates.order;
        orderCertain = dates.certain;
        title = titleType(page.lines);
        docBag = documentBag(page);
        header = headerWords(page);
      }
      const f = featurizePage(page, order, header, features);
      // A date that reads both ways on a document that does not say which is flagged for review.
      if (!orderCertain) markAmbiguousDates(f.candidates);
      const n = f.candidates.length;
      total += n;
      // Copy the page's rows into the batch in as few block copies as the batch boundaries allow.
      for (let i = 0; i < n;) {
        const row = pending.length;
        const take = Math.min(n - i, this.batchSize - row);
        idx.set(f.idx.subarray(i * slots, (i + take) * slots), row * slots);
        dense.set(f.dense.subarray(i * DENSE_SIZE, (i + take) * DENSE_SIZE), row * DENSE_SIZE);
        for (let k = i; k < i + take; k++) {
          pending.push(f.candidates[k] as Candidate);
          if ((f.widths[k] as number) > width) width = f.widths[k] as number;
        }
        i += take;
        if (pending.length === this.batchSize) await flush(false);
      }
      opts.onPage?.(page.number);
    }
    docBag ??= new Int32Array(FEATURE_SPEC.docSlots);
    await flush(true);
    for (const answered of inFlight) await answered;
    giveBack({ idx, dense });

    const candidates: Partial<Record<FieldName, ScoredCandidate[]>> = {};
    for (const f of FIELD_NAMES) {
      const list = top.byField.get(f);
      if (list) candidates[f] = list;
    }
    const decoded = decode({ docTypeProbs, candidates, seen }, this.manifest.decoder);
    if (pageCount === 0) {
      decoded.fields = {};
      decoded.needsReview = false;
    }
    return {
      ...decoded,
      pages: pageCount,
      characters,
      inferMs: Math.round(inferMs * 100) / 100,
      candidates: total,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.scorer.close();
  }

  scoringThreadIds(): number[] {
    return this.scorer.tid === undefined ? [] : [this.scorer.tid];
  }
}
