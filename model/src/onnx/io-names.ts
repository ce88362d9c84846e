/** The model's input and output names: shared by the exporter and the runtime that feeds it. */
export const INPUTS = { candIdx: "cand_idx", candDense: "cand_dense", docIdx: "doc_idx" } as const;
export const OUTPUTS = { fieldProbs: "field_probs", docTypeProbs: "doctype_probs" } as const;
/**
 * Name of `cand_idx`'s second dimension: tokens per candidate, at most FEATURE_SPEC.slots. Left
 * open so a batch is sent as wide as its longest row (see ScoringThread.takesAnyWidth).
 */
export const SLOTS_DIM = "slots";
