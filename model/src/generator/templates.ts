import type { Split } from "./types.js";

/** A page arrangement. Held-out templates recombine block styles and add two styles training never sees. */
export interface Template {
  id: string;
  split: Split;
  vendor: "left" | "right" | "center";
  title: "left" | "right" | "center";
  /** How label/value pairs of the document header are laid out. */
  meta: "inline" | "cells" | "above" | "row-above";
  metaSide: "left" | "right";
  customer: "labelled" | "window" | "right";
  totals: "cells" | "inline" | "above";
  bank: "footer" | "notes" | "footer-line";
}

export const TEMPLATES: readonly Template[] = [
  {
    id: "t1-classic",
    split: "train",
    vendor: "left",
    title: "right",
    meta: "cells",
    metaSide: "right",
    customer: "labelled",
    totals: "cells",
    bank: "footer",
  },
  {
    id: "t2-centered",
    split: "train",
    vendor: "center",
    title: "center",
    meta: "inline",
    metaSide: "left",
    customer: "right",
    totals: "inline",
    bank: "notes",
  },
  {
    id: "t3-stacked",
    split: "train",
    vendor: "right",
    title: "left",
    meta: "above",
    metaSide: "right",
    customer: "window",
    totals: "cells",
    bank: "footer-line",
  },
  {
    id: "t4-two-column",
    split: "train",
    vendor: "left",
    title: "left",
    meta: "inline",
    metaSide: "right",
    customer: "labelled",
    totals: "cells",
    bank: "footer",
  },
  {
    id: "t5-compact",
    split: "train",
    vendor: "left",
    title: "center",
    meta: "cells",
    metaSide: "left",
    customer: "right",
    totals: "inline",
    bank: "footer-line",
  },
  {
    id: "t6-window",
    split: "train",
    vendor: "right",
    title: "right",
    meta: "inline",
    metaSide: "right",
    customer: "window",
    totals: "cells",
    bank: "notes",
  },
  {
    id: "t7-left-stacked",
    split: "train",
    vendor: "center",
    title: "right",
    meta: "above",
    metaSide: "left",
    customer: "labelled",
    totals: "inline",
    bank: "footer-line",
  },
  {
    id: "t8-right-cells",
    split: "train",
    vendor: "right",
    title: "left",
    meta: "cells",
    metaSide: "right",
    customer: "right",
    totals: "cells",
    bank: "notes",
  },
  // Held out: label row above a value row (a header table), totals with labels above values.
  {
    id: "h1-header-table",
    split: "heldout",
    vendor: "center",
    title: "left",
    meta: "row-above",
    metaSide: "left",
    customer: "labelled",
    totals: "above",
    bank: "footer",
  },
  {
    id: "h2-mirrored",
    split: "heldout",
    vendor: "right",
    title: "center",
    meta: "above",
    metaSide: "left",
    customer: "right",
    totals: "above",
    bank: "notes",
  },
  {
    id: "h3-sidebar",
    split: "heldout",
    vendor: "left",
    title: "right",
    meta: "row-above",
    metaSide: "right",
    customer: "window",
    totals: "inline",
    bank: "footer-line",
  },
];

export const templatesFor = (split: Split): Template[] => TEMPLATES.filter((t) => t.split === split);

/**
 * Training only: a page arrangement recombined from the block styles the training templates use
 * (each attribute drawn from the values training templates have), so training sees more layouts
 * than eight. Never a held-out block style: "row-above" meta and totals "above" stay unseen.
 */
export function recombinedTrainingTemplate(pick: <T>(items: readonly T[]) => T): Template {
  const train = templatesFor("train");
  const values = <K extends keyof Template>(k: K): Array<Template[K]> => [...new Set(train.map((t) => t[k]))];
  return {
    id: "train-recombined",
    split: "train",
    vendor: pick(values("vendor")),
    title: pick(values("title")),
    meta: pick(values("meta")),
    metaSide: pick(values("metaSide")),
    customer: pick(values("customer")),
    totals: pick(values("totals")),
    bank: pick(values("bank")),
  };
}
