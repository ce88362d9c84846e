import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { InHouseFamily } from "../generator/sources.js";
import { loadKeyInfoModel, type KeyInfoModel } from "../runtime/key-info-model.js";
import { parseManifest, type ModelManifest } from "../runtime/manifest.js";
import { trainModel } from "../train/pipeline.js";

const modelRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where leave-one-family-out models are kept between evaluation runs (git-ignored). */
export const defaultLofoCacheDir = (): string => join(modelRoot, ".lofo-cache");

/** A hash of every source file of the model package: any change to generators or features retrains. */
let sources: Promise<string> | undefined;
const sourceHash = (): Promise<string> => (sources ??= hashSources());

async function hashSources(): Promise<string> {
  const h = createHash("sha256");
  const src = join(modelRoot, "src");
  const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith(".ts")).sort();
  for (const f of files) {
    h.update(relative(src, join(src, f)));
    h.update(await readFile(join(src, f)));
  }
  return h.digest("hex");
}

export interface LofoOptions {
  documents: number;
  epochs: number;
  calibrationDocuments: number;
  cacheDir?: string;
  log?: (line: string) => void;
}

/**
 * The committed model's recipe trained WITHOUT one family (smaller, for time: `documents` and
 * `epochs`), so that family's figures say how docsift does on a layout family it never saw. Cached
 * under the recipe and a hash of the model package's sources.
 */
export async function leaveOneOutModel(
  left: InHouseFamily,
  committed: ModelManifest,
  opts: LofoOptions,
): Promise<KeyInfoModel> {
  const families = (committed.training.families ?? ["templates"]).filter(
    (f) => f !== left,
  ) as InHouseFamily[];
  if (families.length === 0) throw new Error(`nothing left to train on without "${left}"`);
  const t = committed.training;
  const run = {
    name: committed.name,
    version: `${committed.version}-without-${left}`,
    seed: t.seed,
    documents: opts.documents,
    epochs: opts.epochs,
    families,
    labelNoise: t.labelNoise ?? 0,
    recombine: t.recombine ?? 0,
    calibrationDocuments: opts.calibrationDocuments,
  };
  const key = createHash("sha256")
    .update(JSON.stringify(run))
    .update(await sourceHash())
    .digest("hex")
    .slice(0, 16);
  const dir = join(opts.cacheDir ?? defaultLofoCacheDir(), `${left}-${key}`);
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const started = performance.now();
    const trained = trainModel({ ...run, command: `leave-one-family-out: without ${left}`, log: opts.log });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "model.onnx"), trained.onnx);
    await writeFile(join(dir, "manifest.json"), JSON.stringify(trained.manifest, null, 2) + "\n");
    manifest = trained.manifest;
    opts.log?.(`trained without ${left} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return loadKeyInfoModel({ onnxPath: join(dir, "model.onnx"), manifest });
}
