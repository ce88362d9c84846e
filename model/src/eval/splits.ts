/** Seed of the real-OCR split; apart from the training seed and the generated splits' seeds. */
export const OCR_SPLIT_SEED = 555_000;
