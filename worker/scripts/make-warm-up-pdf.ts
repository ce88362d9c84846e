// Writes worker/assets/warm-up.pdf: made-up invoices (training templates and wordings of all four
// locales, several pages each) that the worker reads and scores before it reports ready. Re-run
// after the generator changes a lot:
//   node --conditions=source --import tsx worker/scripts/make-warm-up-pdf.ts
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateDocument, LOCALE_IDS, renderPdf } from "@docsift/model/synthetic";
import type { SyntheticDocument } from "@docsift/model/synthetic";

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../assets/warm-up.pdf");
const docs = LOCALE_IDS.flatMap((locale, l) =>
  [0, 1, 2].map((i) => generateDocument(9_100 + l * 10 + i, { split: "train", locale })),
);
const first = docs[0] as SyntheticDocument;
const merged: SyntheticDocument = {
  ...first,
  pages: docs.flatMap((d) => d.pages).map((page, i) => ({ ...page, number: i + 1 })),
};
await renderPdf(merged, out);
console.log(`wrote ${out}: ${merged.pages.length} pages`);
