import sharp from "sharp";

/** One line of text to draw; `x` and `y` are fractions of the page (0..1, origin top-left, `y` = top of the line). */
export interface SvgPageLine {
  text: string;
  x: number;
  y: number;
  /** In pixels of the rendered page; defaults to about 10 pt at the page's resolution. */
  fontSize?: number;
}

export interface RenderPageOptions {
  /** Pixels; defaults to A4 at 150 dpi (1240 × 1754). */
  width?: number;
  height?: number;
  /**
   * Scan noise strength 0..1 (0 = clean): a slight blur, a rotation of up to 1° at 1, and dark
   * speckles. Drawn from a generator seeded by the inputs, so the same inputs give the same bytes.
   */
  noise?: number;
}

const A4_150_DPI = { width: 1240, height: 1754 } as const;
// DejaVu is what Debian's fonts-dejavu-core installs; the generic fallback keeps rendering working
// on a machine with other fonts (the text then just looks different).
const FONT_FAMILY = "DejaVu Sans, sans-serif";
// DejaVu Sans' ascent is about 0.93 em: SVG places text by its baseline, callers by its top.
const ASCENT_EM = 0.93;
const MAX_ROTATION_DEGREES = 1;
const MAX_SPECKLES = 600;

/**
 * Renders text lines on a white page and returns a PNG, optionally with scan-like noise. Used by
 * tests and to build OCR evaluation sets with known truth.
 */
export async function renderLinesToPng(lines: SvgPageLine[], opts: RenderPageOptions = {}): Promise<Buffer> {
  const width = opts.width ?? A4_150_DPI.width;
  const height = opts.height ?? A4_150_DPI.height;
  const noise = opts.noise ?? 0;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`page size must be positive integers, got ${width} × ${height}`);
  }
  if (!(noise >= 0 && noise <= 1)) throw new RangeError(`noise must be within 0..1, got ${noise}`);
  const defaultFontSize = Math.max(8, Math.round(height * 0.012));

  const texts = lines.map((line) => {
    if (!(line.x >= 0 && line.x <= 1 && line.y >= 0 && line.y <= 1)) {
      throw new RangeError(
        `line position must be fractions 0..1, got (${line.x}, ${line.y}) for "${line.text}"`,
      );
    }
    const fontSize = line.fontSize ?? defaultFontSize;
    const x = round2(line.x * width);
    const baseline = round2(line.y * height + fontSize * ASCENT_EM);
    return `<text x="${x}" y="${baseline}" font-size="${fontSize}">${escapeXml(line.text)}</text>`;
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<g font-family="${FONT_FAMILY}" fill="#111111">${texts.join("")}</g></svg>`;

  let page = sharp(Buffer.from(svg)).flatten({ background: "#ffffff" });
  if (noise === 0) return page.png().toBuffer();

  const random = seededRandom(JSON.stringify({ lines, width, height, noise }));
  const angle = (random() * 2 - 1) * MAX_ROTATION_DEGREES * noise;
  // rotate() grows the canvas to hold the turned page; cut the centre back out to keep the size.
  const rotated = await page
    .rotate(angle, { background: "#ffffff" })
    .png()
    .toBuffer({ resolveWithObject: true });
  page = sharp(rotated.data).extract({
    left: Math.floor((rotated.info.width - width) / 2),
    top: Math.floor((rotated.info.height - height) / 2),
    width,
    height,
  });
  const speckles = speckleSvg(width, height, Math.round(MAX_SPECKLES * noise), random);
  const withSpeckles = await page
    .composite([{ input: speckles, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return sharp(withSpeckles)
    .blur(0.3 + 0.7 * noise)
    .png()
    .toBuffer();
}

function speckleSvg(width: number, height: number, count: number, random: () => number): Buffer {
  const dots: string[] = [];
  for (let i = 0; i < count; i++) {
    const cx = round2(random() * width);
    const cy = round2(random() * height);
    const r = round2(0.4 + random() * 1.1);
    const grey = Math.floor(40 + random() * 120);
    dots.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="rgb(${grey},${grey},${grey})"/>`);
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${dots.join("")}</svg>`,
  );
}

/** mulberry32 seeded by an FNV-1a hash of `seed`: tiny, fast and stable across platforms. */
function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    state ^= seed.charCodeAt(i);
    state = Math.imul(state, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
