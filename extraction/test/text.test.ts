import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDocument } from "@docsift/extraction";
import { failureOf, readAll, scratchDir, texts } from "./helpers.js";

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

const INVOICE = [
  "Rechnung Nr. 2024-17",
  "",
  "    Größe: 3 × 4 m²",
  "\tSumme: 1.234,56 €",
  "Zahlbar bis 31.12.",
];

describe("plain text", () => {
  it("reads UTF-8 with x from indentation and y from the line position", async () => {
    const path = scratch.path("utf8.txt");
    await writeFile(path, INVOICE.join("\r\n") + "\r\n", "utf8");
    const { kind, pages, stats } = await readAll(path);
    expect(kind).toBe("text");
    expect(pages).toHaveLength(1);
    expect(pages[0]!.source).toBe("plain-text");
    expect(texts(pages[0]!)).toEqual([
      "Rechnung Nr. 2024-17",
      "Größe: 3 × 4 m²",
      "Summe: 1.234,56 €",
      "Zahlbar bis 31.12.",
    ]);
    const [first, indented, tabbed, last] = pages[0]!.lines;
    expect(first!.x).toBe(0);
    expect(indented!.x).toBeCloseTo(4 / 100);
    expect(tabbed!.x).toBeCloseTo(4 / 100);
    // The blank second line keeps its place.
    expect(indented!.y).toBeCloseTo(2 / 60);
    expect(last!.y).toBeCloseTo(4 / 60);
    expect(stats.characters).toBe(texts(pages[0]!).join("").length);
  });

  it("reads UTF-16LE with a BOM", async () => {
    const path = scratch.path("utf16.txt");
    await writeFile(
      path,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(INVOICE.join("\n"), "utf16le")]),
    );
    const { pages } = await readAll(path);
    expect(texts(pages[0]!)).toEqual([
      "Rechnung Nr. 2024-17",
      "Größe: 3 × 4 m²",
      "Summe: 1.234,56 €",
      "Zahlbar bis 31.12.",
    ]);
  });

  it("reads windows-1252 (detected, no BOM)", async () => {
    const path = scratch.path("cp1252.txt");
    const text =
      "Facture n° 42 réglée à réception.\nMontant dû : 120 € — merci.\nÉchéance : 30 jours, pénalités au taux légal.\n";
    const bytes = Buffer.from([...text].map((c) => (c === "€" ? 0x80 : c === "—" ? 0x97 : c.charCodeAt(0))));
    await writeFile(path, bytes);
    const { pages } = await readAll(path);
    expect(texts(pages[0]!)).toEqual(text.trim().split("\n"));
  });

  it("pages every 60 lines and at form feeds, and keeps lines split across read chunks", async () => {
    const path = scratch.path("long.txt");
    const long = "x".repeat(300_000);
    const lines = [...Array.from({ length: 130 }, (_, i) => `line ${i + 1}`), long, "after\fnext page"];
    await writeFile(path, lines.join("\n"));
    const { pages } = await readAll(path);
    expect(pages.map((p) => p.lines.length)).toEqual([60, 60, 12, 1]);
    expect(texts(pages[2]!).slice(-2)).toEqual([long, "after"]);
    expect(texts(pages[3]!)).toEqual(["next page"]);
  });

  it("fails past the character cap, even inside one endless line", async () => {
    const path = scratch.path("endless.txt");
    await writeFile(path, "y".repeat(2_000_000));
    expect(await failureOf(readAll(path, { limits: { maxCharacters: 1_000_000 } }))).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
    });
  });

  it("fails an empty file with EMPTY_DOCUMENT", async () => {
    const path = scratch.path("empty.txt");
    await writeFile(path, "");
    expect(() => readDocument({ path, head: Buffer.alloc(0) })).toThrow(
      expect.objectContaining({ code: "EMPTY_DOCUMENT" }),
    );
  });
});

describe("images", () => {
  it("fail as unsupported, saying OCR is off, when no OCR engine is given", async () => {
    const path = scratch.path("scan.png");
    const { noisePng } = await import("@docsift/extraction/testing");
    await writeFile(path, noisePng(16, 16));
    const err = await failureOf(readAll(path));
    expect(err).toMatchObject({ code: "UNSUPPORTED_DOCUMENT", permanent: true });
    expect(err.message).toMatch(/OCR/);
  });

  it("are read as one page by the OCR engine", async () => {
    const path = scratch.path("scan.jpg");
    await writeFile(path, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const seen: Array<{ bytes: number; page: number }> = [];
    // A recording engine: the real PP-OCR engine is tested with its own module.
    const ocr = {
      recognizePage: async (image: Buffer, page: number) => {
        seen.push({ bytes: image.length, page });
        return {
          number: 99,
          source: "ocr" as const,
          lines: [{ text: "TOTAL 10.00", page: 99, index: 5, x: 0.1, y: 0.2, width: 0.3, height: 0.02 }],
        };
      },
      close: async () => undefined,
    };
    const { kind, pages, stats } = await readAll(path, { ocr });
    expect(kind).toBe("jpeg");
    expect(seen).toEqual([{ bytes: 7, page: 1 }]);
    expect(pages).toEqual([
      {
        number: 1,
        source: "ocr",
        lines: [{ text: "TOTAL 10.00", page: 1, index: 0, x: 0.1, y: 0.2, width: 0.3, height: 0.02 }],
      },
    ]);
    expect(stats.ocrPages).toBe(1);
  });
});

describe("unsupported input", () => {
  it("fails a binary file with UNSUPPORTED_DOCUMENT at once", async () => {
    const path = scratch.path("program.bin");
    const head = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]);
    await writeFile(path, head);
    expect(() => readDocument({ path, head })).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_DOCUMENT" }),
    );
  });
});
