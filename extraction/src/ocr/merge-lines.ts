/**
 * A recognised text box, origin top-left, in one unit on both axes (pixels): the gap rule compares
 * horizontal gaps with heights.
 */
export interface TextBox {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A box or a run of boxes read as one line. */
export type MergedLine = TextBox;

// Two boxes sit on one row when they share at least half of the shorter one's height: enough to
// absorb a skew of a degree or two, too much for two neighbouring lines of normal leading.
const MIN_Y_OVERLAP = 0.5;
// Boxes on one row are one line while the gap between them is below this many line heights (a
// wide word space the detector split); a wider gap is a column break and starts a new line, as
// a PDF text layer would.
const MAX_WORD_GAP_IN_HEIGHTS = 1.5;

/**
 * Groups boxes into rows (the y-overlap rule), orders rows top to bottom and boxes left to right,
 * and joins each row's boxes into lines, splitting at column gaps.
 */
export function mergeBoxesIntoLines(boxes: readonly TextBox[]): MergedLine[] {
  const rows: TextBox[][] = [];
  const byCentre = [...boxes].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  for (const box of byCentre) {
    let bestRow: TextBox[] | undefined;
    let bestOverlap = 0;
    for (const row of rows) {
      const overlap = Math.max(...row.map((other) => yOverlapRatio(box, other)));
      if (overlap >= MIN_Y_OVERLAP && overlap > bestOverlap) {
        bestRow = row;
        bestOverlap = overlap;
      }
    }
    if (bestRow) bestRow.push(box);
    else rows.push([box]);
  }

  const rowTop = (row: TextBox[]): number => median(row.map((b) => (b.y0 + b.y1) / 2));
  rows.sort((a, b) => rowTop(a) - rowTop(b));

  const lines: MergedLine[] = [];
  for (const row of rows) {
    row.sort((a, b) => a.x0 - b.x0);
    const rowHeight = median(row.map((b) => b.y1 - b.y0));
    let current: MergedLine | undefined;
    for (const box of row) {
      if (current && box.x0 - current.x1 <= MAX_WORD_GAP_IN_HEIGHTS * rowHeight) {
        current = {
          text: `${current.text} ${box.text}`,
          x0: Math.min(current.x0, box.x0),
          y0: Math.min(current.y0, box.y0),
          x1: Math.max(current.x1, box.x1),
          y1: Math.max(current.y1, box.y1),
        };
        lines[lines.length - 1] = current;
      } else {
        current = { ...box };
        lines.push(current);
      }
    }
  }
  return lines;
}

function yOverlapRatio(a: TextBox, b: TextBox): number {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  const shorter = Math.min(a.y1 - a.y0, b.y1 - b.y0);
  return shorter <= 0 ? 0 : overlap / shorter;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
