import { once } from "node:events";
import { createWriteStream } from "node:fs";
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPoppler, readDocument, readFileHead } from "@docsift/extraction";
import { writeTextPdf } from "@docsift/extraction/testing";
import { XmlPageParser } from "../src/pdf/pdftohtml-xml.js";
import { readAll, scratchDir, texts } from "./helpers.js";

const havePoppler = await hasPoppler();
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

describe.skipIf(!havePoppler)("poppler engine layout", () => {
  it("keeps side-by-side columns as separate lines, read row by row, and joins a line's words with spaces", async () => {
    const path = scratch.path("columns.pdf");
    await writeTwoColumnPdf(path);
    const { pages } = await readAll(path, { pdfEngine: "poppler" });
    // Top to bottom, then left to right: the order the model's training pages come in.
    expect(pages.map(texts)).toEqual([LEFT.flatMap((l, i) => [l, RIGHT[i]!]), ["Total due: 42.00"]]);

    const lines = pages[0]!.lines;
    const right = lines[1]!;
    expect(right.x).toBeCloseTo(360 / 612, 2);
    expect(right.y).toBeCloseTo(lines[0]!.y, 3);
    // The joined line's box spans from its first word to past the start of its last.
    const total = pages[1]!.lines[0]!;
    expect(total.x).toBeCloseTo(72 / 612, 2);
    expect(total.x + total.width).toBeGreaterThan(133 / 612);
    expect(total.x + total.width).toBeLessThan(180 / 612);
  });

  it("fails a long document over the page cap with its true page count, without reading it through", async () => {
    const path = scratch.path("long.pdf");
    await writeTextPdf(
      path,
      Array.from({ length: 400 }, (_, p) => [`page ${p + 1}`]),
    );
    const seen: number[] = [];
    const reading = readDocument(
      { path, head: await readFileHead(path) },
      { pdfEngine: "poppler", limits: { maxPages: 5 } },
    );
    const err = await (async () => {
      for await (const page of reading.pages) seen.push(page.number);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "TOO_MANY_PAGES", details: { pages: 400, maxPages: 5 } });
    expect(seen.length).toBeLessThanOrEqual(5);
  });

  it("reads the invisible text layer of a scanned-and-OCRed PDF", async () => {
    const path = scratch.path("hidden.pdf");
    const doc = new PDFDocument({ size: [612, 792], margin: 0, compress: false });
    const out = createWriteStream(path);
    doc.pipe(out);
    doc.font("Helvetica").fontSize(12).text("Visible heading", 72, 72, { lineBreak: false });
    // Text render mode 3 (neither fill nor stroke) is how OCR tools lay text over a page image.
    doc.addContent("BT 3 Tr /F1 12 Tf 72 600 Td (Invoice total 99.50) Tj ET");
    doc.end();
    await once(out, "finish");
    const { pages } = await readAll(path, { pdfEngine: "poppler" });
    expect(pages.map(texts)).toEqual([["Visible heading", "Invoice total 99.50"]]);
  });
});

const PROLOGUE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">\n\n<pdf2xml producer="poppler" version="22.12.0">\n';
const page = (n: number, width: number, height: number, body: string): string =>
  `<page number="${n}" position="absolute" top="0" left="0" height="${height}" width="${width}">\n` +
  `\t<fontspec id="0" size="12" family="Helvetica" color="#000000"/>\n${body}</page>\n`;
const text = (box: number[], content: string): string =>
  `<text top="${box[1]}" left="${box[0]}" width="${box[2]}" height="${box[3]}" font="0">${content}</text>\n`;

