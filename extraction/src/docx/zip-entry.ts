import { Transform, type Readable, type TransformCallback } from "node:stream";
import { promisify } from "node:util";
import { createInflateRaw } from "node:zlib";
import { DocsiftError } from "@docsift/core";
import yauzl from "yauzl";

/** The ratio check starts after this much output: tiny, very regular parts may compress hard. */
const RATIO_CHECK_AFTER_BYTES = 1024 * 1024;

export interface EntryCaps {
  maxUncompressedBytes: number;
  maxRatio: number;
}

export interface OpenedEntry {
  /** The entry's inflated bytes, failing with DOCUMENT_TOO_LARGE past either cap. */
  stream: Readable;
  close(): void;
}

const openZip = promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open);

/**
 * Opens one entry of a ZIP file as a stream of its uncompressed bytes. yauzl reads the central
 * directory only (lazyEntries) and inflation is ours, so both caps are counted on the bytes
 * actually produced, whatever sizes the headers claim: a zip bomb fails within the first
 * megabytes instead of after filling memory or disk.
 * @returns undefined when the ZIP has no such entry.
 */
export async function openZipEntry(
  path: string,
  entryName: string,
  caps: EntryCaps,
): Promise<OpenedEntry | undefined> {
  const zip = await openZip(path, { lazyEntries: true, autoClose: false, validateEntrySizes: false });
  try {
    const entry = await findEntry(zip, entryName);
    if (!entry) {
      zip.close();
      return undefined;
    }
    if (entry.uncompressedSize > caps.maxUncompressedBytes) throw tooLarge(entry.uncompressedSize, caps);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new DocsiftError(
        "UNSUPPORTED_DOCUMENT",
        `ZIP compression method ${entry.compressionMethod} is not supported.`,
      );
    }
    const openRaw = promisify<yauzl.Entry, yauzl.ZipFileOptions, Readable>(zip.openReadStream.bind(zip));
    const raw = await openRaw(entry, { decompress: false } as yauzl.ZipFileOptions);
    const guard = new InflationGuard(caps, entry.uncompressedSize);
    const counted = raw.pipe(new ByteCounter(guard));
    const stages: Readable[] = [raw, counted];
    if (entry.compressionMethod === 8) stages.push(counted.pipe(createInflateRaw()));
    const stream = (stages[stages.length - 1] as Readable).pipe(guard);
    // pipe() does not forward errors: surface every stage's failure on the stream we return.
    for (const stage of stages) stage.on("error", (err) => guard.destroy(err));
    return {
      stream,
      close: () => {
        raw.destroy();
        guard.destroy();
        zip.close();
      },
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

function findEntry(zip: yauzl.ZipFile, name: string): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: yauzl.Entry): void => {
      if (entry.fileName === name) finish(entry);
      else zip.readEntry();
    };
    const finish = (entry?: yauzl.Entry, err?: Error): void => {
      zip.off("entry", onEntry).off("end", onEnd).off("error", onError);
      if (err) reject(err);
      else resolve(entry);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (err: Error): void => finish(undefined, err);
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}

const tooLarge = (bytes: number, caps: EntryCaps, ratio?: number): DocsiftError =>
  new DocsiftError(
    "DOCUMENT_TOO_LARGE",
    ratio === undefined
      ? `The document's text part expands to more than ${caps.maxUncompressedBytes} bytes.`
      : `The document's text part expands more than ${caps.maxRatio} times its compressed size (a zip bomb?).`,
    {
      details: {
        uncompressedBytes: bytes,
        maxUncompressedBytes: caps.maxUncompressedBytes,
        ratio,
        maxRatio: caps.maxRatio,
      },
    },
  );

/** Counts the compressed bytes fed to the inflater. */
class ByteCounter extends Transform {
  constructor(private readonly guard: InflationGuard) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.guard.compressedBytes += chunk.length;
    callback(null, chunk);
  }
}

/** Counts the inflated bytes and fails the stream past the size or ratio cap. */
class InflationGuard extends Transform {
  compressedBytes = 0;
  #uncompressedBytes = 0;

  constructor(
    private readonly caps: EntryCaps,
    private readonly declaredBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#uncompressedBytes += chunk.length;
    if (this.#uncompressedBytes > this.caps.maxUncompressedBytes) {
      callback(tooLarge(this.#uncompressedBytes, this.caps));
      return;
    }
    const ratio = this.#uncompressedBytes / Math.max(1, this.compressedBytes);
    if (this.#uncompressedBytes > RATIO_CHECK_AFTER_BYTES && ratio > this.caps.maxRatio) {
      callback(tooLarge(this.#uncompressedBytes, this.caps, Math.round(ratio)));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#uncompressedBytes !== this.declaredBytes) {
      callback(
        new DocsiftError(
          "CORRUPT_DOCUMENT",
          "The document could not be read; it may be damaged or truncated.",
          {
            details: {
              reason: `entry inflated to ${this.#uncompressedBytes} bytes, header says ${this.declaredBytes}`,
            },
          },
        ),
      );
      return;
    }
    callback();
  }
}
