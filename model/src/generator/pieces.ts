// Text with the truth spans it carries, shared by both generators: the spans follow the text
// through joins and layout, and a truth value counts only where a span survived onto a page.
import type { FieldName } from "@docsift/core";
import type { FieldSpan, SynthPage, Truth } from "./types.js";

/** A piece of text with the truth spans it carries. */
export interface Piece {
  text: string;
  spans: FieldSpan[];
}

export const plain = (text: string): Piece => ({ text, spans: [] });

/** Pieces joined into one, each span moved by the text before it. */
export const concat = (...pieces: Piece[]): Piece => {
  let text = "";
  const spans: FieldSpan[] = [];
  for (const p of pieces) {
    for (const s of p.spans)
      spans.push({ field: s.field, start: s.start + text.length, end: s.end + text.length });
    text += p.text;
  }
  return { text, spans };
};

/** A truth value only counts if the page text really shows it (a marked span survived layout). */
export function onlyMarked(fields: Truth["fields"], pages: SynthPage[]): Truth["fields"] {
  const shown = new Set<FieldName>();
  for (const p of pages) for (const it of p.items) for (const s of it.spans) shown.add(s.field);
  const out: Truth["fields"] = {};
  for (const [k, v] of Object.entries(fields) as Array<[FieldName, string]>) if (shown.has(k)) out[k] = v;
  return out;
}
