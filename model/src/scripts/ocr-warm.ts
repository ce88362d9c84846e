// Fills the PP-OCR cache of the real-OCR evaluation split (npm run eval does this too, on a miss).
import { parseArgs } from "node:util";
import type { OcrEngine } from "@docsift/extraction";
import { ocrPages, ocrSplitDocuments } from "../eval/ocr-cache.js";
import { OCR_SPLIT_SEED } from "../eval/splits.js";

const { values } = parseArgs({ options: { documents: { type: "string", default: "80" } } });
const docs = ocrSplitDocuments(OCR_SPLIT_SEED, Number(values.documents));
let engine: OcrEngine | undefined;
const open = async (): Promise<OcrEngine> => {
  const { createPpOcrEngine } = await import("@docsift/extraction/ocr");
  return (engine ??= await createPpOcrEngine({ intraOpThreads: 1 }));
};
let done = 0;
for (const doc of docs) {
  const r = await ocrPages(doc, open);
  done++;
  console.log(`${done}/${docs.length} seed ${doc.seed}: ${r.cached ? "cached" : `${Math.round(r.ms)} ms`}`);
}
await engine?.close();
