import { once } from "node:events";
import { createWriteStream } from "node:fs";
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPoppler, readDocument } from "@docsift/extraction";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import type { ExtractedPage } from "@docsift/core";
import {
  damagePdf,
  noiseJpeg,
  textPdfLinePosition,
  writeCorruptPdf,
  writeScannedPdf,
  writeTextPdf,
} from "@docsift/extraction/testing";
import { failureOf, headOf, readAll, scratchDir, texts } from "./helpers.js";

const havePoppler = await hasPoppler();
/** `it` for an engine: poppler's tests skip where poppler-utils is missing (never in CI, see below). */
const testFor = (pdfEngine: "pdfjs" | "poppler") => (pdfEngine === "poppler" ? it.skipIf(!havePoppler) : it);
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const PAGES = [
  ["ACME Corporation", "Invoice number INV-2024-0042", "Total due: 1,234.56 EUR"],
  ["Page two starts here", "Payment terms: 30 days"],
  [],
  ["Last page"],
];
let invoicePdf = "";

beforeAll(async () => {
  scratch = await scratchDir();
  invoicePdf = scratch.path("invoice.pdf");
  await writeTextPdf(invoicePdf, PAGES);
});
afterAll(() => scratch.remove());

// The poppler tests here and in poppler-*.test.ts skip on a machine without poppler-utils; in CI,
// which installs it (.ci/run), a skip would hide that the PDF engine the worker uses went untested.
it.runIf(process.env.CI)("has poppler-utils where CI runs, so no poppler test is skipped", () => {
  expect(havePoppler).toBe(true);
});

