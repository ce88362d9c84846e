// npm run model:train — builds the training set, trains, exports ONNX and writes the manifest.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FIELD_NAMES } from "@docsift/core";
import { buildDataset, type DatasetRecipe } from "../train/dataset.js";
import { train, type TrainOptions } from "../train/trainer.js";
import { DEFAULT_ARCHITECTURE, initWeights } from "../train/weights.js";
import { exportOnnx, INPUTS, OUTPUTS } from "../onnx/export.js";
import { FEATURE_SPEC } from "../features/spec.js";
import { templatesFor } from "../generator/templates.js";
import { DEFAULT_DECODER } from "../decode/decode.js";
import { calibrateThresholds, scoreValidation } from "../train/calibrate.js";
import { artifactsRoot, DEFAULT_MODEL_NAME } from "../runtime/location.js";
import { parseManifest, type ModelManifest } from "../runtime/manifest.js";
import { sha256Bytes } from "../runtime/sha256.js";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "10000" },
    epochs: { type: "string", default: "5" },
    seed: { type: "string", default: "20260101" },
    version: { type: "string", default: "3.0.0" },
    root: { type: "string", default: artifactsRoot() },
    "no-current": { type: "boolean", default: false },
    "label-noise": { type: "string", default: "0.3" },
    "calibration-noise": { type: "string", default: "1" },
    recombine: { type: "string", default: "0.5" },
  },
});

const seed = Number(values.seed);
const recipe: DatasetRecipe = {
  seed,
  documents: Number(values.documents),
  split: "train",
  ocrShare: 0.25,
  mergedShare: 0.15,
  flowedShare: 0.15,
  labelNoise: Number(values["label-noise"]),
  recombine: Number(values.recombine),
};
const options: TrainOptions = {
  epochs: Number(values.epochs),
  batchSize: 32,
  learningRate: 0.004,
  decay: 0.7,
  noneWeight: 1,
  tokenDropout: 0.25,
  heavyDropoutShare: 0.2,
  heavyDropout: 0.7,
  seed,
};
const VALIDATION_DOCUMENTS = 600;
// Validation labels are rewritten more often than training ones: the thresholds are chosen for
// wordings the model has not seen, which is what a real document (and split b) brings.
const calibrationNoise = Number(values["calibration-noise"]);

const t0 = performance.now();
const data = buildDataset(recipe);
const positives = data.labels.reduce((n, y) => n + (y > 0 ? 1 : 0), 0);
console.log(
  `dataset: ${data.docs} documents, ${data.rows} candidates (${positives} field occurrences) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const weights = initWeights(seed, DEFAULT_ARCHITECTURE);
const t1 = performance.now();
const { finalLoss } = train(weights, data, {
  ...options,
  onEpoch: (e) =>
    console.log(
      `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, doc-type loss ${e.docLoss.toFixed(4)}, ${(e.ms / 1000).toFixed(1)} s`,
    ),
});
const trainMs = performance.now() - t1;
// Thresholds per field, chosen on a validation set from the training templates (never a held-out split).
const t2 = performance.now();
const validation = scoreValidation(weights, seed, VALIDATION_DOCUMENTS, calibrationNoise);
const calibration = calibrateThresholds(validation, DEFAULT_DECODER);
console.log(
  `calibrated thresholds on ${VALIDATION_DOCUMENTS} validation documents in ${((performance.now() - t2) / 1000).toFixed(1)} s: ${JSON.stringify(calibration.fieldThresholds)}`,
);

const name = DEFAULT_MODEL_NAME;
const version = values.version;
const onnx = exportOnnx(weights, { name, version, featureSpec: String(FEATURE_SPEC.version) });
const manifest: ModelManifest = parseManifest({
  name,
  version,
  sha256: sha256Bytes(onnx),
  sizeBytes: onnx.byteLength,
  createdAt: new Date().toISOString(),
  fields: [...FIELD_NAMES],
  documentTypes: [...FEATURE_SPEC.documentTypes],
  featureSpec: JSON.parse(JSON.stringify(FEATURE_SPEC)),
  architecture: weights.arch,
  onnx: { opset: 13, inputs: Object.values(INPUTS), outputs: Object.values(OUTPUTS) },
  decoder: { ...DEFAULT_DECODER, fieldThresholds: calibration.fieldThresholds },
  training: {
    command: `npm run model:train -- --documents ${recipe.documents} --epochs ${options.epochs} --seed ${seed} --version ${version} --label-noise ${recipe.labelNoise} --recombine ${recipe.recombine} --calibration-noise ${calibrationNoise}`,
    seed,
    documents: recipe.documents,
    candidates: data.rows,
    split: "train",
    templates: templatesFor("train").map((t) => t.id),
    ocrShare: recipe.ocrShare,
    mergedShare: recipe.mergedShare,
    flowedShare: recipe.flowedShare,
    labelNoise: recipe.labelNoise,
    recombine: recipe.recombine,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    decay: options.decay,
    noneWeight: options.noneWeight,
    tokenDropout: options.tokenDropout,
    heavyDropoutShare: options.heavyDropoutShare,
    heavyDropout: options.heavyDropout,
    calibration: {
      documents: VALIDATION_DOCUMENTS,
      split: "train",
      labelNoise: calibrationNoise,
      validationF1: calibration.f1,
    },
    finalLoss: Math.round(finalLoss * 1e6) / 1e6,
    trainMs: Math.round(trainMs),
    node: process.version,
  },
});
const dir = join(values.root, name, version);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, "model.onnx"), onnx);
await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
if (!values["no-current"]) await writeFile(join(values.root, name, "current"), `${version}\n`);
console.log(
  `wrote ${dir} (${(onnx.byteLength / 1e6).toFixed(2)} MB, sha256 ${manifest.sha256.slice(0, 12)}…); training ${(trainMs / 1000).toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
