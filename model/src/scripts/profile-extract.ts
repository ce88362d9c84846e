// Times KeyInfoModel.extract on one long text-layer document (pages of generated documents, renumbered).
// Run under `node --cpu-prof` to see where the time goes: npx tsx src/scripts/profile-extract.ts --pages 500
import { parseArgs } from "node:util";
import type { ExtractedPage } from "@docsift/core";
import { generateDocument } from "../generator/generate.js";
import { renderPages } from "../render/pages.js";
import { loadDefaultKeyInfoModel } from "../index.js";

const { values } = parseArgs({
  options: { pages: { type: "string", default: "500" }, runs: { type: "string", default: "3" } },
});
const want = Number(values.pages);
const pages: ExtractedPage[] = [];
for (let seed = 1; pages.length < want; seed++)
  for (const p of renderPages(generateDocument(seed, { split: "heldout" })))
    if (pages.length < want)
      pages.push({
        ...p,
        number: pages.length + 1,
        lines: p.lines.map((l) => ({ ...l, page: pages.length + 1 })),
      });
const model = await loadDefaultKeyInfoModel({ intraOpThreads: 1 });
for (let r = 0; r < Number(values.runs); r++) {
  const t = performance.now();
  const res = await model.extract(pages);
  const ms = performance.now() - t;
  console.log(
    `${pages.length} pages, ${res.candidates} candidates: ${ms.toFixed(0)} ms (ORT ${res.inferMs.toFixed(0)} ms), ${((pages.length / ms) * 1000).toFixed(0)} pages/s`,
  );
}
await model.close();
