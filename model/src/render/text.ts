import type { SyntheticDocument } from "../generator/types.js";

const COLUMNS = 100;

/** Plain text: items on one row joined with spaces so their column survives as indentation. */
export function renderText(doc: SyntheticDocument): string {
  const out: string[] = [];
  for (const page of doc.pages) {
    if (page.number > 1) out.push("\f");
    const items = [...page.items].sort((a, b) => a.y - b.y || a.x - b.x);
    let row: typeof items = [];
    const flush = (): void => {
      if (row.length === 0) return;
      let line = "";
      for (const it of row.sort((a, b) => a.x - b.x)) {
        const col = Math.round(it.x * COLUMNS);
        line += line.length === 0 ? " ".repeat(col) : " ".repeat(Math.max(2, col - line.length));
        line += it.text;
      }
      out.push(line.trimEnd());
      row = [];
    };
    let lastY = -1;
    for (const it of items) {
      if (row.length > 0 && Math.abs(it.y - lastY) > 0.004) {
        flush();
        // Keep vertical gaps visible as blank lines, roughly.
        if (it.y - lastY > 0.03) out.push("");
      }
      row.push(it);
      lastY = it.y;
    }
    flush();
  }
  return out.join("\n") + "\n";
}
