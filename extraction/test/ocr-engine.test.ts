// Real OCR on rendered pages (PP-OCRv4 on onnxruntime-node, no mocks). The models load once for
// the file; each page costs 1–4 s on 2 cores.
import { DocsiftError, type ExtractedPage, type TextLine } from "@docsift/core";
import { pino } from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcrEngine } from "../src/ocr-engine.js";
import { createPpOcrEngine } from "../src/ocr/index.js";
import { SAMPLE_INVOICE_LINES, renderLinesToPng } from "../src/ocr-training/index.js";

// The recogniser drops some spaces ("Subtotal334.50"): compare without them.
const squash = (text: string): string => text.replace(/\s+/g, "").toLowerCase();
const findLine = (page: ExtractedPage, text: string): TextLine | undefined =>
  page.lines.find((line) => squash(line.text) === squash(text));

const KEY_LINES = ["Invoice number INV-12345", "Invoice date 2024-03-15", "Total due EUR 401.40"];

function expectWellFormed(page: ExtractedPage, pageNumber: number): void {
  expect(page.number).toBe(pageNumber);
  expect(page.source).toBe("ocr");
  page.lines.forEach((line, i) => {
    expect(line.index).toBe(i);
    expect(line.page).toBe(pageNumber);
    expect(line.text.trim()).toBe(line.text);
    expect(line.text.length).toBeGreaterThan(0);
    for (const v of [line.x, line.y, line.width, line.height]) expect(v).toBeGreaterThanOrEqual(0);
    expect(line.x + line.width).toBeLessThanOrEqual(1);
    expect(line.y + line.height).toBeLessThanOrEqual(1);
    expect(line.width).toBeGreaterThan(0);
    expect(line.height).toBeGreaterThan(0);
  });
}

/** Reading order: rows top to bottom; within a row (vertical overlap), left to right. */
function expectReadingOrder(lines: TextLine[]): void {
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1]!, lines[i]!];
    const overlap = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (overlap >= 0.5 * Math.min(a.height, b.height))
      expect(b.x, `${a.text} | ${b.text}`).toBeGreaterThan(a.x);
    else expect(b.y, `${a.text} | ${b.text}`).toBeGreaterThan(a.y);
  }
}

