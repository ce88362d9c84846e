import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExtractedPage } from "@docsift/core";
import type { OcrEngine } from "@docsift/extraction";
import { recogniserIdentity } from "@docsift/extraction/ocr-head";
import { generateDocument } from "../generator/generate.js";
import { deriveSeed } from "../generator/prng.js";
import type { SyntheticDocument } from "../generator/types.js";
import { renderPng } from "../render/png.js";

/** Where real PP-OCR output of rendered evaluation pages is kept (git-ignored). */
export const defaultOcrCacheDir = (): string =>
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".ocr-cache");

/**
 * The one-page held-out documents of the real-OCR split: the first `count` documents of the
 * seed sequence that fit on one page (a page costs 1–3 s of PP-OCR, so the split stays small).
 */
export function ocrSplitDocuments(seed: number, count: number): SyntheticDocument[] {
  const out: SyntheticDocument[] = [];
  for (let i = 0; out.length < count && i < count * 4; i++) {
    const doc = generateDocument(deriveSeed(seed, i), { split: "heldout" });
    if (doc.pages.length === 1) out.push(doc);
  }
  return out;
}

/** The recogniser's identity, read from the head's manifest once per process, not per page. */
let identity: Promise<string> | undefined;

/**
 * PP-OCR output of a document's first page, cached on disk under the seed, the PNG's hash and the
 * recogniser's identity (its Latin head's sha256), so a re-run costs nothing and a changed
 * generator, renderer or recogniser never reuses stale text.
 */
export async function ocrPages(
  doc: SyntheticDocument,
  engine: () => Promise<OcrEngine>,
  cacheDir = defaultOcrCacheDir(),
  dpi = 150,
): Promise<{ pages: ExtractedPage[]; cached: boolean; ms: number }> {
  const png = await renderPng(doc, 1, dpi);
  const png16 = createHash("sha256").update(png).digest("hex").slice(0, 16);
  const key = `${doc.seed}-${png16}-${await (identity ??= recogniserIdentity())}.json`;
  const path = join(cacheDir, key);
  try {
    return { pages: JSON.parse(await readFile(path, "utf8")) as ExtractedPage[], cached: true, ms: 0 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const started = performance.now();
  const page = await (await engine()).recognizePage(png, 1);
  const ms = performance.now() - started;
  await mkdir(cacheDir, { recursive: true });
  await writeFile(path, JSON.stringify([page]));
  return { pages: [page], cached: false, ms };
}
