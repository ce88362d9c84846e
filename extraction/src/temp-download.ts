import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DocsiftError } from "@docsift/core";
import { HEAD_BYTES } from "./sniff.js";

/** A downloaded document in a private temp file; remove it (or `await using`) when done. */
/** Every document's private folder starts with this, so a sweep knows which are ours. */
const TEMP_PREFIX = "docsift-document-";

/**
 * Removes document folders left in `dir` by a process that was killed mid-job (SIGKILL skips
 * every cleanup), if they are older than `olderThanMs`: no live job runs that long, so a folder
 * of a job in flight in another worker sharing `dir` is never touched. Returns how many went.
 */
export async function sweepStaleDocuments(dir: string = tmpdir(), olderThanMs: number): Promise<number> {
  const now = Date.now();
  let removed = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith(TEMP_PREFIX)) continue;
    const path = join(dir, e.name);
    const info = await stat(path).catch(() => undefined);
    if (!info || now - info.mtimeMs < olderThanMs) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

export interface TempDocument {
  readonly path: string;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the whole content, computed while streaming. */
  readonly sha256: string;
  /** The first 8 KiB (fewer for a smaller file), for sniffing and encoding detection. */
  readonly head: Buffer;
  remove(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface DownloadOptions {
  /** The download fails with DOCUMENT_TOO_LARGE as soon as more than this arrives. */
  maxBytes: number;
  /** Parent folder of the private temp folder; os.tmpdir() by default. */
  dir?: string;
  /** The size the sender announced: larger than maxBytes fails before reading, a mismatch after. */
  expectedBytes?: number;
  signal?: AbortSignal;
}

const tooLarge = (sizeBytes: number, maxBytes: number): DocsiftError =>
  new DocsiftError("DOCUMENT_TOO_LARGE", `The document is larger than ${maxBytes} bytes.`, {
    details: { sizeBytes, maxBytes },
  });

/**
 * Streams a document into a new file (mode 0600) inside a new folder (mode 0700), hashing it and
 * enforcing the size cap on the way, so memory stays flat whatever the size. On any failure
 * the folder is removed before the error is thrown.
 */
export async function downloadToTempFile(
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  opts: DownloadOptions,
): Promise<TempDocument> {
  const { maxBytes, expectedBytes } = opts;
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);
  if (expectedBytes !== undefined && expectedBytes > maxBytes) {
    destroySource(source);
    throw tooLarge(expectedBytes, maxBytes);
  }
  const folder = await mkdtemp(join(opts.dir ?? tmpdir(), TEMP_PREFIX));
  const path = join(folder, "document");
  const meter = new DownloadMeter(maxBytes);
  try {
    await pipeline(
      source,
      meter,
      createWriteStream(path, { flags: "wx", mode: 0o600 }),
      ...(opts.signal ? [{ signal: opts.signal }] : []),
    );
    if (expectedBytes !== undefined && meter.sizeBytes !== expectedBytes) {
      // A short or long read is a transfer problem (or a blob replaced meanwhile): worth a retry.
      throw new DocsiftError(
        "DEPENDENCY_UNAVAILABLE",
        `The download ended after ${meter.sizeBytes} bytes; ${expectedBytes} were expected.`,
        { details: { sizeBytes: meter.sizeBytes, expectedBytes } },
      );
    }
  } catch (err) {
    destroySource(source);
    await rm(folder, { recursive: true, force: true });
    throw err;
  }
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> => (removed ??= rm(folder, { recursive: true, force: true }));
  return {
    path,
    sizeBytes: meter.sizeBytes,
    sha256: meter.sha256(),
    head: meter.head(),
    remove,
    [Symbol.asyncDispose]: remove,
  };
}

function destroySource(source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>): void {
  const destroy = (source as { destroy?: unknown }).destroy;
  if (typeof destroy === "function") destroy.call(source);
}

/** Counts, hashes and keeps the head of what passes through; fails the pipeline past the cap. */
class DownloadMeter extends Transform {
  sizeBytes = 0;
  readonly #hash = createHash("sha256");
  readonly #head: Buffer[] = [];
  #headBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!(chunk instanceof Uint8Array)) {
      callback(new TypeError("a document stream must yield bytes, not strings or objects"));
      return;
    }
    this.sizeBytes += chunk.byteLength;
    if (this.sizeBytes > this.maxBytes) {
      callback(tooLarge(this.sizeBytes, this.maxBytes));
      return;
    }
    this.#hash.update(chunk);
    if (this.#headBytes < HEAD_BYTES) {
      const part = Buffer.from(chunk.subarray(0, HEAD_BYTES - this.#headBytes));
      this.#head.push(part);
      this.#headBytes += part.byteLength;
    }
    callback(null, chunk);
  }

  sha256(): string {
    return this.#hash.digest("hex");
  }

  head(): Buffer {
    return Buffer.concat(this.#head);
  }
}
