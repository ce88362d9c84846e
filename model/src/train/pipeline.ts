import { FIELD_NAMES } from "@docsift/core";
import { DEFAULT_DECODER, DEFAULT_REVIEW_BELOW } from "../decode/decode.js";
import { FEATURE_SPEC } from "../features/spec.js";
import { familyMix, type InHouseFamily } from "../generator/sources.js";
import { templatesFor } from "../generator/templates.js";
import { exportOnnx, INPUTS, OUTPUTS } from "../onnx/export.js";
import { parseManifest, type ModelManifest } from "../runtime/manifest.js";
import { sha256Bytes } from "../runtime/sha256.js";
import { calibrateThresholds, fitCalibration, scoreValidation } from "./calibrate.js";
import { buildDataset, type DatasetRecipe } from "./dataset.js";
import { train, type TrainOptions } from "./trainer.js";
import { DEFAULT_ARCHITECTURE, initWeights } from "./weights.js";

export interface TrainingRun {
  name: string;
  version: string;
  seed: number;
  documents: number;
  epochs: number;
  /** In-house families trained on; evaluation leaves each out in turn. */
  families: readonly InHouseFamily[];
  labelNoise: number;
  recombine: number;
  /** Documents for the thresholds and the confidence calibration (held-out wordings and names). */
  calibrationDocuments: number;
  log?: (line: string) => void;
  /** How the run is reproduced, recorded in the manifest. */
  command: string;
}

export const TRAINING_OPTIONS: Omit<TrainOptions, "epochs" | "seed"> = {
  batchSize: 32,
  learningRate: 0.004,
  decay: 0.7,
  noneWeight: 1,
  tokenDropout: 0.25,
  heavyDropoutShare: 0.2,
  heavyDropout: 0.7,
};

const SHARES = { ocrShare: 0.25, mergedShare: 0.15, flowedShare: 0.15 };

/**
 * Generates the training set, trains, picks per-field thresholds and fits the confidence
 * calibration, and exports the ONNX model with its manifest. Thresholds and calibration come from
 * documents with wordings and names the model was not trained on (`calibrationDocument`), because a
 * model's confidence on wordings it learnt says nothing about its confidence on a stranger's
 * document; never from an evaluation split.
 */
export function trainModel(run: TrainingRun): { onnx: Uint8Array; manifest: ModelManifest } {
  const log = run.log ?? (() => undefined);
  const recipe: DatasetRecipe = {
    seed: run.seed,
    documents: run.documents,
    split: "train",
    ...SHARES,
    labelNoise: run.labelNoise,
    recombine: run.recombine,
    generate: familyMix(run.families, {
      split: "train",
      labelNoise: run.labelNoise,
      recombine: run.recombine,
    }),
  };
  const options: TrainOptions = { ...TRAINING_OPTIONS, epochs: run.epochs, seed: run.seed };
  const t0 = performance.now();
  const data = buildDataset(recipe);
  const positives = data.labels.reduce((n, y) => n + (y > 0 ? 1 : 0), 0);
  log(
    `dataset: ${data.docs} documents, ${data.rows} candidates (${positives} field occurrences) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const weights = initWeights(run.seed, DEFAULT_ARCHITECTURE);
  const t1 = performance.now();
  const { finalLoss } = train(weights, data, {
    ...options,
    onEpoch: (e) =>
      log(
        `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, doc-type loss ${e.docLoss.toFixed(4)}, ${(e.ms / 1000).toFixed(1)} s`,
      ),
  });
  const trainMs = performance.now() - t1;

  const t2 = performance.now();
  const validation = scoreValidation(
    weights,
    run.seed,
    run.calibrationDocuments,
    0,
    familyMix(run.families, "calibration"),
  );
  const thresholds = calibrateThresholds(validation, DEFAULT_DECODER);
  const decoder = { ...DEFAULT_DECODER, fieldThresholds: thresholds.fieldThresholds };
  const fitted = fitCalibration(validation, decoder);
  log(
    `thresholds and calibration on ${run.calibrationDocuments} documents (${fitted.examples} values) in ${((performance.now() - t2) / 1000).toFixed(1)} s: ${JSON.stringify(thresholds.fieldThresholds)}`,
  );

  const onnx = exportOnnx(weights, {
    name: run.name,
    version: run.version,
    featureSpec: String(FEATURE_SPEC.version),
  });
  const manifest = parseManifest({
    name: run.name,
    version: run.version,
    sha256: sha256Bytes(onnx),
    sizeBytes: onnx.byteLength,
    createdAt: new Date().toISOString(),
    fields: [...FIELD_NAMES],
    documentTypes: [...FEATURE_SPEC.documentTypes],
    featureSpec: JSON.parse(JSON.stringify(FEATURE_SPEC)),
    architecture: weights.arch,
    onnx: { opset: 13, inputs: Object.values(INPUTS), outputs: Object.values(OUTPUTS) },
    decoder: {
      ...decoder,
      calibration: fitted.calibration,
      documentTypeCalibration: fitted.documentType,
      reviewBelow: DEFAULT_REVIEW_BELOW,
    },
    training: {
      command: run.command,
      seed: run.seed,
      documents: run.documents,
      candidates: data.rows,
      split: "train",
      templates: templatesFor("train").map((t) => t.id),
      families: [...run.families],
      ...SHARES,
      labelNoise: run.labelNoise,
      recombine: run.recombine,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      decay: options.decay,
      noneWeight: options.noneWeight,
      tokenDropout: options.tokenDropout,
      heavyDropoutShare: options.heavyDropoutShare,
      heavyDropout: options.heavyDropout,
      calibration: {
        documents: run.calibrationDocuments,
        split: "heldout",
        labelNoise: 1,
        values: fitted.examples,
        validationF1: thresholds.f1,
      },
      finalLoss: Math.round(finalLoss * 1e6) / 1e6,
      trainMs: Math.round(trainMs),
      node: process.version,
    },
  });
  return { onnx, manifest };
}