describe("pdftohtml XML parser", () => {
  const xml =
    PROLOGUE +
    // Written out of order, with inline markup, entities and a blank run.
    page(
      1,
      200,
      100,
      text([20, 50, 40, 5], "second") +
        text([10, 10, 100, 10], "<b>Grüße</b> &amp; &lt;€12&gt; &#34;q&#34;") +
        text([150, 10, 40, 10], '<a href="https://example.com">right</a> ') +
        text([5, 80, 5, 5], " "),
    ) +
    page(2, 200, 100, "") +
    page(3, 100, 400, text([25, 100, 50, 20], "last")) +
    '<outline>\n<item page="1">Not a line</item>\n</outline>\n</pdf2xml>\n';

  const expected = [
    {
      number: 1,
      source: "text-layer",
      lines: [
        // fontspec 0 is 12 px at pdftohtml's zoom of 1.5: 8 pt; "<b>" covers less than half the line.
        {
          text: 'Grüße & <€12> "q"',
          page: 1,
          index: 0,
          x: 0.05,
          y: 0.1,
          width: 0.5,
          height: 0.1,
          fontSize: 8,
          bold: false,
        },
        {
          text: "right",
          page: 1,
          index: 1,
          x: 0.75,
          y: 0.1,
          width: 0.2,
          height: 0.1,
          fontSize: 8,
          bold: false,
        },
        {
          text: "second",
          page: 1,
          index: 2,
          x: 0.1,
          y: 0.5,
          width: 0.2,
          height: 0.05,
          fontSize: 8,
          bold: false,
        },
      ],
    },
    { number: 2, source: "text-layer", lines: [] },
    {
      number: 3,
      source: "text-layer",
      lines: [
        {
          text: "last",
          page: 3,
          index: 0,
          x: 0.25,
          y: 0.25,
          width: 0.5,
          height: 0.05,
          fontSize: 8,
          bold: false,
        },
      ],
    },
  ];

  it("gives the same pages in reading order however the output is cut into chunks, even inside a character", () => {
    const bytes = Buffer.from(xml, "utf8");
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const parser = new XmlPageParser(1000);
      const pages = [];
      for (let at = 0; at < bytes.length; at += size) {
        parser.write(bytes.subarray(at, at + size));
        pages.push(...parser.takePages());
      }
      parser.close();
      pages.push(...parser.takePages());
      expect(pages).toEqual(expected);
    }
  });

  it("gives lines the size of their fontspec, declared once for the document, and bold from <b> or the family", () => {
    const fonts =
      PROLOGUE +
      `<page number="1" position="absolute" top="0" left="0" height="1263" width="892">\n` +
      `\t<fontspec id="0" size="30" family="Helvetica" color="#000000"/>\n` +
      `\t<fontspec id="1" size="14" family="Helvetica" color="#000000"/>\n` +
      `\t<fontspec id="2" size="15" family="ABCDEF+Arial,Bold" color="#000000"/>\n` +
      `<text top="90" left="90" width="332" height="28" font="0"><b>ACME Trading Sdn Bhd</b></text>\n` +
      `<text top="180" left="90" width="129" height="12" font="1">Invoice number INV-1</text>\n` +
      `<text top="200" left="90" width="129" height="12" font="1"><b>Total</b> due <b>today</b></text>\n` +
      `<text top="220" left="90" width="129" height="13" font="2">Heading</text>\n` +
      `<text top="240" left="90" width="129" height="13">No font</text>\n` +
      `</page>\n<page number="2" position="absolute" top="0" left="0" height="1263" width="892">\n` +
      `<text top="90" left="90" width="100" height="12" font="1">Page two</text>\n</page>\n</pdf2xml>\n`;
    const parser = new XmlPageParser(1000);
    parser.write(Buffer.from(fonts));
    parser.close();
    const [one, two] = parser.takePages();
    expect(one!.lines.map((l) => [l.text, l.fontSize, l.bold])).toEqual([
      ["ACME Trading Sdn Bhd", 20, true],
      ["Invoice number INV-1", 9.3, false],
      ["Total due today", 9.3, true],
      ["Heading", 10, true],
      ["No font", undefined, undefined],
    ]);
    expect(two!.lines.map((l) => [l.text, l.fontSize, l.bold])).toEqual([["Page two", 9.3, false]]);
  });

  it("hands out a page as soon as it ends", () => {
    const parser = new XmlPageParser(1000);
    const firstPageEnds = xml.indexOf("</page>");
    parser.write(Buffer.from(xml.slice(0, firstPageEnds)));
    expect(parser.takePages()).toEqual([]);
    parser.write(Buffer.from(xml.slice(firstPageEnds, xml.indexOf('<page number="2"'))));
    expect(parser.takePages().map((p) => p.number)).toEqual([1]);
  });

  it("stops at the character cap and rejects output that is not pdftohtml's XML", () => {
    const capped = new XmlPageParser(10);
    expect(() => {
      capped.write(Buffer.from(xml));
      capped.close();
    }).toThrow(expect.objectContaining({ code: "DOCUMENT_TOO_LARGE" }));

    expect(() => new XmlPageParser(1000).write(Buffer.from("<html>\n"))).toThrow(/starts with <html>/);
    const noRoot = new XmlPageParser(1000);
    noRoot.write(Buffer.from("level\tpage_num\n"));
    expect(() => noRoot.close()).toThrow(/no <pdf2xml> root/);
    const cut = new XmlPageParser(1000);
    cut.write(Buffer.from(PROLOGUE + '<page number="1" height="10" width="10">\n'));
    expect(() => cut.close()).toThrow(/ends inside page 1/);
    const noBox = `${PROLOGUE}<page number="1" height="10" width="10">\n<text top="1" font="0">x</text>\n`;
    expect(() => new XmlPageParser(1000).write(Buffer.from(noBox))).toThrow(/has no left/);
  });
});
