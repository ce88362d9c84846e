import { DOCUMENT_TYPES, FIELD_NAMES } from "@docsift/core";

/** Fixed feature layout; recorded in the manifest so a runtime refuses a model built for another. */
export const FEATURE_SPEC = {
  version: 6,
  hashBuckets: 1 << 14,
  slots: 96,
  dense: [
    "x",
    "y",
    "lineWidth",
    "firstPage",
    "pageNumberScaled",
    "relativeLineIndex",
    "relativeLineHeight",
    "logAmount",
    "amountRankDesc",
    "isLargestAmount",
    "dateRankAsc",
    "distinctDatesScaled",
    "coversWholeLine",
    "lineLetterFraction",
    "sameValueCountScaled",
    "isTallestLine",
    "isLatestDate",
    "isEarliestDate",
    "hasDate 3-95 days later",
    "hasDate 3-95 days earlier",
    "isSumOfTwoAmounts",
    "isLargerAddendOfSum",
    "isSmallAddendOfSum",
    "currencyNextToAmount",
    "idAfterNumberMarker",
    // v5: layout that transfers between documents laid out by other people. The font features are
    // taken from PDF text layers only (fontSize/bold of text-layer lines); elsewhere fontKnown is 0,
    // fontSizeRelMedian 1/3 (the median) and the rest 0.
    "fontKnown",
    "fontSizeRelMedian",
    "isLargestFont",
    "fontTop3OnFirstPage",
    "bold",
    "xCentre",
    "inFirstBlockTop15",
  ],
  docHashBuckets: 1 << 12,
  docSlots: 160,
  classes: ["none", ...FIELD_NAMES],
  documentTypes: [...DOCUMENT_TYPES],
  hash: "fnv1a32 mod (buckets-1) + 1; bucket 0 is padding",
} as const;

export type FeatureSpec = typeof FEATURE_SPEC;
export const DENSE_SIZE = FEATURE_SPEC.dense.length;
