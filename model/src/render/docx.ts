import { writeFile } from "node:fs/promises";
import { AlignmentType, Document, Packer, Paragraph, TabStopType, TextRun } from "docx";
import type { SynthItem, SyntheticDocument } from "../generator/types.js";

const TWIPS_PER_PAGE_WIDTH = 11906;

/** Writes the document as DOCX: one paragraph per row, columns as tab stops, pages as sections. */
export async function renderDocx(doc: SyntheticDocument, path: string): Promise<void> {
  const sections = doc.pages.map((page) => {
    const rows: SynthItem[][] = [];
    for (const it of [...page.items].sort((a, b) => a.y - b.y || a.x - b.x)) {
      const row = rows[rows.length - 1];
      if (row && Math.abs((row[0] as SynthItem).y - it.y) < 0.004) row.push(it);
      else rows.push([it]);
    }
    return {
      properties: {},
      children: rows.map((row) => {
        const sorted = row.sort((a, b) => a.x - b.x);
        const first = sorted[0] as SynthItem;
        const indent = Math.round(first.x * TWIPS_PER_PAGE_WIDTH) - 1134;
        return new Paragraph({
          alignment: AlignmentType.LEFT,
          indent: { left: Math.max(0, indent) },
          tabStops: sorted.slice(1).map((it) => ({
            type: TabStopType.LEFT,
            position: Math.max(0, Math.round(it.x * TWIPS_PER_PAGE_WIDTH) - 1134),
          })),
          children: sorted.map(
            (it, i) =>
              new TextRun({
                text: (i > 0 ? "\t" : "") + it.text,
                bold: it.bold,
                size: Math.round(it.size * 2),
              }),
          ),
        });
      }),
    };
  });
  await writeFile(path, await Packer.toBuffer(new Document({ sections })));
}
