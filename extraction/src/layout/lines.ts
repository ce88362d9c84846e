import type { TextLine } from "@docsift/core";
import { expandLigatures } from "./ligatures.js";

/** A run of text with its box in page fractions (0..1, origin top-left). */
export interface PlacedText {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Vertical overlap, as a share of the smaller height, above which two runs share a line. */
const SAME_LINE_OVERLAP = 0.5;
/** A gap wider than this many line heights starts a separate line (a column or a table cell). */
const COLUMN_GAP = 2;
/** A gap wider than this share of the line height gets a space between the runs. */
const WORD_GAP = 0.15;

/**
 * Groups text runs into lines in reading order: runs that overlap vertically form a row, a row
 * splits where a gap wider than a column gap opens, and lines are ordered top to bottom, then
 * left to right. Rows are sorted by position, not by content-stream order, so generators that
 * draw out of order still read naturally.
 */
export function groupIntoLines(runs: readonly PlacedText[], page: number): TextLine[] {
  const rows: PlacedText[][] = [];
  const byTop = runs
    .filter((r) => r.text.trim() !== "" || r.width > 0)
    .sort((a, b) => a.y - b.y || a.x - b.x);
  for (const run of byTop) {
    const row = findRow(rows, run);
    if (row) row.push(run);
    else rows.push([run]);
  }
  const segments: Array<PlacedText & { row: number }> = [];
  for (const [rowIndex, row] of rows.entries()) {
    row.sort((a, b) => a.x - b.x);
    let current: (PlacedText & { row: number }) | undefined;
    for (const run of row) {
      const lineHeight = Math.max(run.height, current?.height ?? 0);
      const gap = current ? run.x - (current.x + current.width) : 0;
      if (current && gap <= COLUMN_GAP * lineHeight) {
        const needsSpace = gap > WORD_GAP * lineHeight && !/\s$/.test(current.text) && !/^\s/.test(run.text);
        current = { ...merge(current, run, needsSpace ? " " : ""), row: rowIndex };
        segments[segments.length - 1] = current;
      } else {
        current = { ...run, row: rowIndex };
        segments.push(current);
      }
    }
  }
  return segments
    .map((s) => ({ ...s, text: expandLigatures(s.text).replace(/\s+/g, " ").trim() }))
    .filter((s) => s.text !== "")
    .sort((a, b) => a.row - b.row || a.x - b.x)
    .map((s, index) => ({
      text: s.text,
      page,
      index,
      x: clamp01(s.x),
      y: clamp01(s.y),
      width: clamp01(s.width),
      height: clamp01(s.height),
    }));
}

/** Rows are created in top order, so only the latest rows that still reach down to the run can take it. */
function findRow(rows: PlacedText[][], run: PlacedText): PlacedText[] | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i] as PlacedText[];
    const first = row[0] as PlacedText;
    if (sameRow(row, run)) return row;
    if (first.y + Math.max(first.height, run.height) * 2 < run.y) return undefined;
  }
  return undefined;
}

function sameRow(row: readonly PlacedText[], run: PlacedText): boolean {
  const first = row[0] as PlacedText;
  const top = Math.max(first.y, run.y);
  const bottom = Math.min(first.y + first.height, run.y + run.height);
  const smaller = Math.min(first.height, run.height);
  return smaller > 0 ? (bottom - top) / smaller >= SAME_LINE_OVERLAP : Math.abs(first.y - run.y) < 1e-4;
}

function merge(a: PlacedText, b: PlacedText, separator: string): PlacedText {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  const right = Math.max(a.x + a.width, b.x + b.width);
  const bottom = Math.max(a.y + a.height, b.y + b.height);
  return { text: a.text + separator + b.text, x, y, width: right - x, height: bottom - y };
}

export const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
