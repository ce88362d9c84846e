import sharp from "sharp";
import type { SynthItem, SyntheticDocument } from "../generator/types.js";
import { PAGE_HEIGHT_PT, PAGE_WIDTH_PT } from "../generator/types.js";

const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One text element: `x` and `top` in pixels, `size` in pixels. */
function textSvg(text: string, x: number, top: number, size: number, bold: boolean): string {
  // SVG positions text by its baseline; the layout positions items by their top edge.
  const y = top + size * 0.8;
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size.toFixed(1)}"${bold ? ' font-weight="bold"' : ""}>${escapeXml(text)}</text>`;
}

const pageSvg = (width: number, height: number, texts: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/><g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" fill="black">${texts}</g></svg>`;

/** Renders one page (1-based) as a PNG image for the OCR path, at `dpi` (default 150). */
export async function renderPng(doc: SyntheticDocument, page: number, dpi = 150): Promise<Buffer> {
  const p = doc.pages.find((pg) => pg.number === page);
  if (!p) throw new Error(`document has no page ${page} (it has ${doc.pages.length})`);
  const scale = dpi / 72;
  const width = Math.round(PAGE_WIDTH_PT * scale);
  const height = Math.round(PAGE_HEIGHT_PT * scale);
  const texts = p.items
    .map((it) => textSvg(it.text, it.x * width, it.y * height, it.size * scale, it.bold))
    .join("");
  return sharp(Buffer.from(pageSvg(width, height, texts)))
    .png()
    .toBuffer();
}

/**
 * Renders one item alone, drawn as `renderPng` draws it, on a white strip with a margin of one text
 * height around it: lines with known text for the OCR recogniser's training.
 */
export async function renderLinePng(
  item: Pick<SynthItem, "text" | "size" | "bold">,
  dpi = 150,
): Promise<Buffer> {
  const size = Math.max(8, (item.size * dpi) / 72);
  const width = Math.round([...item.text].length * size * 0.75 + 3 * size);
  const height = Math.round(size * 3);
  return sharp(Buffer.from(pageSvg(width, height, textSvg(item.text, size, size, size, item.bold))))
    .png()
    .toBuffer();
}
