import { Prng } from "../generator/prng.js";
import type { FieldSpan } from "../generator/types.js";
import type { LabelledLine, LabelledPage } from "./pages.js";

export interface OcrNoiseOptions {
  /** Probability that a character is misread (default 0.015). */
  confusion?: number;
  /** Probability that a space is dropped (default 0.08). */
  dropSpace?: number;
  /** Whether diacritics are lost (PP-OCR drops many); default: decided by the seed. */
  dropDiacritics?: boolean;
}

// Misreads typical of OCR on clean scans.
const CONFUSIONS: Record<string, string[]> = {
  O: ["0"],
  "0": ["O", "o"],
  l: ["1", "I"],
  "1": ["l", "I"],
  I: ["1", "l"],
  S: ["5"],
  "5": ["S"],
  B: ["8"],
  "8": ["B"],
  e: ["c"],
  ",": ["."],
  ".": [","],
  rn: ["m"],
  m: ["rn"],
  g: ["9"],
  "6": ["b"],
  Z: ["2"],
  "2": ["Z"],
};

const stripDiacritic = (ch: string): string => ch.normalize("NFD")[0] ?? ch;

/** Rewrites a line's text, keeping truth spans aligned through an index map. */
function noisyLine(line: LabelledLine, rng: Prng, opts: Required<OcrNoiseOptions>): LabelledLine {
  const src = line.text;
  const map: number[] = new Array<number>(src.length + 1);
  let out = "";
  for (let i = 0; i < src.length; i++) {
    map[i] = out.length;
    let ch = src[i] as string;
    if (opts.dropDiacritics) ch = stripDiacritic(ch);
    if (ch === " " && rng.chance(opts.dropSpace)) continue;
    const options = CONFUSIONS[ch];
    if (options && rng.chance(opts.confusion)) ch = rng.pick(options);
    out += ch;
  }
  map[src.length] = out.length;
  const spans: FieldSpan[] = line.spans
    .map((s) => ({ field: s.field, start: map[s.start] as number, end: map[s.end] as number }))
    .filter((s) => s.end > s.start);
  const jitter = (): number => (rng.next() - 0.5) * 0.006;
  return { ...line, text: out, spans, x: Math.max(0, line.x + jitter()), y: Math.max(0, line.y + jitter()) };
}

/** Joins items of one row into a single line, as OCR engines and some PDF readers do. */
export function mergeRows(pages: LabelledPage[], rng: Prng, probability: number): LabelledPage[] {
  return pages.map((page) => {
    const lines: LabelledLine[] = [];
    for (const line of page.lines) {
      const prev = lines[lines.length - 1];
      if (
        prev &&
        Math.abs(prev.y - line.y) < 0.004 &&
        line.x - (prev.x + prev.width) < 0.12 &&
        rng.chance(probability)
      ) {
        const offset = prev.text.length + 1;
        lines[lines.length - 1] = {
          ...prev,
          text: `${prev.text} ${line.text}`,
          width: line.x + line.width - prev.x,
          spans: [
            ...prev.spans,
            ...line.spans.map((s) => ({ ...s, start: s.start + offset, end: s.end + offset })),
          ],
        };
      } else {
        lines.push({ ...line });
      }
    }
    return { ...page, lines: lines.map((l, index) => ({ ...l, index })) };
  });
}

/** Simulates what the OCR path produces from a rendered page: misreads, lost spaces and diacritics, merged rows. */
export function applyOcrNoise(
  pages: LabelledPage[],
  seed: number,
  options: OcrNoiseOptions = {},
): LabelledPage[] {
  const rng = new Prng(seed);
  const opts: Required<OcrNoiseOptions> = {
    confusion: options.confusion ?? 0.015,
    dropSpace: options.dropSpace ?? 0.08,
    dropDiacritics: options.dropDiacritics ?? rng.chance(0.6),
  };
  const merged = mergeRows(pages, rng, 0.7);
  return merged.map((p) => ({ ...p, source: "ocr", lines: p.lines.map((l) => noisyLine(l, rng, opts)) }));
}

/**
 * What flowed formats (DOCX, plain text) give: one line per row with cells joined by a tab or
 * spaces, and positions from line order and indentation rather than from the page.
 */
export function flowRows(pages: LabelledPage[], seed: number): LabelledPage[] {
  const rng = new Prng(seed);
  const joiner = rng.pick(["\t", "  ", "    "]);
  const lineHeight = 0.012 + rng.next() * 0.008;
  let y = 0.04;
  return pages.map((page) => {
    const rows: LabelledLine[] = [];
    for (const line of page.lines) {
      const prev = rows[rows.length - 1];
      if (prev && Math.abs(prev.y - line.y) < 0.004) {
        const offset = prev.text.length + joiner.length;
        rows[rows.length - 1] = {
          ...prev,
          text: `${prev.text}${joiner}${line.text}`,
          width: Math.min(1 - prev.x, prev.width + joiner.length * 0.01 + line.width),
          spans: [
            ...prev.spans,
            ...line.spans.map((s) => ({ ...s, start: s.start + offset, end: s.end + offset })),
          ],
        };
      } else rows.push({ ...line });
    }
    y = 0.04;
    return {
      ...page,
      source: "docx",
      lines: rows.map((l, index) => {
        const out = { ...l, index, y: Math.min(0.98, y), height: lineHeight * 0.9 };
        y += lineHeight;
        return out;
      }),
    };
  });
}
