import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadToTempFile, sweepStaleDocuments } from "@docsift/extraction";
import { failureOf, scratchDir } from "./helpers.js";

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

async function* chunks(
  total: number,
  size = 64 * 1024,
  onChunk?: (sent: number) => void,
): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < total; sent += size) {
    onChunk?.(sent);
    yield randomBytes(Math.min(size, total - sent));
  }
}

describe("downloadToTempFile", () => {
  it("writes the stream to a private file with its sha256, size and head", async () => {
    const data = randomBytes(300_000);
    const doc = await downloadToTempFile(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), {
      maxBytes: 1_000_000,
      dir: scratch.dir,
      expectedBytes: data.length,
    });
    try {
      expect(doc.sizeBytes).toBe(data.length);
      expect(doc.sha256).toBe(createHash("sha256").update(data).digest("hex"));
      expect(doc.head.equals(data.subarray(0, 8192))).toBe(true);
      expect((await readFile(doc.path)).equals(data)).toBe(true);
      expect((await stat(doc.path)).mode & 0o777).toBe(0o600);
      expect(doc.path.startsWith(scratch.dir)).toBe(true);
      expect(doc.path).toMatch(/docsift-[^/]+\/document$/);
    } finally {
      await doc.remove();
    }
    await expect(stat(doc.path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("keeps a head shorter than 8 KiB for a small file", async () => {
    await using doc = await downloadToTempFile(Readable.from([Buffer.from("hello")]), {
      maxBytes: 10,
      dir: scratch.dir,
    });
    expect(doc.head.toString()).toBe("hello");
  });

  it("stops reading as soon as the cap is passed, and leaves no file behind", async () => {
    let sentWhenStopped = 0;
    const err = await failureOf(
      downloadToTempFile(
        chunks(50 * 1024 * 1024, 64 * 1024, (sent) => (sentWhenStopped = sent)),
        { maxBytes: 1024 * 1024, dir: scratch.dir },
      ),
    );
    expect(err.code).toBe("DOCUMENT_TOO_LARGE");
    expect(sentWhenStopped).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(await readdir(scratch.dir)).toEqual([]);
  });

  it("refuses an announced size over the cap without reading", async () => {
    let pulled = false;
    const source = (async function* () {
      pulled = true;
      yield Buffer.from("x");
    })();
    const err = await failureOf(
      downloadToTempFile(source, { maxBytes: 100, expectedBytes: 101, dir: scratch.dir }),
    );
    expect(err.code).toBe("DOCUMENT_TOO_LARGE");
    expect(pulled).toBe(false);
  });

  it("fails a download that ends short of the announced size (retryable) and removes the file", async () => {
    const err = await failureOf(
      downloadToTempFile(Readable.from([Buffer.alloc(10)]), {
        maxBytes: 100,
        expectedBytes: 20,
        dir: scratch.dir,
      }),
    );
    expect(err).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE", permanent: false });
    expect(await readdir(scratch.dir)).toEqual([]);
  });

  it("removes the file when the source fails midway", async () => {
    const source = (async function* () {
      yield Buffer.alloc(1000);
      throw new Error("connection reset");
    })();
    const err = await failureOf(downloadToTempFile(source, { maxBytes: 10_000, dir: scratch.dir }));
    expect(err.message).toBe("connection reset");
    expect(await readdir(scratch.dir)).toEqual([]);
  });

  it("removes the file on async dispose", async () => {
    let path = "";
    {
      await using doc = await downloadToTempFile(Readable.from([Buffer.from("abc")]), {
        maxBytes: 10,
        dir: scratch.dir,
      });
      path = doc.path;
      expect((await stat(path)).size).toBe(3);
    }
    await expect(stat(path)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(scratch.dir)).toEqual([]);
  });

  it("keeps memory flat while streaming 200 MB", async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    await using doc = await downloadToTempFile(
      chunks(200 * 1024 * 1024, 1024 * 1024, () => (peak = Math.max(peak, process.memoryUsage().rss))),
      { maxBytes: 300 * 1024 * 1024, dir: scratch.dir },
    );
    expect(doc.sizeBytes).toBe(200 * 1024 * 1024);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("sweepStaleDocuments", () => {
  it("removes document folders older than the bound and nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sweep-"));
    try {
      const old = join(dir, "docsift-document-old");
      const fresh = join(dir, "docsift-document-fresh");
      const other = join(dir, "docsift-eval-old");
      for (const d of [old, fresh, other]) await mkdir(d);
      await writeFile(join(old, "document"), "x");
      const past = new Date(Date.now() - 3_600_000);
      for (const d of [old, other]) await utimes(d, past, past);
      expect(await sweepStaleDocuments(dir, 600_000)).toBe(1);
      expect((await readdir(dir)).sort()).toEqual(["docsift-document-fresh", "docsift-eval-old"]);
      expect(await sweepStaleDocuments(join(dir, "missing"), 0)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
