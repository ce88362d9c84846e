import { stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPoppler } from "@docsift/extraction";
import { largeDocumentLines, writeLargeDocx, writeLargePdf } from "@docsift/extraction/testing";
import { readAll, scratchDir, texts } from "./helpers.js";

const MB = 1024 * 1024;
const havePoppler = await hasPoppler();
let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

describe("~100 MB documents", { timeout: 120_000 }, () => {
  it("reads a 100 MB PDF of text pages and scanned attachments with both engines", async () => {
    const path = scratch.path("large.pdf");
    const { pages: pageCount, textPages, scanPages } = await writeLargePdf(path, 100 * MB);
    expect((await stat(path)).size).toBeGreaterThan(90 * MB);
    for (const pdfEngine of havePoppler ? (["pdfjs", "poppler"] as const) : (["pdfjs"] as const)) {
      const rssBefore = process.memoryUsage().rss;
      const { pages, stats } = await readAll(path, { pdfEngine });
      expect(stats.pages).toBe(pageCount);
      expect(texts(pages[0]!)).toEqual(largeDocumentLines(1));
      expect(texts(pages[textPages - 1]!)).toEqual(largeDocumentLines(textPages));
      expect(texts(pages.at(-1)!)).toEqual([`Scanned attachment ${scanPages} of ${scanPages}`]);
      // pdfjs keeps what it fetched (about the file) but never a second copy of it.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(250 * MB);
    }
  });

  it("reads a 100 MB DOCX of text pages and scanned attachments", async () => {
    const path = scratch.path("large.docx");
    const { textPages, scanImages } = await writeLargeDocx(path, 100 * MB);
    expect((await stat(path)).size).toBeGreaterThan(90 * MB);
    const rssBefore = process.memoryUsage().rss;
    const { pages } = await readAll(path);
    // One page per text page (each ends with a page break), then 50-line synthetic pages.
    expect(texts(pages[0]!)).toEqual(largeDocumentLines(1));
    expect(texts(pages[textPages - 1]!)).toEqual(largeDocumentLines(textPages));
    expect(pages.slice(textPages).flatMap(texts)).toEqual(
      Array.from({ length: scanImages }, (_, i) => `Scanned attachment ${i + 1} of ${scanImages}`),
    );
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * MB);
  });
});