describe("PP-OCR engine", () => {
  let engine: OcrEngine;
  let invoicePng: Buffer;

  beforeAll(async () => {
    engine = await createPpOcrEngine({ logger: pino({ level: "warn" }) });
    invoicePng = await renderLinesToPng([...SAMPLE_INVOICE_LINES]);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it("reads a rendered invoice page into lines in reading order with page-relative boxes", async () => {
    const page = await engine.recognizePage(invoicePng, 3);
    expectWellFormed(page, 3);
    expectReadingOrder(page.lines);
    for (const text of KEY_LINES) expect(findLine(page, text), text).toBeDefined();
    const found = SAMPLE_INVOICE_LINES.filter((truth) => findLine(page, truth.text));
    expect(found.length).toBeGreaterThanOrEqual(SAMPLE_INVOICE_LINES.length - 1);
    // Columns stay separate lines, as in a PDF text layer: the label and "Bill to" share a row.
    const invoiceNumber = findLine(page, "Invoice number INV-12345")!;
    const billTo = findLine(page, "Bill to: Northwind Traders")!;
    expect(billTo.index).toBe(invoiceNumber.index + 1);
    // Boxes land where the text was drawn (x, y are the line's top-left as fractions).
    for (const truth of SAMPLE_INVOICE_LINES) {
      const line = findLine(page, truth.text);
      if (!line) continue;
      expect(Math.abs(line.x - truth.x), truth.text).toBeLessThan(0.015);
      expect(Math.abs(line.y - truth.y), truth.text).toBeLessThan(0.015);
    }
  });

  it("reads JPEG and TIFF pages", async () => {
    const jpeg = await sharp(invoicePng).jpeg({ quality: 75 }).toBuffer();
    const tiff = await sharp(invoicePng).greyscale().tiff({ compression: "lzw" }).toBuffer();
    for (const [image, n] of [
      [jpeg, 1],
      [tiff, 2],
    ] as const) {
      const page = await engine.recognizePage(image, n);
      expectWellFormed(page, n);
      for (const text of KEY_LINES) expect(findLine(page, text), text).toBeDefined();
    }
  });

  it("applies EXIF orientation, so a phone photo stored sideways reads upright", async () => {
    // Orientation 6 = shown turned 90° clockwise: store the pixels a quarter turn anticlockwise.
    const sideways = await sharp(await sharp(invoicePng).rotate(-90).toBuffer())
      .jpeg({ quality: 85 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const page = await engine.recognizePage(sideways, 1);
    const line = findLine(page, "Invoice number INV-12345");
    expect(line).toBeDefined();
    expect(line!.x).toBeCloseTo(0.08, 1);
    expect(line!.y).toBeCloseTo(0.16, 1);
  });

  it("reads a noisy scan (blur, rotation, speckles) without speckles turning into lines", async () => {
    const noisy = await renderLinesToPng([...SAMPLE_INVOICE_LINES], { noise: 1 });
    const page = await engine.recognizePage(noisy, 1);
    expectWellFormed(page, 1);
    for (const text of KEY_LINES) expect(findLine(page, text), text).toBeDefined();
    expect(page.lines.length).toBeLessThanOrEqual(SAMPLE_INVOICE_LINES.length + 2);
  });

  it("returns a page without lines for a blank image", async () => {
    const blank = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: "#ffffff" } })
      .png()
      .toBuffer();
    const page = await engine.recognizePage(blank, 5);
    expect(page).toEqual({ number: 5, source: "ocr", lines: [] });
  });

  it("refuses corrupt, empty and unsupported images with stable codes", async () => {
    const truncated = invoicePng.subarray(0, Math.floor(invoicePng.length / 2));
    const garbage = Buffer.from("%PDF-1.7 this is not an image at all".repeat(20));
    const gif = await sharp(invoicePng).resize(100).gif().toBuffer();
    const cases: [Buffer, string][] = [
      [truncated, "CORRUPT_DOCUMENT"],
      [garbage, "CORRUPT_DOCUMENT"],
      [Buffer.alloc(0), "EMPTY_DOCUMENT"],
      [gif, "UNSUPPORTED_DOCUMENT"],
    ];
    for (const [image, code] of cases) {
      const err = await engine.recognizePage(image, 1).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, code).toBeInstanceOf(DocsiftError);
      expect((err as DocsiftError).code).toBe(code);
    }
    // A failed page does not poison the queue behind it.
    const page = await engine.recognizePage(invoicePng, 1);
    expect(findLine(page, "Total due EUR 401.40")).toBeDefined();
  });

  it("downscales a page above the pixel cap and still maps boxes to the whole page", async () => {
    const small = await createPpOcrEngine({ maxPixels: 1_200_000, logger: pino({ level: "warn" }) });
    try {
      const big = await sharp(invoicePng).resize(2480, 3508).png().toBuffer(); // A4 at 300 dpi
      const page = await small.recognizePage(big, 1);
      const line = findLine(page, "Invoice number INV-12345");
      expect(line).toBeDefined();
      expect(Math.abs(line!.x - 0.08)).toBeLessThan(0.015);
      expect(Math.abs(line!.y - 0.16)).toBeLessThan(0.015);
    } finally {
      await small.close();
    }
    await expect(small.recognizePage(invoicePng, 1)).rejects.toThrow(/closed/);
  });

  it("reads €, £ and Latin letters PP-OCR's dictionary lacks, through the committed head", async () => {
    // None of these strings is in the head's training lines (words and amounts outside the
    // synthetic generator's vocabulary); the shipped recogniser read none of € £ ö ß ñ ç.
    const lines = [
      "Bäckerei Schön: 1.482,37 €",
      "Straßenfest Göttingen",
      "Mañana Peña 58,06 £",
      "Françoise Garçon € 906,14",
    ];
    const png = await renderLinesToPng(
      lines.map((text, i) => ({ text, x: 0.08, y: 0.1 + i * 0.05, fontSize: 21 })),
    );
    const page = await engine.recognizePage(png, 1);
    expect(page.lines.map((l) => squash(l.text))).toEqual(lines.map(squash));
  });

  it("runs concurrent calls one page at a time, in order, on shared sessions", async () => {
    // The other engine was closed above; these sessions must still be alive.
    const pages = await Promise.all([
      engine.recognizePage(invoicePng, 7),
      engine.recognizePage(invoicePng, 8),
    ]);
    expect(pages.map((p) => p.number)).toEqual([7, 8]);
    expect(pages[0]!.lines.map((l) => l.text)).toEqual(pages[1]!.lines.map((l) => l.text));
  });
});
