import type { DocumentType, ExtractedField, FieldName } from "@docsift/core";
import { DOCUMENT_TYPES, FIELD_NAMES } from "@docsift/core";

/** One scored occurrence of a possible field value. */
export interface ScoredCandidate {
  value: string;
  score: number;
  page: number;
  sourceText: string;
}

export interface DecoderOptions {
  /** Minimum probability to report a field on its own (below it the field is absent). */
  threshold: number;
  /** Minimum probability a value needs to be taken because it makes the totals add up. */
  consistencyFloor: number;
  /** Utility added when subtotal + tax = total holds (and subtracted when all three disagree). */
  consistencyBonus: number;
  /** Per-field thresholds calibrated on a validation split; `threshold` applies to fields without one. */
  fieldThresholds?: Partial<Record<FieldName, number>>;
}

export const DEFAULT_DECODER: DecoderOptions = {
  threshold: 0.5,
  consistencyFloor: 0.02,
  consistencyBonus: 0.6,
};

/** Fields a document of each type can carry; documents of type "other" report only the parties. */
export const FIELDS_BY_TYPE: Record<DocumentType, readonly FieldName[]> = {
  invoice: FIELD_NAMES,
  receipt: FIELD_NAMES,
  purchase_order: FIELD_NAMES,
  other: ["vendorName", "customerName"],
};

export interface DecodeInput {
  docTypeProbs: readonly number[];
  candidates: Partial<Record<FieldName, ScoredCandidate[]>>;
}

export interface Decoded {
  documentType: DocumentType;
  documentTypeConfidence: number;
  fields: Partial<Record<FieldName, ExtractedField>>;
}

/** Same value seen several times: keep its best occurrence. Sorted by score, best first. */
function distinct(cands: ScoredCandidate[] | undefined, floor: number): ScoredCandidate[] {
  const best = new Map<string, ScoredCandidate>();
  for (const c of cands ?? []) {
    if (c.score < floor) continue;
    const key = c.value.toLowerCase();
    const prev = best.get(key);
    if (!prev || c.score > prev.score) best.set(key, c);
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

const cents = (v: string): number => Math.round(Number(v) * 100);

type Choice = ScoredCandidate | undefined;

/** Best joint choice over a few fields: each takes one of its top options or stays absent. */
function jointChoice(
  options: ScoredCandidate[][],
  thresholds: number[],
  extra: (picked: Choice[]) => number,
): Choice[] {
  let best: Choice[] = options.map(() => undefined);
  let bestUtility = -Infinity;
  const current: Choice[] = [];
  const walk = (i: number): void => {
    if (i === options.length) {
      let u = 0;
      current.forEach((c, k) => (u += c ? c.score : (thresholds[k] as number)));
      u += extra(current);
      if (u > bestUtility + 1e-12) {
        bestUtility = u;
        best = [...current];
      }
      return;
    }
    for (const c of [undefined, ...(options[i] as ScoredCandidate[]).slice(0, 3)]) {
      current[i] = c;
      walk(i + 1);
    }
  };
  walk(0);
  return best;
}

/**
 * Picks at most one value per field. A field is reported only if its probability clears the
 * threshold, or a lower one (≥ consistencyFloor) that makes subtotal + tax = total hold. Checks:
 * due date not before the invoice date, vendor ≠ customer, invoice number ≠ order number.
 */
export function decode(input: DecodeInput, opts: DecoderOptions = DEFAULT_DECODER): Decoded {
  let typeIndex = 0;
  input.docTypeProbs.forEach((p, i) => {
    if (p > (input.docTypeProbs[typeIndex] ?? -1)) typeIndex = i;
  });
  const documentType = DOCUMENT_TYPES[typeIndex] ?? "other";
  const allowed = new Set(FIELDS_BY_TYPE[documentType]);
  const th = (f: FieldName): number => opts.fieldThresholds?.[f] ?? opts.threshold;
  const opt = (f: FieldName, floor = th(f)): ScoredCandidate[] =>
    allowed.has(f) ? distinct(input.candidates[f], floor) : [];
  const chosen: Partial<Record<FieldName, ScoredCandidate>> = {};

  // Amounts: subtotal + tax = total.
  const [sub, tax, total] = jointChoice(
    [
      opt("subtotal", opts.consistencyFloor),
      opt("taxAmount", opts.consistencyFloor),
      opt("totalAmount", opts.consistencyFloor),
    ],
    [th("subtotal"), th("taxAmount"), th("totalAmount")],
    ([s, t, g]) => {
      const below = [
        s && s.score < th("subtotal"),
        t && t.score < th("taxAmount"),
        g && g.score < th("totalAmount"),
      ].filter(Boolean).length;
      if (s && t && g) {
        return cents(s.value) + cents(t.value) === cents(g.value)
          ? opts.consistencyBonus
          : -opts.consistencyBonus;
      }
      // A value below the threshold is only worth taking when it completes the sum.
      return below > 0 ? -10 : 0;
    },
  );
  if (sub) chosen.subtotal = sub;
  if (tax) chosen.taxAmount = tax;
  if (total) chosen.totalAmount = total;

  // Dates: the due date is never before the invoice date.
  const [inv, due] = jointChoice(
    [opt("invoiceDate"), opt("dueDate")],
    [th("invoiceDate"), th("dueDate")],
    ([i, d]) => (i && d && d.value < i.value ? -10 : 0),
  );
  if (inv) chosen.invoiceDate = inv;
  if (due) chosen.dueDate = due;

  // Pairs that must differ: the same span cannot be both parties or both numbers.
  for (const [a, b] of [
    ["vendorName", "customerName"],
    ["invoiceNumber", "purchaseOrderNumber"],
  ] as Array<[FieldName, FieldName]>) {
    const [x, y] = jointChoice([opt(a), opt(b)], [th(a), th(b)], ([p, q]) =>
      p && q && p.value.toLowerCase() === q.value.toLowerCase() ? -10 : 0,
    );
    if (x) chosen[a] = x;
    if (y) chosen[b] = y;
  }
  for (const f of ["currency", "iban"] as FieldName[]) {
    const top = opt(f)[0];
    if (top) chosen[f] = top;
  }

  const fields: Partial<Record<FieldName, ExtractedField>> = {};
  for (const f of FIELD_NAMES) {
    const c = chosen[f];
    if (c) fields[f] = { value: c.value, confidence: round(c.score), page: c.page, sourceText: c.sourceText };
  }
  return { documentType, documentTypeConfidence: round(input.docTypeProbs[typeIndex] ?? 0), fields };
}

const round = (p: number): number => Math.min(1, Math.max(0, Math.round(p * 10000) / 10000));
