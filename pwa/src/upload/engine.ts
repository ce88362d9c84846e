import { Backoff, isAbortError, sleep } from "../lib/backoff.js";
import type { BackoffOptions } from "../lib/backoff.js";
import { blockListXml, planBlocks, putBlockListUrl, putBlockUrl } from "./plan.js";
import type { PlannedBlock } from "./plan.js";
import { NetworkError } from "./transport.js";
import type { PutResponse, Transport } from "./transport.js";

export interface UploadProgress {
  loaded: number;
  total: number;
  blocksDone: number;
  blocks: number;
  retries: number;
}

export interface UploadOptions {
  /** The write-only SAS URL of the blob. */
  url: string;
  file: Blob;
  contentType: string;
  blockSizeBytes: number;
  transport: Transport;
  /** Blocks in flight at once. */
  concurrency?: number;
  /** Tries per block (and for the block list) before the upload fails. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}

export interface UploadOutcome {
  blocks: number;
  retries: number;
  ms: number;
}

export class UploadError extends Error {
  override readonly name = "UploadError";
  constructor(
    message: string,
    /** HTTP status of the last answer, if any. */
    readonly status: number | undefined,
    /** True when trying again later may work (network down, storage busy); false for e.g. an expired SAS. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 8_000 };

/** Storage answers worth retrying: timeouts, throttling and server errors. */
const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * Uploads a file straight to Blob Storage as blocks: Put Block for each block, `concurrency`
 * at a time, each retried with backoff on network errors and retryable statuses, then one
 * Put Block List. Progress counts bytes sent of every block in flight; a retried block starts
 * from zero again. Aborting `signal` stops every request in flight.
 */
export async function uploadBlocks(options: UploadOptions): Promise<UploadOutcome> {
  const started = performance.now();
  const { file, transport } = options;
  // One signal for every request: the caller's cancel, or the first block that fails for good.
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const signal = stop.signal;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const blocks = planBlocks(file.size, options.blockSizeBytes);
  const loadedPerBlock = new Float64Array(blocks.length);
  let loaded = 0;
  let blocksDone = 0;
  let retries = 0;

  const report = () =>
    options.onProgress?.({ loaded, total: file.size, blocksDone, blocks: blocks.length, retries });
  const setLoaded = (index: number, bytes: number) => {
    loaded += bytes - loadedPerBlock[index]!;
    loadedPerBlock[index] = bytes;
    report();
  };

  /** Runs one request with retries; `before` runs at the start of every try. */
  const withRetries = async (
    what: string,
    attempt: () => Promise<PutResponse>,
    before?: () => void,
  ): Promise<void> => {
    const backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    for (let tryNo = 1; ; tryNo++) {
      before?.();
      let status: number | undefined;
      let reason: string;
      try {
        const response = await attempt();
        if (response.status >= 200 && response.status < 300) return;
        status = response.status;
        reason = `${what} answered ${response.status}`;
        if (!retryableStatus(response.status)) throw new UploadError(reason, status, false);
      } catch (err) {
        if (isAbortError(err) || err instanceof UploadError) throw err;
        if (!(err instanceof NetworkError)) throw err;
        reason = err.message;
      }
      if (tryNo >= maxAttempts)
        throw new UploadError(`${reason} (gave up after ${tryNo} tries)`, status, true);
      retries++;
      await sleep(backoff.next(), signal);
    }
  };

  const putBlock = (block: PlannedBlock) =>
    withRetries(
      `block ${block.index + 1} of ${blocks.length}`,
      () =>
        transport({
          url: putBlockUrl(options.url, block.id),
          body: file.slice(block.start, block.end),
          headers: {},
          signal,
          onProgress: (bytes) => setLoaded(block.index, Math.min(bytes, block.end - block.start)),
        }),
      () => setLoaded(block.index, 0),
    ).then(() => {
      setLoaded(block.index, block.end - block.start);
      blocksDone++;
      report();
    });

  // A fixed pool of lanes pulling the next block: at most `concurrency` requests at a time.
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < blocks.length && !signal.aborted) await putBlock(blocks[next++]!);
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, blocks.length) }, () =>
        lane().catch((err: unknown) => {
          // The first failure is the cause; the others are the aborts it triggers.
          failure ??= err;
          stop.abort(err);
        }),
      ),
    );
    if (failure !== undefined) throw failure;
    if (signal.aborted) throw new DOMException("The upload was cancelled.", "AbortError");
    await withRetries("the block list", () =>
      transport({
        url: putBlockListUrl(options.url),
        body: blockListXml(blocks),
        headers: { "content-type": "application/xml", "x-ms-blob-content-type": options.contentType },
        signal,
      }),
    );
  } finally {
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
  return { blocks: blocks.length, retries, ms: Math.round(performance.now() - started) };
}
