import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { crc32, createDeflateRaw } from "node:zlib";
import { Zip, type ZipInputFile } from "fflate";

type Chunks = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** fflate's typings want a plain ArrayBuffer view; Node's chunks are views of one too. */
const view = (chunk: Uint8Array): Uint8Array<ArrayBuffer> =>
  new Uint8Array(chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.byteLength);

/**
 * Writes a ZIP file entry by entry with flat memory: fflate lays out the archive, Node's native
 * zlib deflates (fflate's JS deflate takes seconds for the hundreds of megabytes a zip bomb
 * needs), and every chunk waits for the file stream to drain.
 */
export class StreamingZipWriter {
  readonly #out: WriteStream;
  readonly #zip: Zip;
  #failure: Error | undefined;

  constructor(path: string) {
    this.#out = createWriteStream(path);
    this.#out.on("error", (err) => (this.#failure = err));
    this.#zip = new Zip((err, data) => {
      if (err) this.#failure = err;
      else this.#out.write(data);
    });
  }

  /** Adds an entry stored as is (for data that does not compress, like images). */
  async addStored(name: string, chunks: Chunks): Promise<void> {
    const file = entry(name, 0);
    this.#zip.add(file);
    for await (const chunk of chunks) {
      file.size += chunk.length;
      file.crc = crc32(chunk, file.crc) >>> 0;
      file.ondata?.(null, view(chunk), false);
      await this.#drained();
    }
    file.ondata?.(null, new Uint8Array(0), true);
    await this.#drained();
  }

  /** Adds a deflated entry; `level` 9 makes the smallest bombs. */
  async addDeflated(name: string, chunks: Chunks, level = 6): Promise<void> {
    const file = entry(name, 8);
    this.#zip.add(file);
    const deflater = createDeflateRaw({ level });
    deflater.on("data", (data: Buffer) => file.ondata?.(null, view(data), false));
    const ended = once(deflater, "end");
    for await (const chunk of chunks) {
      file.size += chunk.length;
      file.crc = crc32(chunk, file.crc) >>> 0;
      if (!deflater.write(chunk)) await once(deflater, "drain");
      await this.#drained();
    }
    deflater.end();
    await ended;
    file.ondata?.(null, new Uint8Array(0), true);
    await this.#drained();
  }

  async end(): Promise<void> {
    this.#zip.end();
    this.#out.end();
    await once(this.#out, "finish");
    if (this.#failure) throw this.#failure;
  }

  async #drained(): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#out.writableNeedDrain) await once(this.#out, "drain");
  }
}

function entry(filename: string, compression: 0 | 8): ZipInputFile & { size: number; crc: number } {
  return { filename, compression, size: 0, crc: 0, mtime: new Date("2024-01-01T00:00:00Z") };
}
