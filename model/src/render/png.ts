import sharp from "sharp";
import type { SyntheticDocument } from "../generator/types.js";
import { PAGE_HEIGHT_PT, PAGE_WIDTH_PT } from "../generator/types.js";

const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Renders one page (1-based) as a PNG image for the OCR path, at `dpi` (default 150). */
export async function renderPng(doc: SyntheticDocument, page: number, dpi = 150): Promise<Buffer> {
  const p = doc.pages.find((pg) => pg.number === page);
  if (!p) throw new Error(`document has no page ${page} (it has ${doc.pages.length})`);
  const scale = dpi / 72;
  const width = Math.round(PAGE_WIDTH_PT * scale);
  const height = Math.round(PAGE_HEIGHT_PT * scale);
  const texts = p.items
    .map((it) => {
      const size = it.size * scale;
      // SVG positions text by its baseline; the layout positions items by their top edge.
      const y = it.y * height + size * 0.8;
      return `<text x="${(it.x * width).toFixed(1)}" y="${y.toFixed(1)}" font-size="${size.toFixed(1)}"${it.bold ? ' font-weight="bold"' : ""}>${escapeXml(it.text)}</text>`;
    })
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/><g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" fill="black">${texts}</g></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
