import { generateDocument } from "./generate.js";
import { GRAMMAR_FAMILIES, generateGrammarDocument, type GrammarFamily } from "./grammar/index.js";
import { deriveSeed, Prng } from "./prng.js";
import type { Split, SyntheticDocument } from "./types.js";

/**
 * The project's own document families: structurally different generators (or rule sets of one
 * generator). Evaluation leaves each out of training in turn; families written by other people
 * (`src/families/`) are never trained on at all.
 */
export const IN_HOUSE_FAMILIES = ["templates", ...GRAMMAR_FAMILIES] as const;
export type InHouseFamily = "templates" | GrammarFamily;

export interface SourceOptions {
  split: Split;
  /** Training only: share of label wordings rewritten by the augmentation (template family). */
  labelNoise?: number;
  /** Training only: share of template documents laid out by recombined training block styles. */
  recombine?: number;
}

/** One document of a family, deterministic from its seed. */
export function familyDocument(family: InHouseFamily, seed: number, opts: SourceOptions): SyntheticDocument {
  switch (family) {
    case "templates":
      return generateDocument(seed, opts);
    default:
      return generateGrammarDocument(seed, { family, split: opts.split });
  }
}

/**
 * One document for choosing thresholds and fitting the confidence calibration: wordings and names
 * the model was not trained on, but never the distribution of an evaluation split. The template
 * family's held-out templates and wordings ARE its evaluation split (b), so its calibration
 * documents keep the training templates with every label rewritten by the augmentation instead.
 */
export function calibrationDocument(family: InHouseFamily, seed: number): SyntheticDocument {
  switch (family) {
    case "templates":
      return generateDocument(seed, { split: "train", labelNoise: 1 });
    default:
      // The grammar's held-out wordings and names; evaluation draws other seeds of them.
      return generateGrammarDocument(seed, { family, split: "heldout" });
  }
}

/**
 * A generator drawing each document from one of `families` by weight (equal by default), the family
 * chosen from the document's own seed so a document is the same whatever else is drawn.
 */
export function familyMix(
  families: readonly InHouseFamily[],
  opts: SourceOptions | "calibration",
  weights: Partial<Record<InHouseFamily, number>> = {},
): (seed: number) => SyntheticDocument {
  if (families.length === 0) throw new Error("a family mix needs at least one family");
  const w = families.map((f) => weights[f] ?? 1);
  const sum = w.reduce((a, b) => a + b, 0);
  return (seed) => {
    let r = new Prng(deriveSeed(seed, 61)).next() * sum;
    let i = 0;
    while (i < families.length - 1 && r >= (w[i] as number)) r -= w[i++] as number;
    const family = families[i] as InHouseFamily;
    return opts === "calibration" ? calibrationDocument(family, seed) : familyDocument(family, seed, opts);
  };
}
