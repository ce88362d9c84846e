/** Cells longer than this are cut with an ellipsis: one record, one line. */
const MAX_CELL = 48;

const clean = (cell: string, max: number): string => {
  const flat = cell.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Left-aligned columns separated by two spaces, header first. */
export function renderTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  maxCell = MAX_CELL,
): string {
  const cells = [headers, ...rows].map((r) => headers.map((_, i) => clean(r[i] ?? "", maxCell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
