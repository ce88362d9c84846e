// The OCR engine's pure parts: line merging, junk filtering, CTC decoding, the page queue, the
// settings and the page renderer.
import { withOcrPageCap, type OcrEngine } from "../src/ocr-engine.js";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ctcGreedyDecode } from "../src/ocr/ctc-decode.js";
import type { PageBitmap } from "../src/ocr/decode-page-image.js";
import { mergeBoxesIntoLines, type TextBox } from "../src/ocr/merge-lines.js";
import { readOcrSettings } from "../src/ocr/ocr-settings.js";
import { toTextLines } from "../src/ocr/pp-ocr-engine.js";
import { renderLinesToPng } from "../src/ocr-training/render-svg-page.js";
import { SerialQueue } from "../src/ocr/serial-queue.js";

const box = (text: string, x0: number, y0: number, x1: number, y1: number): TextBox => ({
  text,
  x0,
  y0,
  x1,
  y1,
});

describe("mergeBoxesIntoLines", () => {
  it("orders rows top to bottom and boxes left to right, whatever order they arrive in", () => {
    const lines = mergeBoxesIntoLines([
      box("third", 100, 200, 300, 220),
      box("second-right", 600, 100, 800, 120),
      box("first", 100, 10, 300, 30),
      box("second-left", 100, 102, 300, 122),
    ]);
    expect(lines.map((l) => l.text)).toEqual(["first", "second-left", "second-right", "third"]);
  });

  it("joins boxes split at a word gap into one line and keeps a column gap as a break", () => {
    const lines = mergeBoxesIntoLines([
      box("Total", 100, 50, 160, 70),
      box("due", 175, 51, 210, 71), // 15 px gap on a 20 px line: a word space
      box("EUR 401.40", 600, 50, 720, 70), // 390 px gap: another column
    ]);
    expect(lines).toEqual([box("Total due", 100, 50, 210, 71), box("EUR 401.40", 600, 50, 720, 70)]);
  });

  it("keeps a slightly skewed row together but not two neighbouring lines", () => {
    const skewed = mergeBoxesIntoLines([box("a", 100, 100, 200, 120), box("b", 210, 106, 300, 126)]);
    expect(skewed.map((l) => l.text)).toEqual(["a b"]);
    // Tight leading: 20 px lines 18 px apart overlap by 2 px, a tenth of their height.
    const stacked = mergeBoxesIntoLines([box("upper", 100, 100, 300, 120), box("lower", 100, 118, 300, 138)]);
    expect(stacked.map((l) => l.text)).toEqual(["upper", "lower"]);
  });

  it("returns nothing for no boxes", () => {
    expect(mergeBoxesIntoLines([])).toEqual([]);
  });
});

describe("toTextLines", () => {
  const page: PageBitmap = {
    rgba: Buffer.alloc(0),
    width: 1024,
    height: 512,
    pageWidth: 1000,
    pageHeight: 500,
    format: "png",
    pagesInFile: 1,
    scale: 1,
  };

  it("normalises to the page without its padding, drops junk and numbers lines", () => {
    const lines = toTextLines(
      [
        { ...box("  Invoice   number ", 100, 50, 400, 70), confidence: 0.9 },
        { ...box(".:", 500, 300, 510, 305), confidence: 0.9 }, // a speckle read as punctuation
        { ...box("garbled", 100, 100, 300, 120), confidence: 0.3 }, // below the confidence floor
        { ...box("", 100, 200, 300, 220), confidence: 0.99 },
        { ...box("Total", 900, 480, 1010, 505), confidence: 0.8 }, // runs into the padding
      ],
      page,
      4,
    );
    expect(lines).toEqual([
      {
        text: "Invoice number",
        page: 4,
        index: 0,
        x: 0.1,
        y: 0.1,
        width: expect.closeTo(0.3, 9),
        height: expect.closeTo(0.04, 9),
      },
      {
        text: "Total",
        page: 4,
        index: 1,
        x: 0.9,
        y: 0.96,
        width: expect.closeTo(0.1, 9),
        height: expect.closeTo(0.04, 9),
      },
    ]);
  });
});

describe("ctcGreedyDecode", () => {
  const dictionary = ["a", "b", " "];
  // One row per time step over the classes blank, a, b, space.
  const steps = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());

  it("collapses repeats, skips blanks and averages the kept characters' probabilities", () => {
    const probs = steps([
      [0.1, 0.8, 0.05, 0.05], // a
      [0.1, 0.6, 0.2, 0.1], // a again: a repeat
      [0.9, 0.05, 0.05, 0], // blank separates
      [0.2, 0.7, 0.1, 0], // a: a new character
      [0.1, 0, 0.1, 0.8], // space
      [0.0, 0, 1.0, 0], // b
    ]);
    const decoded = ctcGreedyDecode(probs, 6, 4, dictionary);
    expect(decoded.text).toBe("aa b");
    expect(decoded.confidence).toBeCloseTo((0.8 + 0.7 + 0.8 + 1.0) / 4, 6);
  });

  it("reads a word space the blank outvoted when the space had its share of the gap", () => {
    const probs = steps([
      [0.1, 0.9, 0, 0], // a
      [0.96, 0, 0, 0.04], // blank, but the space is not ruled out
      [0.1, 0, 0.9, 0], // b
      [0.999, 0, 0, 0.001], // blank, the space all but ruled out
      [0.1, 0.9, 0, 0], // a
      [0.9, 0, 0, 0.1], // blank with a likely space…
      [0.1, 0, 0.1, 0.8], // …then the space itself: one space, not two
      [0.1, 0, 0.9, 0], // b
    ]);
    expect(ctcGreedyDecode(probs, 8, 4, dictionary, { spaceClass: 3 }).text).toBe("a ba b");
    // Without the space's class nothing is recovered, and a stricter threshold keeps the gap.
    expect(ctcGreedyDecode(probs, 8, 4, dictionary).text).toBe("aba b");
    expect(ctcGreedyDecode(probs, 8, 4, dictionary, { spaceClass: 3, spaceThreshold: 0.05 }).text).toBe(
      "aba b",
    );
  });

  it("gives empty text with confidence 0 when every step is blank", () => {
    expect(ctcGreedyDecode(steps([[1, 0, 0, 0]]), 1, 4, dictionary)).toEqual({ text: "", confidence: 0 });
  });
});

