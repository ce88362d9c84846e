import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const DEFAULT_MODEL_NAME = "docsift-kie";

/** model/artifacts, resolved from this file so it works from src/ (tsx, vitest) and dist/. */
export const artifactsRoot = (): string => fileURLToPath(new URL("../../artifacts/", import.meta.url));

/** The committed default model: the version the `current` pointer names. */
export function defaultModelLocation(): { onnxPath: string; manifestPath: string; version: string } {
  const root = join(artifactsRoot(), DEFAULT_MODEL_NAME);
  const version = readFileSync(join(root, "current"), "utf8").trim();
  const dir = join(root, version);
  return { onnxPath: join(dir, "model.onnx"), manifestPath: join(dir, "manifest.json"), version };
}
