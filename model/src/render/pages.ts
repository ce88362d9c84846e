import type { ExtractedPage, PageSource, TextLine } from "@docsift/core";
import { itemHeight, itemWidth } from "../generator/generate.js";
import type { FieldSpan, SyntheticDocument } from "../generator/types.js";

/** A text line that still knows which truth spans it carries; training and evaluation need it. */
export interface LabelledLine extends TextLine {
  spans: FieldSpan[];
}

export interface LabelledPage extends ExtractedPage {
  lines: LabelledLine[];
}

/** The pages as a reader would produce them, in reading order (top to bottom, left to right). */
export function renderLabelledPages(
  doc: SyntheticDocument,
  source: PageSource = "text-layer",
): LabelledPage[] {
  return doc.pages.map((page) => {
    const items = [...page.items].sort((a, b) => (Math.abs(a.y - b.y) < 0.004 ? a.x - b.x : a.y - b.y));
    return {
      number: page.number,
      source,
      lines: items.map((it, index) => ({
        text: it.text,
        page: page.number,
        index,
        x: it.x,
        y: it.y,
        width: Math.min(itemWidth(it), 1 - it.x),
        height: itemHeight(it),
        // As a PDF text layer gives them (pdftohtml's fontspec, pdfjs' transform): the item's size
        // in points and its weight.
        fontSize: it.size,
        bold: it.bold,
        spans: it.spans.map((s) => ({ ...s })),
      })),
    };
  });
}

export function stripLabels(pages: LabelledPage[]): ExtractedPage[] {
  return pages.map((p) => ({
    number: p.number,
    source: p.source,
    lines: p.lines.map(({ spans: _spans, ...line }) => line),
  }));
}

/** The document's pages with layout known at generation time, as `ExtractedPage` objects. */
export function renderPages(doc: SyntheticDocument): ExtractedPage[] {
  return stripLabels(renderLabelledPages(doc));
}
