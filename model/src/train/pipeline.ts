import { FIELD_NAMES } from "@docsift/core";
import { DEFAULT_DECODER, DEFAULT_REVIEW_BELOW } from "../decode/decode.js";
import { FEATURE_SPEC } from "../features/spec.js";
import { familyMix, type InHouseFamily } from "../generator/sources.js";
import { templatesFor } from "../generator/templates.js";
import { exportOnnx, INPUTS, OUTPUTS } from "../onnx/export.js";
import { parseManifest, type ModelManifest } from "../runtime/manifest.js";
import { sha256Bytes } from "../runtime/sha256.js";
import { calibrateThresholds, fitCalibration, scoreValidation, type ValidationDoc } from "./calibrate.js";
import { buildDataset, type DatasetRecipe } from "./dataset.js";
import { train, type TrainOptions } from "./trainer.js";
import { DEFAULT_ARCHITECTURE, initWeights, type Weights } from "./weights.js";
import { deriveSeed } from "../generator/prng.js";

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
  /** Size of the models trained without one family each for the calibration (none: no cross-fit). */
  crossFit?: { documents: number; epochs: number };
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

type WeightsRun = Pick<
  TrainingRun,
  "seed" | "documents" | "epochs" | "families" | "labelNoise" | "recombine"
>;

/** Generates a training set from `families` and trains weights on it. */
function trainWeights(
  run: WeightsRun,
  log: (line: string) => void,
): { weights: Weights; rows: number; finalLoss: number; trainMs: number } {
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
  const t0 = performance.now();
  const data = buildDataset(recipe);
  const positives = data.labels.reduce((n, y) => n + (y > 0 ? 1 : 0), 0);
  log(
    `dataset (${run.families.join(", ")}): ${data.docs} documents, ${data.rows} candidates (${positives} field occurrences) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const weights = initWeights(run.seed, DEFAULT_ARCHITECTURE);
  const t1 = performance.now();
  const { finalLoss } = train(weights, data, {
    ...TRAINING_OPTIONS,
    epochs: run.epochs,
    seed: run.seed,
    onEpoch: (e) =>
      log(
        `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, doc-type loss ${e.docLoss.toFixed(4)}, ${(e.ms / 1000).toFixed(1)} s`,
      ),
  });
  return { weights, rows: data.rows, finalLoss, trainMs: performance.now() - t1 };
}

/**
 * Generates the training set, trains, picks per-field thresholds and fits the confidence
 * calibration, and exports the ONNX model with its manifest.
 *
 * Thresholds come from documents with wordings and names the model was not trained on
 * (`calibrationDocument`); never from an evaluation split. The confidence calibration is
 * CROSS-FITTED over families: for each family, a smaller model of the same recipe trained without
 * it scores that family's documents, so the examples say how right a score is on a layout family
 * the model never saw, which is what a stranger's document is. The map is fitted on those
 * out-of-family examples; the final model is at least as good as the smaller ones, so it errs on
 * the modest side. Without a cross-fit it is fitted on the threshold documents.
 */
export function trainModel(run: TrainingRun): { onnx: Uint8Array; manifest: ModelManifest } {
  const log = run.log ?? (() => undefined);
  const { weights, rows, finalLoss, trainMs } = trainWeights(run, log);

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
  const outOfFamily: ValidationDoc[] = [];
  const crossFit = run.crossFit;
  if (crossFit && run.families.length > 1)
    for (const left of run.families) {
      const fold = trainWeights(
        { ...run, families: run.families.filter((f) => f !== left), ...crossFit },
        () => undefined,
      );
      outOfFamily.push(
        ...scoreValidation(
          fold.weights,
          deriveSeed(run.seed, 31),
          Math.ceil(run.calibrationDocuments / run.families.length),
          0,
          familyMix([left], "calibration"),
        ),
      );
      log(`cross-fit: a model without ${left} scored its documents`);
    }
  // Out-of-family examples alone when there are any: on a stranger's document the model is out of
  // family, and in-family examples (right far more often at the same score) would make its high
  // scores look safer than they are there.
  const examples = outOfFamily.length > 0 ? outOfFamily : validation;
  const fitted = fitCalibration(examples, decoder);
  log(
    `thresholds on ${run.calibrationDocuments} documents, calibration on ${examples.length} documents (${fitted.examples} values) in ${((performance.now() - t2) / 1000).toFixed(1)} s: ${JSON.stringify(thresholds.fieldThresholds)}`,
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
      candidates: rows,
      split: "train",
      templates: templatesFor("train").map((t) => t.id),
      families: [...run.families],
      ...SHARES,
      labelNoise: run.labelNoise,
      recombine: run.recombine,
      epochs: run.epochs,
      ...TRAINING_OPTIONS,
      calibration: {
        documents: run.calibrationDocuments,
        split: "heldout",
        labelNoise: 1,
        values: fitted.examples,
        ...(crossFit && run.families.length > 1 ? { crossFit } : {}),
        validationF1: thresholds.f1,
      },
      finalLoss: Math.round(finalLoss * 1e6) / 1e6,
      trainMs: Math.round(trainMs),
      node: process.version,
    },
  });
  return { onnx, manifest };
}