describe("SerialQueue", () => {
  it("runs one task at a time in order and keeps going after a failure", async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    let running = 0;
    const task =
      (name: string, fail = false) =>
      async (): Promise<string> => {
        running++;
        expect(running).toBe(1);
        events.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queue.run(task("a")),
      queue.run(task("b", true)),
      queue.run(task("c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(queue.pending).toBe(0);
  });
});

describe("readOcrSettings", () => {
  it("defaults to OCR on, 20 pages, 4 MP and ORT's thread count", () => {
    expect(readOcrSettings({})).toEqual({
      enabled: true,
      maxPages: 20,
      maxPixels: 4_000_000,
      intraOpThreads: undefined,
    });
  });

  it("reads the switch and the limits", () => {
    expect(
      readOcrSettings({
        OCR_ENABLED: "false",
        OCR_MAX_PAGES: "5",
        OCR_MAX_PIXELS: "2_000_000",
        OCR_THREADS: "1",
      }),
    ).toEqual({ enabled: false, maxPages: 5, maxPixels: 2_000_000, intraOpThreads: 1 });
    expect(readOcrSettings({ OCR_ENABLED: " On " }).enabled).toBe(true);
  });

  it("refuses malformed values instead of guessing", () => {
    expect(() => readOcrSettings({ OCR_ENABLED: "maybe" })).toThrow(/OCR_ENABLED/);
    expect(() => readOcrSettings({ OCR_MAX_PAGES: "0" })).toThrow(/OCR_MAX_PAGES/);
    expect(() => readOcrSettings({ OCR_MAX_PIXELS: "4e6x" })).toThrow(/OCR_MAX_PIXELS/);
  });
});

describe("renderLinesToPng", () => {
  const lines = [{ text: "Invoice number INV-12345", x: 0.1, y: 0.1, fontSize: 20 }];
  const darkPixels = async (png: Buffer): Promise<number> => {
    const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    return data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);
  };

  it("draws the text (fonts are installed) where it was placed", async () => {
    const png = await renderLinesToPng(lines, { width: 600, height: 400 });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 600, 400]);
    expect(await darkPixels(png)).toBeGreaterThan(200);
    // Nothing above the line's top nor left of its start.
    const outside = await sharp(png).extract({ left: 0, top: 0, width: 600, height: 38 }).png().toBuffer();
    expect(await darkPixels(outside)).toBe(0);
  });

  it("is deterministic, with and without noise, and noise changes the page", async () => {
    const [clean1, clean2, noisy1, noisy2] = await Promise.all([
      renderLinesToPng(lines, { width: 600, height: 400 }),
      renderLinesToPng(lines, { width: 600, height: 400 }),
      renderLinesToPng(lines, { width: 600, height: 400, noise: 0.7 }),
      renderLinesToPng(lines, { width: 600, height: 400, noise: 0.7 }),
    ]);
    expect(clean1.equals(clean2)).toBe(true);
    expect(noisy1.equals(noisy2)).toBe(true);
    expect(noisy1.equals(clean1)).toBe(false);
    expect((await sharp(noisy1).metadata()).width).toBe(600);
  });

  it("escapes markup in text and refuses positions outside the page", async () => {
    const png = await renderLinesToPng([{ text: "Smith & Sons <Ltd>", x: 0.1, y: 0.1, fontSize: 20 }], {
      width: 400,
      height: 200,
    });
    expect(await darkPixels(png)).toBeGreaterThan(100);
    await expect(renderLinesToPng([{ text: "x", x: 1.2, y: 0 }])).rejects.toThrow(RangeError);
    await expect(renderLinesToPng(lines, { noise: 2 })).rejects.toThrow(RangeError);
  });
});

describe("withOcrPageCap", () => {
  it("reads the first pages through the engine and the rest as blank, telling once", async () => {
    const read: number[] = [];
    const engine: OcrEngine = {
      recognizePage: async (_image, pageNumber) => {
        read.push(pageNumber);
        return { number: pageNumber, source: "ocr", lines: [] };
      },
      close: async () => {
        throw new Error("the capped engine must not close the caller's");
      },
    };
    let told = 0;
    const capped = withOcrPageCap(engine, 2, () => told++);
    const pages = [];
    for (let n = 1; n <= 5; n++) pages.push(await capped.recognizePage(Buffer.alloc(0), n));
    expect(read).toEqual([1, 2]);
    expect(pages.map((p) => [p.number, p.lines.length])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
    expect(told).toBe(1);
    await capped.close();
  });
});
