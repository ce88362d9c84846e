// Digests of what the candidate extractor and featurizer produce for seeded documents, so a speed-up
// can be checked to leave every candidate, hashed token and dense feature bit-identical.
import { createHash } from "node:crypto";
import type { ExtractedPage } from "@docsift/core";
import { dateOrderFor, detectLanguage } from "../../src/candidates/extract.js";
import { featurizePage, headerWords, type FeatureBuffers } from "../../src/features/featurize.js";
import { generateDocument } from "../../src/generator/generate.js";
import { applyOcrNoise } from "../../src/render/ocr-noise.js";
import { renderLabelledPages, renderPages, stripLabels } from "../../src/render/pages.js";

export const SNAPSHOT_SEEDS = Array.from({ length: 20 }, (_, i) => 101 + i * 7);

/** Clean text-layer pages for even positions, OCR-noised pages for odd ones, to cover both paths. */
export function snapshotPages(seed: number, position: number): ExtractedPage[] {
  const doc = generateDocument(seed, { split: "heldout" });
  return position % 2 === 0 ? renderPages(doc) : stripLabels(applyOcrNoise(renderLabelledPages(doc), seed));
}

/** With `buffers`, every page is featurized into the same reused memory, as the runtime does. */
export function featureDigest(
  pages: readonly ExtractedPage[],
  buffers?: FeatureBuffers,
): { candidates: number; sha256: string } {
  const h = createHash("sha256");
  const first = pages[0];
  if (!first) return { candidates: 0, sha256: h.digest("hex") };
  const order = dateOrderFor(detectLanguage(first.lines));
  const header = headerWords(first);
  let candidates = 0;
  for (const page of pages) {
    const f = featurizePage(page, order, header, buffers);
    candidates += f.candidates.length;
    for (const c of f.candidates)
      h.update(`${c.kind}|${c.value}|${c.text}|${c.start}|${c.end}|${c.numeric}|${c.line.index}\n`);
    h.update(Buffer.from(f.idx.buffer, f.idx.byteOffset, f.idx.byteLength));
    h.update(Buffer.from(f.dense.buffer, f.dense.byteOffset, f.dense.byteLength));
  }
  return { candidates, sha256: h.digest("hex") };
}
