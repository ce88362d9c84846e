// Writes worker/assets/warm-up.pdf and warm-up.docx: made-up invoices (training templates and
// wordings of all four locales) that the worker reads and scores before it reports ready. Re-run
// after the generator changes a lot:
//   node --conditions=source --import tsx worker/scripts/make-warm-up-documents.ts
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateDocument, LOCALE_IDS, renderDocx, renderPdf } from "@docsift/model/synthetic";
import type { SyntheticDocument } from "@docsift/model/synthetic";

const assets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../assets");
const docs = LOCALE_IDS.flatMap((locale, l) =>
  [0, 1, 2].map((i) => generateDocument(9_100 + l * 10 + i, { split: "train", locale })),
);
const first = docs[0] as SyntheticDocument;
const merged: SyntheticDocument = {
  ...first,
  pages: docs.flatMap((d) => d.pages).map((page, i) => ({ ...page, number: i + 1 })),
};
await renderPdf(merged, path.join(assets, "warm-up.pdf"));
// The DOCX reader has its own hot paths (ZIP, inflate, XML); one document of each locale is enough.
await renderDocx({ ...first, pages: merged.pages.slice(0, 4) }, path.join(assets, "warm-up.docx"));
console.log(`wrote ${assets}/warm-up.pdf (${merged.pages.length} pages) and warm-up.docx`);
