import { rm, writeFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import {
  Document,
  ImageRun,
  Packer,
  PageBreak,
  Paragraph,
  Tab,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import yauzl from "yauzl";
import { noisePng } from "./noise-image.js";
import { largeDocumentLines } from "./pdf.js";
import { StreamingZipWriter } from "./zip-writer.js";

/** A paragraph (tabs in the text become Word tabs), a table of cell texts, or a page break. */
export type DocxBlock =
  | string
  | { text: string; indentTwips?: number; pageBreakBefore?: boolean }
  | { table: string[][]; columnWidthsTwips?: number[] }
  | { pageBreak: true };

const runsOf = (text: string): TextRun =>
  new TextRun({ children: text.split("\t").flatMap((part, i) => (i === 0 ? [part] : [new Tab(), part])) });

function toDocxChildren(blocks: readonly DocxBlock[]): Array<Paragraph | Table> {
  return blocks.map((block) => {
    if (typeof block === "string") return new Paragraph({ children: [runsOf(block)] });
    if ("pageBreak" in block) return new Paragraph({ children: [new PageBreak()] });
    if ("table" in block) {
      const columns = Math.max(...block.table.map((r) => r.length));
      const widths =
        block.columnWidthsTwips ?? Array.from({ length: columns }, () => Math.floor(9360 / columns));
      return new Table({
        columnWidths: widths,
        rows: block.table.map(
          (row) =>
            new TableRow({
              children: row.map(
                (cell, i) =>
                  new TableCell({
                    width: { size: widths[i] ?? 0, type: WidthType.DXA },
                    children: [new Paragraph({ children: [runsOf(cell)] })],
                  }),
              ),
            }),
        ),
      });
    }
    return new Paragraph({
      children: [runsOf(block.text)],
      ...(block.indentTwips !== undefined ? { indent: { left: block.indentTwips } } : {}),
      ...(block.pageBreakBefore ? { pageBreakBefore: true } : {}),
    });
  });
}

/** Writes a Word document with the `docx` library (small documents: it builds them in memory). */
export async function writeDocx(path: string, blocks: readonly DocxBlock[]): Promise<void> {
  const doc = new Document({ sections: [{ children: toDocxChildren(blocks) }] });
  await writeFile(path, await Packer.toBuffer(doc));
}

const SCAN = { width: 1240, height: 1754 };
const openZip = promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open);

/**
 * Writes a realistic large DOCX of about `targetBytes`: text pages (the same lines as the large
 * PDF, a page break after each) and scanned-attachment images. `docx` builds the document with
 * tiny placeholder images; the ZIP is then re-packed entry by entry, each placeholder replaced
 * by an incompressible full-page PNG, so at most one image is in memory.
 */
export async function writeLargeDocx(
  path: string,
  targetBytes: number,
  opts: { textPages?: number } = {},
): Promise<{ textPages: number; scanImages: number }> {
  const textPages = opts.textPages ?? 20;
  const imageBytes = SCAN.width * SCAN.height * 3;
  const scanImages = Math.max(0, Math.round(targetBytes / imageBytes));
  const children: Paragraph[] = [];
  for (let p = 1; p <= textPages; p++) {
    for (const line of largeDocumentLines(p)) children.push(new Paragraph(line));
    children.push(new Paragraph({ children: [new PageBreak()] }));
  }
  for (let s = 1; s <= scanImages; s++) {
    children.push(new Paragraph(`Scanned attachment ${s} of ${scanImages}`));
    children.push(
      new Paragraph({
        children: [
          new ImageRun({
            type: "png",
            data: noisePng(2, 2 + s),
            transformation: { width: 595, height: 842 },
          }),
        ],
      }),
    );
  }
  const skeleton = `${path}.skeleton.docx`;
  await writeFile(skeleton, await Packer.toBuffer(new Document({ sections: [{ children }] })));
  const zip = await openZip(skeleton, { lazyEntries: true });
  const out = new StreamingZipWriter(path);
  const openEntry = promisify<yauzl.Entry, Readable>(zip.openReadStream.bind(zip));
  for await (const entry of entries(zip)) {
    if (/^word\/media\/.+\.png$/.test(entry.fileName)) {
      await out.addStored(entry.fileName, [noisePng(SCAN.width, SCAN.height)]);
    } else {
      await out.addDeflated(entry.fileName, (await openEntry(entry)) as AsyncIterable<Buffer>);
    }
  }
  await out.end();
  await rm(skeleton);
  return { textPages, scanImages };
}

async function* entries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const next = new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      zip
        .once("entry", resolve)
        .once("end", () => resolve(undefined))
        .once("error", reject);
    });
    zip.readEntry();
    const entry = await next;
    zip.removeAllListeners("entry").removeAllListeners("end").removeAllListeners("error");
    if (!entry) {
      zip.close();
      return;
    }
    yield entry;
  }
}
