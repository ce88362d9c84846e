import { z } from "zod";
import { DOCUMENT_TYPES, FIELD_NAMES } from "@docsift/core";

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export const FeatureSpecSchema = z.object({
  version: z.number().int(),
  hashBuckets: z.number().int().positive(),
  slots: z.number().int().positive(),
  dense: z.array(z.string()),
  docHashBuckets: z.number().int().positive(),
  docSlots: z.number().int().positive(),
  classes: z.array(z.string()),
  documentTypes: z.array(z.string()),
  hash: z.string(),
});

/** A step function from raw score to calibrated probability (see decode/calibration.ts). */
const IsotonicMapSchema = z
  .object({ x: z.array(z.number().min(0).max(1)).min(1), y: z.array(z.number().min(0).max(1)).min(1) })
  .strict()
  .refine((m) => m.x.length === m.y.length, "x and y must have the same length")
  .refine((m) => m.x.every((v, i) => i === 0 || v >= (m.x[i - 1] as number)), "x must not decrease")
  .refine((m) => m.y.every((v, i) => i === 0 || v >= (m.y[i - 1] as number)), "y must not decrease");

const FieldMetricsSchema = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
});

export const SplitMetricsSchema = z.object({
  documents: z.number().int(),
  perField: z.record(z.string(), FieldMetricsSchema),
  perDocumentType: z.record(z.string(), FieldMetricsSchema.extend({ typeAccuracy: z.number() })),
  micro: FieldMetricsSchema,
  documentTypeAccuracy: z.number(),
  /** Expected calibration error of the reported confidences, and precision of those ≥ 0.9. */
  calibration: z
    .object({
      ece: z.number(),
      precisionAt90: z.number(),
      reportedAt90: z.number().int(),
      reported: z.number().int(),
      /** The same per field. */
      perField: z
        .record(
          z.string(),
          z.object({
            ece: z.number(),
            precisionAt90: z.number(),
            reportedAt90: z.number().int(),
            reported: z.number().int(),
          }),
        )
        .optional(),
    })
    .optional(),
  reliability: z
    .array(
      z.object({
        from: z.number(),
        to: z.number(),
        n: z.number().int(),
        meanConfidence: z.number(),
        accuracy: z.number(),
      }),
    )
    .optional(),
  /** Truth document type → predicted type → documents. */
  confusion: z.record(z.string(), z.record(z.string(), z.number().int())).optional(),
});

export const ModelManifestSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().regex(SEMVER),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().positive(),
    createdAt: z.string(),
    fields: z.array(z.enum(FIELD_NAMES)),
    documentTypes: z.array(z.enum(DOCUMENT_TYPES)),
    featureSpec: FeatureSpecSchema,
    architecture: z.object({
      embeddingDim: z.number().int().positive(),
      hidden: z.number().int().positive(),
      docEmbeddingDim: z.number().int().positive(),
    }),
    onnx: z.object({ opset: z.number().int(), inputs: z.array(z.string()), outputs: z.array(z.string()) }),
    decoder: z.object({
      threshold: z.number().min(0).max(1),
      consistencyFloor: z.number().min(0).max(1),
      consistencyBonus: z.number().nonnegative(),
      fieldThresholds: z.partialRecord(z.enum(FIELD_NAMES), z.number().min(0).max(1)).optional(),
      calibration: z.partialRecord(z.enum(FIELD_NAMES), IsotonicMapSchema).optional(),
      documentTypeCalibration: IsotonicMapSchema.optional(),
      reviewBelow: z.number().min(0).max(1).optional(),
    }),
    training: z.object({
      command: z.string(),
      seed: z.number().int(),
      documents: z.number().int(),
      candidates: z.number().int(),
      split: z.literal("train"),
      templates: z.array(z.string()),
      /** In-house document families trained on (absent: the template generator alone). */
      families: z.array(z.string()).optional(),
      ocrShare: z.number(),
      mergedShare: z.number(),
      flowedShare: z.number(),
      labelNoise: z.number().optional(),
      recombine: z.number().optional(),
      epochs: z.number().int(),
      batchSize: z.number().int(),
      learningRate: z.number(),
      decay: z.number(),
      noneWeight: z.number(),
      tokenDropout: z.number(),
      heavyDropoutShare: z.number().optional(),
      heavyDropout: z.number().optional(),
      calibration: z
        .object({
          documents: z.number().int(),
          split: z.enum(["train", "heldout"]),
          /** Reported values the confidence calibration was fitted on. */
          values: z.number().int().optional(),
          /** Calibration examples also came from models trained without each family, of this size. */
          crossFit: z.object({ documents: z.number().int(), epochs: z.number().int() }).optional(),
          labelNoise: z.number().optional(),
          validationF1: z.partialRecord(z.enum(FIELD_NAMES), z.number()),
        })
        .optional(),
      finalLoss: z.number(),
      trainMs: z.number(),
      node: z.string(),
    }),
    evaluation: z
      .object({
        generatedAt: z.string(),
        headline: z.string(),
        splits: z.record(z.string(), SplitMetricsSchema),
      })
      .optional(),
  })
  .strict();

export type ModelManifest = z.infer<typeof ModelManifestSchema>;
export type SplitMetrics = z.infer<typeof SplitMetricsSchema>;

/** Parses a manifest with a readable error naming the offending path. */
export function parseManifest(
  raw: unknown,
  source = "manifest",
  opts: {
    /**
     * false: leave out the evaluation figures, which loading a model never reads and whose
     * validation was a tenth of a one-page `docsift extract` (50 KB of per-split metrics).
     */
    evaluation?: boolean;
  } = {},
): ModelManifest {
  const input =
    opts.evaluation === false && raw !== null && typeof raw === "object" && "evaluation" in raw
      ? Object.fromEntries(Object.entries(raw).filter(([key]) => key !== "evaluation"))
      : raw;
  const parsed = ModelManifestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid model ${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "unknown error"}`,
    );
  }
  return parsed.data;
}