describe.each(["pdfjs", "poppler"] as const)("PDF with %s", (pdfEngine) => {
  const run = testFor(pdfEngine);

  run("reads the text of every page in order, with coordinates in the page", async () => {
    const { kind, pages, stats } = await readAll(invoicePdf, { pdfEngine });
    expect(kind).toBe("pdf");
    expect(pages.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    expect(pages.map(texts)).toEqual(PAGES);
    expect(pages.every((p) => p.source === "text-layer")).toBe(true);
    expect(stats).toMatchObject({
      pages: 4,
      ocrPages: 0,
      pdfEngine,
      characters: PAGES.flat().join("").length,
    });
    for (const page of pages) {
      page.lines.forEach((line, index) => {
        expect(line).toMatchObject({ page: page.number, index });
        for (const v of [line.x, line.y, line.width, line.height]) expect(v).toBeGreaterThanOrEqual(0);
        expect(line.x + line.width).toBeLessThanOrEqual(1);
        expect(line.y + line.height).toBeLessThanOrEqual(1);
      });
    }
    // writeTextPdf puts line i at 72 pt from the left, 72 + 18·i pt from the top of a 612×792 page.
    const first = pages[0]!.lines;
    for (const [i, line] of first.entries()) {
      const { x, y } = textPdfLinePosition(i);
      expect(line.x).toBeCloseTo(x / 612, 2);
      expect(line.y).toBeGreaterThan((y - 4) / 792);
      expect(line.y).toBeLessThan((y + 4) / 792);
      expect(line.height).toBeGreaterThan(8 / 792);
      expect(line.height).toBeLessThan(16 / 792);
    }
    expect(first[2]!.width).toBeGreaterThan(first[0]!.width);
  });

  run("fails a document with more pages than allowed, never reading past the cap", async () => {
    const reading = readDocument(
      { path: invoicePdf, head: await headOf(invoicePdf) },
      { pdfEngine, limits: { maxPages: 3 } },
    );
    const seen: number[] = [];
    const err = await failureOf(
      (async () => {
        for await (const page of reading.pages) seen.push(page.number);
      })(),
    );
    expect(err).toMatchObject({ code: "TOO_MANY_PAGES", permanent: true });
    // pdfjs knows the count when it opens the file; poppler's pages stream while pdfinfo counts
    // alongside, so a few may come first, but never one past the cap.
    if (pdfEngine === "pdfjs") expect(seen).toEqual([]);
    else expect(seen).toEqual([1, 2, 3].slice(0, seen.length));
  });

  run("fails past the character cap with DOCUMENT_TOO_LARGE", async () => {
    const err = await failureOf(readAll(invoicePdf, { pdfEngine, limits: { maxCharacters: 60 } }));
    expect(err).toMatchObject({ code: "DOCUMENT_TOO_LARGE" });
  });

  run("fails a corrupt PDF with CORRUPT_DOCUMENT", async () => {
    const path = scratch.path(`corrupt-${pdfEngine}.pdf`);
    await writeCorruptPdf(path);
    const err = await failureOf(readAll(path, { pdfEngine }));
    expect(err).toMatchObject({ code: "CORRUPT_DOCUMENT", permanent: true });
    expect(err.message).not.toMatch(/pdfjs|xref|trailer/i);
  });

  run("refuses a password-protected PDF and reads one that only forbids copying", async () => {
    const locked = scratch.path(`locked-${pdfEngine}.pdf`);
    await writePdfWith(locked, { userPassword: "secret", ownerPassword: "owner" }, "Locked invoice");
    const err = await failureOf(readAll(locked, { pdfEngine }));
    expect(err).toMatchObject({ code: "UNSUPPORTED_DOCUMENT", permanent: true });
    expect(err.message).toMatch(/password/i);

    // The uploader's own document: a copy restriction is no reason to refuse reading it.
    const noCopy = scratch.path(`nocopy-${pdfEngine}.pdf`);
    await writePdfWith(
      noCopy,
      { ownerPassword: "owner", permissions: { copying: false } },
      "Restricted invoice",
    );
    expect((await readAll(noCopy, { pdfEngine })).pages.map(texts)).toEqual([["Restricted invoice"]]);
  });

  run("fails a PDF that lost its second half without hanging", async () => {
    const path = scratch.path(`damaged-${pdfEngine}.pdf`);
    await writeTextPdf(path, [["one"], ["two"], ["three"]]);
    await damagePdf(path);
    const started = Date.now();
    const result = await readAll(path, { pdfEngine, limits: { timeoutMs: 10_000 } }).catch(
      (err: unknown) => err,
    );
    // Readers repair what they can; anything they cannot read must be a coded failure.
    if (result instanceof Error) expect(result).toMatchObject({ code: "CORRUPT_DOCUMENT" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  run("times out with EXTRACTION_TIMEOUT", async () => {
    const path = scratch.path(`many-${pdfEngine}.pdf`);
    await writeTextPdf(
      path,
      Array.from({ length: 300 }, (_, p) =>
        Array.from({ length: 40 }, (_, l) => `page ${p} line ${l} with some words`),
      ),
    );
    const err = await failureOf(readAll(path, { pdfEngine, limits: { timeoutMs: 30 } }));
    expect(err).toMatchObject({ code: "EXTRACTION_TIMEOUT", permanent: true });
  });

  run("renders a page without a text layer for OCR, or yields it empty without OCR", async () => {
    const path = scratch.path(`scan-${pdfEngine}.pdf`);
    await writeScannedPdf(path, await noiseJpeg(400, 300));
    const withoutOcr = await readAll(path, { pdfEngine });
    expect(withoutOcr.pages).toEqual([{ number: 1, source: "text-layer", lines: [] }]);

    // Records what it is given and checks the render is a real, non-blank page image; the
    // PP-OCR engine itself is tested in its own module (it needs ~1 GB and seconds per page).
    const renders: Array<{ width: number; height: number; inkShare: number }> = [];
    const ocr = {
      recognizePage: async (image: Buffer, page: number): Promise<ExtractedPage> => {
        const picture = await loadImage(image);
        const canvas = createCanvas(picture.width, picture.height);
        const context = canvas.getContext("2d");
        context.drawImage(picture, 0, 0);
        const { data } = context.getImageData(0, 0, picture.width, picture.height);
        let ink = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 600) ink++;
        renders.push({ width: picture.width, height: picture.height, inkShare: ink / (data.length / 4) });
        return {
          number: page,
          source: "ocr",
          lines: [{ text: "scanned", page, index: 0, x: 0.1, y: 0.1, width: 0.2, height: 0.02 }],
        };
      },
      close: async () => undefined,
    };
    const withOcr = await readAll(path, { pdfEngine, ocr });
    expect(withOcr.pages.map(texts)).toEqual([["scanned"]]);
    expect(withOcr.stats.ocrPages).toBe(1);
    // 150 dpi of a US Letter page; the image covers a third of it with noise, the rest is white.
    expect(renders).toHaveLength(1);
    expect(renders[0]!.width).toBeCloseTo(1275, -1);
    expect(renders[0]!.height).toBeCloseTo(1650, -1);
    expect(renders[0]!.inkShare).toBeGreaterThan(0.15);
    expect(renders[0]!.inkShare).toBeLessThan(0.6);
  });

  run("stops when the caller aborts, with the caller's reason", async () => {
    const controller = new AbortController();
    const reading = readDocument(
      { path: invoicePdf, head: await headOf(invoicePdf) },
      { pdfEngine, signal: controller.signal },
    );
    const reason = new Error("worker shutting down");
    const err = await failureOf(
      (async () => {
        for await (const page of reading.pages) if (page.number === 1) controller.abort(reason);
      })(),
    );
    expect(err).toBe(reason);
  });
});

describe.each(["pdfjs", "poppler"] as const)("PDF fonts with %s", (pdfEngine) => {
  const run = testFor(pdfEngine);

  run("gives each line its font size in points, and poppler its weight", async () => {
    const path = scratch.path(`fonts-${pdfEngine}.pdf`);
    const doc = new PDFDocument({ size: [595, 842], margin: 0 });
    const out = createWriteStream(path);
    doc.pipe(out);
    doc.font("Helvetica-Bold").fontSize(20).text("ACME Trading Sdn Bhd", 60, 60, { lineBreak: false });
    doc.font("Helvetica").fontSize(9).text("Invoice number INV-1", 60, 120, { lineBreak: false });
    doc.font("Helvetica").fontSize(9).text("Total: 12.00 EUR", 60, 140, { lineBreak: false });
    doc.font("Times-Bold").fontSize(11).text("Bill to:", 60, 180, { lineBreak: false });
    doc.end();
    await once(out, "finish");
    const { pages } = await readAll(path, { pdfEngine });
    const lines = pages[0]!.lines;
    expect(lines.map((l) => l.text)).toEqual([
      "ACME Trading Sdn Bhd",
      "Invoice number INV-1",
      "Total: 12.00 EUR",
      "Bill to:",
    ]);
    // pdftohtml rounds sizes to whole pixels at its zoom of 1.5: 9 pt comes back as 9.3.
    const sizes = lines.map((l) => l.fontSize!);
    expect(sizes[0]).toBeCloseTo(20, 0);
    expect(sizes[1]).toBeGreaterThan(8.5);
    expect(sizes[1]).toBeLessThan(9.5);
    expect(sizes[2]).toBe(sizes[1]);
    expect(sizes[3]).toBeGreaterThan(10.5);
    expect(sizes[3]).toBeLessThan(11.5);
    if (pdfEngine === "poppler") expect(lines.map((l) => l.bold)).toEqual([true, false, false, true]);
    // pdfjs' text layer names fonts by an internal id: weight is unknown unless a family says it.
    else expect(lines.map((l) => l.bold)).not.toContain(true);
  });
});

describe.skipIf(!havePoppler)("poppler and pdfjs", () => {
  it("give the same lines at nearly the same places", async () => {
    const a = await readAll(invoicePdf, { pdfEngine: "pdfjs" });
    const b = await readAll(invoicePdf, { pdfEngine: "poppler" });
    expect(b.pages.map(texts)).toEqual(a.pages.map(texts));
    for (const [p, page] of a.pages.entries()) {
      for (const [i, line] of page.lines.entries()) {
        const other = b.pages[p]!.lines[i]!;
        expect(Math.abs(line.x - other.x)).toBeLessThan(0.01);
        expect(Math.abs(line.y - other.y)).toBeLessThan(0.01);
        expect(Math.abs(line.width - other.width)).toBeLessThan(0.02);
      }
    }
  });

  it("auto picks poppler when it is installed", async () => {
    const { stats } = await readAll(invoicePdf);
    expect(stats.pdfEngine).toBe("poppler");
  });
});

async function writePdfWith(path: string, security: PDFKit.PDFDocumentOptions, line: string): Promise<void> {
  const doc = new PDFDocument({ size: [612, 792], margin: 0, ...security });
  const out = createWriteStream(path);
  doc.pipe(out);
  doc.font("Helvetica").fontSize(12).text(line, 72, 72, { lineBreak: false });
  doc.end();
  await once(out, "finish");
}
