// Grammar families: each one a set of constraints on the grammar's choices. The choices of one
// family do not overlap those of the others where it matters for layout (party arrangement, meta
// style, header), so a model trained without one family meets it as an unseen layout.
import type { DocumentType } from "@docsift/core";

export const GRAMMAR_FAMILIES = ["letterhead", "modern", "compact", "receipt"] as const;
export type GrammarFamily = (typeof GRAMMAR_FAMILIES)[number];

export type MetaStyle = "left-label" | "above" | "header-row" | "right-kv";
export type PartyArrangement = "window" | "two-columns" | "stacked" | "side-by-side";
export type PaymentStyle = "sentence" | "labelled" | "footer-columns";
export type HeaderStyle = "brand-right" | "brand-center" | "brand-big-left" | "small-left" | "none";

export interface FamilyRules {
  id: GrammarFamily;
  /** Document types and their weights. */
  docTypes: Array<[DocumentType, number]>;
  baseSize: [number, number];
  titleSize: [number, number];
  brandSize: [number, number];
  headers: HeaderStyle[];
  parties: PartyArrangement[];
  meta: MetaStyle[];
  payment: PaymentStyle[];
  /** Column sets of the line-item table (keys of the table builder). */
  columns: Array<Array<"desc" | "qty" | "unit" | "unitPrice" | "taxRate" | "amount" | "pos">>;
  /** Title placement. */
  title: Array<"left" | "right" | "center">;
  /** Line spacing as a multiple of the base size. */
  spacing: [number, number];
  labelUpper: number;
}

const A4_TYPES: Array<[DocumentType, number]> = [
  ["invoice", 40],
  ["credit_note", 8],
  ["quote", 8],
  ["delivery_note", 7],
  ["order_confirmation", 7],
  ["purchase_order", 10],
  ["statement", 5],
  ["letter", 5],
  ["receipt", 5],
  ["other", 5],
];

export const FAMILY_RULES: Record<GrammarFamily, FamilyRules> = {
  letterhead: {
    id: "letterhead",
    docTypes: A4_TYPES,
    baseSize: [9, 10],
    titleSize: [12, 16],
    brandSize: [14, 22],
    headers: ["brand-right", "brand-center"],
    parties: ["window"],
    meta: ["left-label", "right-kv"],
    payment: ["sentence", "footer-columns"],
    columns: [
      ["pos", "desc", "qty", "unitPrice", "amount"],
      ["pos", "qty", "unit", "desc", "unitPrice", "amount"],
      ["desc", "qty", "unitPrice", "amount"],
    ],
    title: ["left"],
    spacing: [1.6, 1.9],
    labelUpper: 0,
  },
  modern: {
    id: "modern",
    docTypes: A4_TYPES,
    baseSize: [9, 11],
    titleSize: [18, 28],
    brandSize: [20, 28],
    headers: ["brand-big-left"],
    parties: ["two-columns", "stacked"],
    meta: ["above", "header-row"],
    payment: ["labelled", "sentence"],
    columns: [
      ["desc", "qty", "unitPrice", "amount"],
      ["desc", "unitPrice", "qty", "amount"],
      ["desc", "qty", "amount"],
    ],
    title: ["right", "left"],
    spacing: [1.5, 1.8],
    labelUpper: 0.5,
  },
  compact: {
    id: "compact",
    docTypes: A4_TYPES,
    baseSize: [7, 8],
    titleSize: [11, 15],
    brandSize: [10, 13],
    headers: ["small-left", "none"],
    parties: ["side-by-side"],
    meta: ["right-kv", "left-label"],
    payment: ["labelled", "footer-columns"],
    columns: [
      ["pos", "desc", "qty", "unit", "unitPrice", "taxRate", "amount"],
      ["desc", "taxRate", "qty", "unitPrice", "amount"],
      ["pos", "desc", "unit", "qty", "unitPrice", "amount"],
    ],
    title: ["right", "center"],
    spacing: [1.3, 1.5],
    labelUpper: 0.3,
  },
  receipt: {
    id: "receipt",
    docTypes: [
      ["receipt", 88],
      ["quote", 6],
      ["delivery_note", 6],
    ],
    baseSize: [8, 9],
    titleSize: [9, 11],
    brandSize: [12, 16],
    headers: ["none"],
    parties: ["stacked"],
    meta: ["left-label"],
    payment: ["labelled"],
    columns: [["desc", "qty", "amount"]],
    title: ["center"],
    spacing: [1.25, 1.4],
    labelUpper: 0.7,
  },
};
