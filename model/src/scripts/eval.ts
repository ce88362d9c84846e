// npm run model:eval — P/R/F1 per field and document type on splits training never saw.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { hasPoppler, readDocument, readFileHead, type OcrEngine, type PdfEngine } from "@docsift/extraction";
import { recogniserIdentity } from "@docsift/extraction/ocr-head";
import { ocrPages, ocrSplitDocuments } from "../eval/ocr-cache.js";
import { OCR_SPLIT_SEED } from "../eval/splits.js";
import type { ExtractedPage } from "@docsift/core";
import { renderDocx } from "../render/docx.js";
import { renderPdf } from "../render/pdf.js";
import type { SyntheticDocument } from "../generator/types.js";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { evaluateSplit, type SplitSpec } from "../eval/evaluate.js";
import { markdownReport } from "../eval/metrics.js";
import { loadKeyInfoModel } from "../runtime/key-info-model.js";
import { defaultModelLocation } from "../runtime/location.js";
import { parseManifest, type SplitMetrics } from "../runtime/manifest.js";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "400" },
    "reader-documents": { type: "string", default: "100" },
    "ocr-documents": { type: "string", default: "80" },
    seed: { type: "string", default: "777000" },
    manifest: { type: "string" },
  },
});
const loc = values.manifest
  ? { manifestPath: values.manifest, onnxPath: join(dirname(values.manifest), "model.onnx") }
  : defaultModelLocation();
const manifest = parseManifest(JSON.parse(await readFile(loc.manifestPath, "utf8")), loc.manifestPath);
const model = await loadKeyInfoModel({ onnxPath: loc.onnxPath, manifest });
const n = Number(values.documents);
// PP-OCR is opened only when a page is not in the cache yet (1–3 s and up to 1.6 GB per page).
let ocrEngine: OcrEngine | undefined;
const openOcr = async (): Promise<OcrEngine> => {
  const { createPpOcrEngine } = await import("@docsift/extraction/ocr");
  return (ocrEngine ??= await createPpOcrEngine({ intraOpThreads: 1 }));
};
const seed = Number(values.seed);

const specs: SplitSpec[] = [
  {
    key: "a",
    label: "new documents from training templates and wordings",
    split: "train",
    documents: n,
    seed: seed + 1,
    pages: "clean",
  },
  {
    key: "b",
    label: "held-out templates, label wordings and party names (headline)",
    split: "heldout",
    documents: n,
    seed: seed + 2,
    pages: "clean",
  },
  {
    key: "c-ocr",
    label: `held-out one-page documents rendered to PNG (150 dpi) and read by the real PP-OCR engine (@docsift/extraction/ocr, recogniser ${await recogniserIdentity()})`,
    split: "heldout",
    documents: 0,
    seed: OCR_SPLIT_SEED,
    docs: ocrSplitDocuments(OCR_SPLIT_SEED, Number(values["ocr-documents"])),
    pages: async (doc) => (await ocrPages(doc, openOcr)).pages,
  },
  {
    key: "c-sim",
    label: "held-out split through SIMULATED OCR noise (misreads, lost spaces/diacritics, merged rows)",
    split: "heldout",
    documents: n,
    seed: seed + 3,
    pages: "ocr",
  },
];
// The same held-out documents written as real files and read back by @docsift/extraction. PDFs are
// read with the worker's default engine ("auto": poppler's pdftohtml when installed, else pdfjs);
// "b-pdf-pdfjs" keeps the pure-JS reader in view (cheap: 100 one- or two-page files).
const tmp = await mkdtemp(join(tmpdir(), "docsift-eval-"));
const pdfEnginesUsed = new Set<string>();
const viaReader =
  (ext: "pdf" | "docx", pdfEngine: PdfEngine = "auto") =>
  async (doc: SyntheticDocument): Promise<ExtractedPage[]> => {
    const path = join(tmp, `${doc.seed}.${ext}`);
    await (ext === "pdf" ? renderPdf(doc, path) : renderDocx(doc, path));
    const pages: ExtractedPage[] = [];
    const reading = readDocument({ path, head: await readFileHead(path) }, { pdfEngine });
    for await (const p of reading.pages) pages.push(p);
    if (ext === "pdf" && pdfEngine === "auto") pdfEnginesUsed.add(reading.stats().pdfEngine ?? "none");
    await rm(path);
    return pages;
  };
const autoEngine = (await hasPoppler()) ? "poppler (pdftohtml)" : "pdfjs (poppler not installed)";
const rn = Number(values["reader-documents"]);
specs.push(
  {
    key: "b-pdf",
    label: `held-out split rendered to PDF (pdfkit) and read by @docsift/extraction with the worker's default engine ("auto": ${autoEngine})`,
    split: "heldout",
    documents: rn,
    seed: seed + 2,
    pages: viaReader("pdf"),
  },
  {
    key: "b-pdf-pdfjs",
    label: 'the same PDFs read with pdfEngine "pdfjs"',
    split: "heldout",
    documents: rn,
    seed: seed + 2,
    pages: viaReader("pdf", "pdfjs"),
  },
  {
    key: "b-docx",
    label: "held-out split rendered to DOCX (docx) and read by @docsift/extraction",
    split: "heldout",
    documents: rn,
    seed: seed + 2,
    pages: viaReader("docx"),
  },
);
const goal: Record<string, number> = {
  a: 0.95,
  b: 0.95,
  "c-ocr": 0.85,
  "c-sim": 0.85,
  "b-pdf": 0.95,
  "b-pdf-pdfjs": 0.95,
  "b-docx": 0.95,
};
const results: Record<
  string,
  { label: string; metrics: SplitMetrics; msPerPage: number; sampleErrors: unknown[] }
> = {};
for (const spec of specs) {
  const started = performance.now();
  const r = await evaluateSplit(model, spec);
  results[spec.key] = {
    label: spec.label,
    metrics: r.metrics,
    msPerPage: Math.round(r.msPerPage * 100) / 100,
    sampleErrors: r.errors.slice(0, 40),
  };
  console.log(
    `split ${spec.key}: micro F1 ${r.metrics.micro.f1} (${((performance.now() - started) / 1000).toFixed(1)} s, ${r.msPerPage.toFixed(2)} ms/page)`,
  );
}
if (pdfEnginesUsed.size !== 1) throw new Error(`b-pdf was read by ${[...pdfEnginesUsed].join(", ")}`);
await model.close();
await ocrEngine?.close();
await rm(tmp, { recursive: true, force: true });

const md = markdownReport(`${manifest.name} ${manifest.version} — evaluation`, results, goal);
const dir = dirname(loc.manifestPath);
await writeFile(join(dir, "eval.md"), md);
await writeFile(
  join(dir, "eval.json"),
  JSON.stringify(
    {
      model: { name: manifest.name, version: manifest.version, sha256: manifest.sha256 },
      generatedAt: new Date().toISOString(),
      goal,
      splits: results,
    },
    null,
    2,
  ) + "\n",
);
// The manifest carries the figures too; its sha256 covers model.onnx only, so this does not invalidate it.
const updated = parseManifest({
  ...manifest,
  evaluation: {
    generatedAt: new Date().toISOString(),
    headline: "b",
    splits: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.metrics])),
  },
});
await writeFile(loc.manifestPath, JSON.stringify(updated, null, 2) + "\n");
console.log(md);
