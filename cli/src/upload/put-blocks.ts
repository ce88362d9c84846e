import { createReadStream } from "node:fs";
import { CliError } from "../errors.js";
import { blobOperationUrl, blockListXml, planBlocks } from "./block-plan.js";
import type { PlannedBlock } from "./block-plan.js";
import { DEFAULT_RETRY, RETRYABLE_STATUSES, RetryableError, retryAfterMs, withRetry } from "./retry.js";
import type { RetryPolicy } from "./retry.js";

/** Blob REST version sent with every request; the SAS carries its own signed version. */
const BLOB_API_VERSION = "2021-08-06";
const READ_CHUNK_BYTES = 256 * 1024;
/** Per block attempt: 8 MiB over a slow link still fits; a stalled connection does not hang forever. */
const BLOCK_TIMEOUT_MS = 5 * 60_000;

export interface BlockUploadOptions {
  /** Write-only SAS URL of the blob. */
  url: string;
  path: string;
  sizeBytes: number;
  blockSizeBytes: number;
  contentType: string;
  /** Blocks in flight at once. */
  concurrency?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Bytes handed to the network; negative when a failed attempt's bytes are taken back. */
  onBytes?: (delta: number) => void;
  onRetry?: (what: string, attempt: number, delayMs: number, reason: string) => void;
}

/** Blob's error answer: `<Code>` and `<Message>` of its XML body. */
function blobErrorText(status: number, text: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.split("\n")[0];
  return [`HTTP ${status}`, code, message].filter(Boolean).join(" ");
}

async function checkBlobAnswer(res: Response, what: string): Promise<void> {
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const text = await res.text().catch(() => "");
  const why = blobErrorText(res.status, text);
  if (RETRYABLE_STATUSES.has(res.status))
    throw new RetryableError(`${what}: ${why}`, retryAfterMs(res.headers.get("retry-after")));
  if (res.status === 403)
    throw new CliError(
      `Blob storage refused ${what} (${why}). The upload URL may have expired: run the same submit again for a fresh one.`,
    );
  throw new CliError(`Blob storage refused ${what} (${why}).`);
}

/** One PUT attempt; network failures are worth another try, other errors are not. */
async function put(
  url: string,
  init: RequestInit & { duplex?: "half" },
  what: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const timeout = AbortSignal.timeout(BLOCK_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RetryableError(
      `${what}: ${timeout.aborted ? "timed out" : (cause?.code ?? cause?.message ?? String(err))}`,
      undefined,
      { cause: err },
    );
  }
  await checkBlobAnswer(res, what);
}

/** The block's bytes straight from disk, counted as they are handed to the request. */
async function* blockBytes(
  path: string,
  block: PlannedBlock,
  count: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, {
    start: block.offset,
    end: block.offset + block.length - 1,
    highWaterMark: READ_CHUNK_BYTES,
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      count(chunk.length);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}

/**
 * Uploads a file to a block blob through its SAS URL: Put Block for each block, `concurrency` at
 * a time, each retried with backoff and re-read from disk (never more than the blocks in flight
 * in memory), then Put Block List to commit them in order.
 */
export async function uploadInBlocks(opts: BlockUploadOptions): Promise<{ blocks: number }> {
  const blocks = planBlocks(opts.sizeBytes, opts.blockSizeBytes);
  const policy = opts.retry ?? DEFAULT_RETRY;
  const controller = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
  const onBytes = opts.onBytes ?? (() => undefined);

  const putBlock = (block: PlannedBlock) =>
    withRetry(
      async () => {
        let sent = 0;
        try {
          await put(
            blobOperationUrl(opts.url, { comp: "block", blockid: block.id }),
            {
              method: "PUT",
              headers: { "content-length": String(block.length), "x-ms-version": BLOB_API_VERSION },
              body: blockBytes(opts.path, block, (n) => {
                sent += n;
                onBytes(n);
              }) as unknown as RequestInit["body"],
              duplex: "half",
            },
            `block ${block.index + 1} of ${blocks.length}`,
            signal,
          );
        } catch (err) {
          // The bar shows bytes that made it: a failed attempt's bytes go back.
          onBytes(-sent);
          throw err;
        }
      },
      policy,
      {
        signal,
        onRetry: (err, n, delay) => opts.onRetry?.(`block ${block.index + 1}`, n, delay, err.message),
      },
    );

  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < blocks.length && !signal.aborted) await putBlock(blocks[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, blocks.length) }, lane));
  } catch (err) {
    // One block failed for good: stop the others instead of finishing a doomed upload.
    controller.abort(err);
    throw err;
  }

  await withRetry(
    () =>
      put(
        blobOperationUrl(opts.url, { comp: "blocklist" }),
        {
          method: "PUT",
          headers: {
            "content-type": "application/xml",
            "x-ms-version": BLOB_API_VERSION,
            "x-ms-blob-content-type": opts.contentType,
          },
          body: blockListXml(blocks),
        },
        "the block list",
        signal,
      ),
    policy,
    { signal, onRetry: (err, n, delay) => opts.onRetry?.("block list", n, delay, err.message) },
  );
  return { blocks: blocks.length };
}
