import { FEATURE_SPEC, DENSE_SIZE } from "../features/spec.js";
import { documentBag, featurizePage, headerWords } from "../features/featurize.js";
import { documentDateOrder } from "../candidates/date-order.js";
import { generateDocument } from "../generator/generate.js";
import { deriveSeed, Prng } from "../generator/prng.js";
import type { Split, SyntheticDocument } from "../generator/types.js";
import { renderLabelledPages, type LabelledPage } from "../render/pages.js";
import { applyOcrNoise, flowRows, mergeRows } from "../render/ocr-noise.js";
import { labelCandidate } from "./labels.js";

export interface Dataset {
  rows: number;
  idx: Int32Array;
  dense: Float32Array;
  /** Class index per row (0 = none, then FIELD_NAMES order). */
  labels: Uint8Array;
  docs: number;
  docBags: Int32Array;
  docLabels: Uint8Array;
}

export type Variant = "clean" | "merged" | "ocr" | "flowed";

/** The pages a variant of a document yields: as generated, with rows merged, or through simulated OCR. */
export function pagesFor(doc: SyntheticDocument, variant: Variant): LabelledPage[] {
  const pages = renderLabelledPages(doc);
  if (variant === "ocr") return applyOcrNoise(pages, deriveSeed(doc.seed, 17));
  if (variant === "flowed") return flowRows(pages, deriveSeed(doc.seed, 29));
  if (variant === "merged") return mergeRows(pages, new Prng(deriveSeed(doc.seed, 23)), 0.8);
  return pages;
}

export interface DatasetRecipe {
  seed: number;
  documents: number;
  split: Split;
  /** Share of documents seen through simulated OCR, and with rows merged. */
  ocrShare: number;
  mergedShare: number;
  flowedShare: number;
  /** Share of label wordings rewritten by the generator's label augmentation (training only). */
  labelNoise?: number;
  /** Share of documents laid out by a recombination of training block styles. */
  recombine?: number;
  /**
   * Where each training document comes from (default: the template generator with the options
   * above). The layout-grammar families plug in here (`generator/sources.ts`).
   */
  generate?: (seed: number) => SyntheticDocument;
}

export function buildDataset(recipe: DatasetRecipe): Dataset {
  const { slots, docSlots } = FEATURE_SPEC;
  const idxParts: Int32Array[] = [];
  const denseParts: Float32Array[] = [];
  const labelParts: number[] = [];
  const docBags = new Int32Array(recipe.documents * docSlots);
  const docLabels = new Uint8Array(recipe.documents);
  const classOf = new Map<string, number>(FEATURE_SPEC.classes.map((c, i) => [c, i]));
  const typeOf = new Map<string, number>(FEATURE_SPEC.documentTypes.map((t, i) => [t, i]));
  const pick = new Prng(deriveSeed(recipe.seed, 5));
  for (let d = 0; d < recipe.documents; d++) {
    const docSeed = deriveSeed(recipe.seed, 1000 + d);
    const doc = recipe.generate
      ? recipe.generate(docSeed)
      : generateDocument(docSeed, {
          split: recipe.split,
          labelNoise: recipe.labelNoise ?? 0,
          recombine: recipe.recombine ?? 0,
        });
    const r = pick.next();
    const variant: Variant =
      r < recipe.ocrShare
        ? "ocr"
        : r < recipe.ocrShare + recipe.mergedShare
          ? "merged"
          : r < recipe.ocrShare + recipe.mergedShare + recipe.flowedShare
            ? "flowed"
            : "clean";
    const pages = pagesFor(doc, variant);
    const order = documentDateOrder(pages[0]?.lines ?? []).order;
    const header = pages[0] ? headerWords(pages[0]) : [];
    for (const page of pages) {
      const f = featurizePage(page, order, header);
      idxParts.push(f.idx);
      denseParts.push(f.dense);
      for (const c of f.candidates) labelParts.push(classOf.get(labelCandidate(c) ?? "none") ?? 0);
    }
    if (pages[0]) docBags.set(documentBag(pages[0]), d * docSlots);
    docLabels[d] = typeOf.get(doc.truth.documentType) ?? 0;
  }
  const rows = labelParts.length;
  const idx = new Int32Array(rows * slots);
  const dense = new Float32Array(rows * DENSE_SIZE);
  let io = 0;
  let dn = 0;
  for (const p of idxParts) {
    idx.set(p, io);
    io += p.length;
  }
  for (const p of denseParts) {
    dense.set(p, dn);
    dn += p.length;
  }
  return {
    rows,
    idx,
    dense,
    labels: Uint8Array.from(labelParts),
    docs: recipe.documents,
    docBags,
    docLabels,
  };
}
