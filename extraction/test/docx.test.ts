import { stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  writeDocx,
  writeDocxBodyXml,
  writeNonWordZip,
  writeTruncatedDocx,
  writeZipBombDocx,
} from "@docsift/extraction/testing";
import { failureOf, readAll, scratchDir, texts } from "./helpers.js";
import { tabSegments } from "../src/docx/layout.js";

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

describe("DOCX", () => {
  it("reads paragraphs, indentation, tabs and a table, in order", async () => {
    const path = scratch.path("invoice.docx");
    await writeDocx(path, [
      "ACME Corporation",
      { text: "Invoice number:\tINV-7", indentTwips: 2880 },
      "",
      {
        table: [
          ["Item", "Qty", "Price"],
          ["Widget", "2", "10.00"],
          ["", "Total", "20.00"],
        ],
        columnWidthsTwips: [4680, 2340, 2340],
      },
      "Thank you",
    ]);
    const { kind, pages, stats } = await readAll(path);
    expect(kind).toBe("docx");
    expect(pages).toHaveLength(1);
    const page = pages[0]!;
    expect(page.source).toBe("docx");
    // Tab-separated parts and table cells are lines of their own, placed where Word puts them.
    expect(texts(page)).toEqual([
      "ACME Corporation",
      "Invoice number:",
      "INV-7",
      "Item",
      "Qty",
      "Price",
      "Widget",
      "2",
      "10.00",
      "Total",
      "20.00",
      "Thank you",
    ]);
    const at = (text: string) => page.lines.find((l) => l.text === text)!;
    // 1-inch margin on a 8.5-inch page; the indented paragraph starts 2 inches further right.
    expect(at("ACME Corporation").x).toBeCloseTo(1 / 8.5, 3);
    expect(at("Invoice number:").x).toBeCloseTo(3 / 8.5, 3);
    // No custom stop: the tab goes to the next default stop (every 720 twips) past the label.
    expect(at("INV-7").x).toBeCloseTo((1440 + 5040) / 12240, 3);
    expect(at("INV-7").y).toBe(at("Invoice number:").y);
    // Cells start at their grid columns (4,680 and 7,020 twips in); an empty cell makes no line.
    expect(at("Qty").x).toBeCloseTo((1440 + 4680) / 12240, 3);
    expect(at("Total").x).toBeCloseTo((1440 + 4680) / 12240, 3);
    expect(at("20.00").x).toBeCloseTo((1440 + 7020) / 12240, 3);
    expect(new Set(["Widget", "2", "10.00"].map((t) => at(t).y)).size).toBe(1);
    const ys = page.lines.map((l) => l.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    const rows = [...new Set(ys)];
    // The blank paragraph keeps its place: the gap before the table is two line pitches.
    expect(rows[2]! - rows[1]!).toBeCloseTo(2 * (rows[1]! - rows[0]!), 5);
    expect(stats).toMatchObject({ pages: 1, ocrPages: 0 });
  });

  it("starts new pages at explicit breaks and every 50 lines", async () => {
    const path = scratch.path("pages.docx");
    const many = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`);
    await writeDocx(path, [
      "first page",
      { pageBreak: true },
      { text: "second page", pageBreakBefore: true },
      ...many,
    ]);
    const { pages } = await readAll(path);
    // The page-break paragraph and pageBreakBefore make one break, not an empty page between.
    expect(pages.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    expect(texts(pages[0]!)).toEqual(["first page"]);
    expect(texts(pages[1]!)[0]).toBe("second page");
    expect(pages[1]!.lines).toHaveLength(50);
    expect(pages[2]!.lines).toHaveLength(50);
    expect(texts(pages[3]!)).toEqual(many.slice(-21));
    expect(pages.flatMap(texts)).toEqual(["first page", "second page", ...many]);
  });

  it("reads Word markup: text boxes once, no deleted text or field codes, nested tables, breaks", async () => {
    const path = scratch.path("markup.docx");
    const run = (text: string): string => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
    const cell = (content: string): string => `<w:tc>${content}</w:tc>`;
    await writeDocxBodyXml(
      path,
      `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2880"/></w:tabs></w:pPr>${run("Invoice")}<w:r><w:tab/></w:r>${run("INV-9")}</w:p>` +
        `<w:p>${run("Total ")}<w:del><w:r><w:delText>99.00</w:delText></w:r></w:del>${run("42.00")}` +
        `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>` +
        `<w:r><w:fldChar w:fldCharType="separate"/></w:r>${run(" p1")}<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
        `<w:p>${run("Ship to:")}<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>` +
        `<w:p>${run("Box text")}</w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>` +
        `<w:txbxContent><w:p>${run("Box text")}</w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
        `<w:p>${run("first")}<w:r><w:br/></w:r>${run("second")}<w:r><w:br w:type="page"/></w:r>${run("next page")}</w:p>` +
        `<w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>` +
        `<w:tr>${cell(`<w:p>${run("Outer")}</w:p>`)}${cell(
          `<w:tbl><w:tr>${cell(`<w:p>${run("inner a")}</w:p>`)}${cell(`<w:p>${run("inner b")}</w:p>`)}</w:tr></w:tbl><w:p/>`,
        )}</w:tr></w:tbl>` +
        `<w:p><w:r><w:lastRenderedPageBreak/></w:r>${run("after a break at the page start")}</w:p>`,
    );
    const { pages } = await readAll(path);
    expect(pages.map(texts)).toEqual([
      ["Invoice", "INV-9", "Total 42.00 p1", "Ship to: Box text", "first", "second"],
      ["next page", "Outer", "inner a inner b"],
      // Word recorded that its layout broke the page here.
      ["after a break at the page start"],
    ]);
    // The paragraph's own left stop at 2,880 twips places the part after its tab.
    expect(pages[0]!.lines[1]!.x).toBeCloseTo((1440 + 2880) / 12240, 3);
    expect(pages[1]!.lines[2]!.x).toBeCloseTo((1440 + 3000) / 12240, 3);
  });

  it("fails a DOCX whose document part is not well-formed XML as corrupt", async () => {
    const path = scratch.path("bad-xml.docx");
    await writeDocxBodyXml(path, "<w:p><w:r><w:t>unclosed</w:r></w:p>");
    expect(await failureOf(readAll(path))).toMatchObject({ code: "CORRUPT_DOCUMENT" });
  });

  it("fails a truncated DOCX with CORRUPT_DOCUMENT", async () => {
    const path = scratch.path("truncated.docx");
    await writeTruncatedDocx(path);
    expect(await failureOf(readAll(path))).toMatchObject({ code: "CORRUPT_DOCUMENT", permanent: true });
  });

  it("rejects a ZIP that is not a Word document as unsupported", async () => {
    const path = scratch.path("notes.zip");
    await writeNonWordZip(path);
    const err = await failureOf(readAll(path));
    expect(err).toMatchObject({ code: "UNSUPPORTED_DOCUMENT" });
    expect(err.message).toMatch(/not a Word document/);
  });

  it("stops a zip bomb early by its ratio, without inflating it", async () => {
    const path = scratch.path("bomb.docx");
    const inflated = 512 * 1024 * 1024;
    await writeZipBombDocx(path, inflated);
    expect((await stat(path)).size).toBeLessThan(inflated / 200);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const err = await failureOf(readAll(path));
    expect(err).toMatchObject({ code: "DOCUMENT_TOO_LARGE", permanent: true });
    expect(err.message).toMatch(/expands more than 100 times/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it("stops a document part larger than the uncompressed cap", async () => {
    const path = scratch.path("bomb-small.docx");
    await writeZipBombDocx(path, 8 * 1024 * 1024);
    const err = await failureOf(
      readAll(path, { limits: { maxDocxXmlBytes: 4 * 1024 * 1024, maxZipRatio: 10_000 } }),
    );
    expect(err).toMatchObject({ code: "DOCUMENT_TOO_LARGE" });
    expect(err.message).toMatch(/expands to more than/);
  });

  it("stops a document with more characters than allowed", async () => {
    const path = scratch.path("long.docx");
    await writeDocx(
      path,
      Array.from({ length: 100 }, (_, i) => `paragraph ${i} of a long document`),
    );
    expect(await failureOf(readAll(path, { limits: { maxCharacters: 500 } }))).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
    });
  });

  it("fails past the page cap", async () => {
    const path = scratch.path("many-pages.docx");
    await writeDocx(path, ["a", { pageBreak: true }, "b", { pageBreak: true }, "c"]);
    expect(await failureOf(readAll(path, { limits: { maxPages: 2 } }))).toMatchObject({
      code: "TOO_MANY_PAGES",
    });
  });
});

describe("tab stops", () => {
  it("places each part where Word does: left, right and centred stops, then default ones", () => {
    const stops = [
      { pos: 3000, align: "left" as const },
      { pos: 8000, align: "right" as const },
      { pos: 9000, align: "center" as const },
    ];
    expect(tabSegments("Total\t1.234,00\tEUR\tx\ty", 200, stops)).toEqual([
      { text: "Total", offset: 200 },
      { text: "1.234,00", offset: 3000 },
      // Right stop: the part ends at 8,000 twips (8 characters of 110 twips).
      { text: "EUR", offset: 8000 - 3 * 110 },
      { text: "x", offset: 9000 - 110 / 2 },
      // Past the last custom stop: the next default stop (every 720 twips).
      { text: "y", offset: 9360 },
    ]);
    // A right stop too close to the text before it cannot move the part backwards.
    expect(tabSegments("A long label\tX", 0, [{ pos: 1400, align: "right" }])[1]!.offset).toBe(12 * 110);
    expect(tabSegments("no tabs", 300, stops)).toEqual([{ text: "no tabs", offset: 300 }]);
  });
});
