import { once } from "node:events";
import { createWriteStream } from "node:fs";
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPdftotext } from "@docsift/extraction";
import { TsvPageParser } from "../src/pdf/pdftotext-tsv.js";
import { readAll, scratchDir, texts } from "./helpers.js";

const havePdftotext = await hasPdftotext();
let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

const LEFT = ["Left column one", "Left column two", "Left column three", "Left column four"];
const RIGHT = ["Right side alpha", "Right side beta", "Right side gamma", "Right side delta"];

/** Page 1: two columns of lines side by side, each line its own text run. Page 2: one line of separate words. */
async function writeTwoColumnPdf(path: string): Promise<void> {
  const doc = new PDFDocument({ size: [612, 792], margin: 0, compress: true });
  const out = createWriteStream(path);
  doc.pipe(out);
  doc.font("Helvetica").fontSize(12);
  LEFT.forEach((line, i) => doc.text(line, 72, 100 + i * 18, { lineBreak: false }));
  RIGHT.forEach((line, i) => doc.text(line, 360, 100 + i * 18, { lineBreak: false }));
  // Words placed one by one on a shared baseline, on a page of their own: one line of three words.
  doc.addPage({ size: [612, 792], margin: 0 });
  doc.font("Helvetica").fontSize(12);
  doc.text("Total", 72, 400, { lineBreak: false });
  doc.text("due:", 104, 400, { lineBreak: false });
  doc.text("42.00", 133, 400, { lineBreak: false });
  doc.end();
  await once(out, "finish");
}

describe.skipIf(!havePdftotext)("pdftotext engine layout", () => {
  it("keeps the columns apart in reading order and joins a line's words with spaces", async () => {
    const path = scratch.path("columns.pdf");
    await writeTwoColumnPdf(path);
    const { pages } = await readAll(path, { pdfEngine: "pdftotext" });
    expect(pages.map(texts)).toEqual([[...LEFT, ...RIGHT], ["Total due: 42.00"]]);

    const lines = pages[0]!.lines;
    const right = lines[LEFT.length]!;
    expect(right.x).toBeCloseTo(360 / 612, 2);
    expect(right.y).toBeCloseTo(lines[0]!.y, 3);
    // The joined line's box spans from its first word to past the start of its last.
    const total = pages[1]!.lines[0]!;
    expect(total.x).toBeCloseTo(72 / 612, 2);
    expect(total.x + total.width).toBeGreaterThan(133 / 612);
    expect(total.x + total.width).toBeLessThan(180 / 612);
  });
});

const HEADER =
  "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";
const row = (level: number, page: number, box: number[], text: string): string =>
  `${level}\t${page}\t0\t0\t0\t0\t${box.join("\t")}\t${level === 5 ? 100 : -1}\t${text}\n`;

describe("pdftotext TSV parser", () => {
  const tsv =
    HEADER +
    row(1, 1, [0, 0, 200, 100], "###PAGE###") +
    row(3, 1, [10, 10, 100, 10], "###FLOW###") +
    row(4, 1, [10, 10, 100, 10], "###LINE###") +
    row(5, 1, [10, 10, 30, 10], "Grüße") +
    row(5, 1, [50, 10, 60, 10], "€12") +
    row(4, 1, [20, 50, 40, 5], "###LINE###") +
    row(5, 1, [20, 50, 40, 5], "second") +
    row(1, 2, [0, 0, 200, 100], "###PAGE###") +
    row(1, 3, [0, 0, 100, 400], "###PAGE###") +
    row(3, 3, [0, 0, 100, 400], "###FLOW###") +
    row(4, 3, [25, 100, 50, 20], "###LINE###") +
    row(5, 3, [25, 100, 50, 20], "last");

  it("gives the same pages however the output is cut into chunks, even inside a character", () => {
    const bytes = Buffer.from(tsv, "utf8");
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const parser = new TsvPageParser(1000);
      const pages = [];
      for (let at = 0; at < bytes.length; at += size) {
        parser.write(bytes.subarray(at, at + size));
        pages.push(...parser.takePages());
      }
      parser.close();
      pages.push(...parser.takePages());
      expect(pages).toEqual([
        {
          number: 1,
          source: "text-layer",
          lines: [
            { text: "Grüße €12", page: 1, index: 0, x: 0.05, y: 0.1, width: 0.5, height: 0.1 },
            { text: "second", page: 1, index: 1, x: 0.1, y: 0.5, width: 0.2, height: 0.05 },
          ],
        },
        { number: 2, source: "text-layer", lines: [] },
        {
          number: 3,
          source: "text-layer",
          lines: [{ text: "last", page: 3, index: 0, x: 0.25, y: 0.25, width: 0.5, height: 0.05 }],
        },
      ]);
    }
  });

  it("hands out a page as soon as the next one starts", () => {
    const parser = new TsvPageParser(1000);
    const firstPageEnds = tsv.indexOf("1\t2\t");
    parser.write(Buffer.from(tsv.slice(0, firstPageEnds)));
    expect(parser.takePages()).toEqual([]);
    parser.write(Buffer.from(tsv.slice(firstPageEnds, tsv.indexOf("1\t3\t"))));
    expect(parser.takePages().map((p) => p.number)).toEqual([1]);
  });

  it("stops at the character cap and rejects output that is not pdftotext's TSV", () => {
    const capped = new TsvPageParser(10);
    expect(() => {
      capped.write(Buffer.from(tsv));
      capped.close();
    }).toThrow(expect.objectContaining({ code: "DOCUMENT_TOO_LARGE" }));

    expect(() => new TsvPageParser(1000).write(Buffer.from("<html>\n"))).toThrow(/header/);
    const truncatedRow = `${HEADER}${row(1, 1, [0, 0, 1, 1], "###PAGE###")}5\t1\tx\n`;
    expect(() => new TsvPageParser(1000).write(Buffer.from(truncatedRow))).toThrow(/too few fields/);
  });
});
