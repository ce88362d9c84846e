export { loadKeyInfoModel, ModelIntegrityError } from "./runtime/key-info-model.js";
export type { KeyInfoModel, KeyInfoResult, LoadOptions } from "./runtime/key-info-model.js";
export { defaultModelLocation, DEFAULT_MODEL_NAME, artifactsRoot } from "./runtime/location.js";
export { ModelManifestSchema, parseManifest } from "./runtime/manifest.js";
export type { ModelManifest, SplitMetrics } from "./runtime/manifest.js";
export { FsModelRegistry } from "./registry/registry.js";
export type { ModelRegistry, ResolvedModel } from "./registry/registry.js";
export { decode, DEFAULT_DECODER } from "./decode/decode.js";
export type { DecoderOptions, ScoredCandidate } from "./decode/decode.js";
export { FEATURE_SPEC, DENSE_SIZE } from "./features/spec.js";
export { createSession, scoreBatch } from "./runtime/session.js";

import { readFile } from "node:fs/promises";
import { loadKeyInfoModel as load, type KeyInfoModel } from "./runtime/key-info-model.js";
import { defaultModelLocation as location } from "./runtime/location.js";
import { parseManifest as parse } from "./runtime/manifest.js";

/** Opens the committed default model (no registry needed). */
export async function loadDefaultKeyInfoModel(
  opts: { intraOpThreads?: number; batchSize?: number } = {},
): Promise<KeyInfoModel> {
  const loc = location();
  const manifest = parse(JSON.parse(await readFile(loc.manifestPath, "utf8")), loc.manifestPath, {
    evaluation: false,
  });
  return load({ onnxPath: loc.onnxPath, manifest, ...opts });
}
