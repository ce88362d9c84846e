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
    expect(texts(page)).toEqual([
      "ACME Corporation",
      "Invoice number:\tINV-7",
      "Item\tQty\tPrice",
      "Widget\t2\t10.00",
      "Total\t20.00",
      "Thank you",
    ]);
    const [title, indented, , , totalRow] = page.lines;
    // 1-inch margin on a 8.5-inch page; the indented paragraph starts 2 inches further right.
    expect(title!.x).toBeCloseTo(1 / 8.5, 3);
    expect(indented!.x).toBeCloseTo(3 / 8.5, 3);
    // The total row's first non-empty cell is in the second grid column (4680 twips in).
    expect(totalRow!.x).toBeCloseTo((1440 + 4680) / 12240, 3);
    const ys = page.lines.map((l) => l.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    // The blank paragraph keeps its place: the gap before the table is two line pitches.
    expect(ys[2]! - ys[1]!).toBeCloseTo(2 * (ys[1]! - ys[0]!), 5);
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
      ["Invoice\tINV-9", "Total 42.00 p1", "Ship to: Box text", "first", "second"],
      ["next page", "Outer\tinner a inner b"],
      // Word recorded that its layout broke the page here.
      ["after a break at the page start"],
    ]);
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
