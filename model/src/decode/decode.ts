import type { DocumentType, ExtractedField, FieldName, ReviewReason } from "@docsift/core";
import { FIELD_NAMES } from "@docsift/core";

const PARTIES: readonly FieldName[] = ["vendorName", "customerName"];
import { FEATURE_SPEC } from "../features/spec.js";
import { applyIsotonic, type FieldCalibration, type IsotonicMap } from "./calibration.js";

/** One scored occurrence of a possible field value. */
export interface ScoredCandidate {
  value: string;
  score: number;
  page: number;
  sourceText: string;
  /** A numeric date whose day/month order the document does not settle. */
  ambiguous?: boolean;
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
  /** Raw score → probability of being right, per field, fitted on held-out data (see `calibration.ts`). */
  calibration?: FieldCalibration;
  /** The same for the document type's top probability. */
  documentTypeCalibration?: IsotonicMap;
  /** A value whose (calibrated) confidence is below this needs review (default 0.9). */
  reviewBelow?: number;
}

export const DEFAULT_DECODER: DecoderOptions = {
  threshold: 0.5,
  consistencyFloor: 0.02,
  consistencyBonus: 1.5,
};

/**
 * Fields a document of each type can carry; documents of type "other" report only the parties. A
 * purchase order has no payment due date (the date after its own is a delivery date).
 */
export const FIELDS_BY_TYPE: Record<DocumentType, readonly FieldName[]> = {
  invoice: FIELD_NAMES,
  receipt: FIELD_NAMES,
  purchase_order: FIELD_NAMES.filter((f) => f !== "dueDate"),
  // A credit note refunds: it has a number, a date, parties, amounts and the account paid back to.
  credit_note: FIELD_NAMES.filter((f) => f !== "dueDate"),
  // Offers, orders, delivery notes, statements and letters ask for no payment of their own: they
  // report who sent them to whom, and nothing a payment run could mistake for an invoice.
  // (core's PAYMENT_FREE_DOCUMENT_TYPES; the decoder test checks every one of them).
  quote: PARTIES,
  delivery_note: PARTIES,
  order_confirmation: PARTIES,
  statement: PARTIES,
  letter: PARTIES,
  other: PARTIES,
};

export interface DecodeInput {
  docTypeProbs: readonly number[];
  candidates: Partial<Record<FieldName, ScoredCandidate[]>>;
  /** Every amount and date the document shows, whatever its scores (see `SeenValues`). */
  seen?: SeenValues;
}

export interface Decoded {
  documentType: DocumentType;
  documentTypeConfidence: number;
  fields: Partial<Record<FieldName, ExtractedField>>;
  /** Some field needs review, or the document type is uncertain. */
  needsReview: boolean;
}

export const DEFAULT_REVIEW_BELOW = 0.9;

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
  const documentType: DocumentType = FEATURE_SPEC.documentTypes[typeIndex] ?? "other";
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
      // One printed amount cannot be two of the three.
      if ((s && t && s.value === t.value) || (t && g && t.value === g.value)) return -10;
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
  resolveSum(chosen, input.seen?.amounts);
  completeSum(chosen, input.seen?.amounts);

  // Dates, chosen together by how an issue date and a due date relate whatever their labels say.
  const [inv, due] = chooseDates(opt, th, input.seen, allowed.has("invoiceDate"));
  if (inv) chosen.invoiceDate = inv;
  if (due) chosen.dueDate = due;
  // Every invoice, receipt and order is dated: when the model named no issue date, the issue date is
  // the only date of the document (no due date found), or the latest date 3–95 days before the due
  // date (order and delivery dates come before the issue date).
  if (!inv && allowed.has("invoiceDate") && input.seen && input.seen.dates.size > 0) {
    const dates = [...input.seen.dates.values()];
    const issue = due
      ? dates
          .filter((d) => isTermGap(daysBetween(d.value, due.value)))
          .reduce<Seen | undefined>((a, d) => (!a || d.value > a.value ? d : a), undefined)
      : dates.length === 1
        ? dates[0]
        : undefined;
    if (issue) chosen.invoiceDate = { ...issue, score: th("invoiceDate") };
  }

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
  // A purchase order has no invoice number: its own number is the order number, whatever the
  // model took the label for.
  if (documentType === "purchase_order" && chosen.invoiceNumber) {
    chosen.purchaseOrderNumber ??= chosen.invoiceNumber;
    delete chosen.invoiceNumber;
  }
  for (const f of ["currency", "iban"] as FieldName[]) {
    const top = opt(f)[0];
    if (top) chosen[f] = top;
  }

  return report(chosen, documentType, input.docTypeProbs[typeIndex] ?? 0, opts);
}

/**
 * The reported fields: confidence is the calibrated probability that the value is right (the raw
 * score when the model has no calibration), and a value is flagged for review when that is below
 * `reviewBelow`, when the amounts it belongs to do not add up, or when it is a date whose day/month
 * order the document does not settle.
 */
function report(
  chosen: Partial<Record<FieldName, ScoredCandidate>>,
  documentType: DocumentType,
  typeProb: number,
  opts: DecoderOptions,
): Decoded {
  const reviewBelow = opts.reviewBelow ?? DEFAULT_REVIEW_BELOW;
  const { subtotal: s, taxAmount: t, totalAmount: g } = chosen;
  const sumsDisagree = !!(s && t && g && cents(s.value) + cents(t.value) !== cents(g.value));
  const fields: Partial<Record<FieldName, ExtractedField>> = {};
  let needsReview = false;
  for (const f of FIELD_NAMES) {
    const c = chosen[f];
    if (!c) continue;
    const map = opts.calibration?.[f];
    const confidence = round(map ? applyIsotonic(map, c.score) : c.score);
    const reasons: ReviewReason[] = [];
    if (confidence < reviewBelow) reasons.push("low-confidence");
    if (sumsDisagree && (f === "subtotal" || f === "taxAmount" || f === "totalAmount"))
      reasons.push("inconsistent");
    if (c.ambiguous) reasons.push("ambiguous-date");
    const field: ExtractedField = { value: c.value, confidence, page: c.page, sourceText: c.sourceText };
    field.needsReview = reasons.length > 0;
    if (reasons.length > 0) {
      field.reviewReasons = reasons;
      needsReview = true;
    }
    fields[f] = field;
  }
  const documentTypeConfidence = round(
    opts.documentTypeCalibration ? applyIsotonic(opts.documentTypeCalibration, typeProb) : typeProb,
  );
  if (documentTypeConfidence < reviewBelow) needsReview = true;
  return { documentType, documentTypeConfidence, fields, needsReview };
}

/** How the decoder weighs the relations between an issue date and a due date (see `chooseDates`). */
const DATE_RELATIONS = {
  /** Lowest score a date may have to be taken because it is the partner of the other date. */
  floor: 0.01,
  /** Added when no printed date lies between the issue date and the due date. */
  adjacentBonus: 0.3,
  /** Subtracted when the due date is fewer than 3 or more than 95 days after the issue date. */
  termPenalty: 0.5,
  /** Subtracted for a due date without an issue date. */
  aloneDuePenalty: 0.5,
};

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
/** Payment terms run from a few days to about three months. */
const isTermGap = (days: number): boolean => days >= 3 && days <= 95;

/**
 * Issue and due date, chosen jointly from each field's best few candidates. The due date is never
 * before the issue date and never the same date unless that date is printed twice (one printed date
 * is one field); a due date 3–95 days after the issue date, with no printed date between the two
 * (order and delivery dates come before the issue date), is preferred; a due date without an issue
 * date is doubted. A date below its field's threshold is taken only as the partner of the other.
 */
function chooseDates(
  opt: (f: FieldName, floor?: number) => ScoredCandidate[],
  th: (f: FieldName) => number,
  seen: SeenValues | undefined,
  issueDated: boolean,
): Choice[] {
  const r = DATE_RELATIONS;
  const between = (a: string, b: string): boolean => {
    if (!seen) return true;
    for (const d of seen.dates.keys()) if (d > a && d < b) return true;
    return false;
  };
  return jointChoice(
    [opt("invoiceDate", r.floor), opt("dueDate", r.floor)],
    [th("invoiceDate"), th("dueDate")],
    ([i, d]) => {
      if (i && d) {
        if (d.value < i.value) return -10;
        if (d.value === i.value) return (seen?.dateCounts.get(d.value) ?? 1) > 1 ? 0 : -10;
        const partners = isTermGap(daysBetween(i.value, d.value));
        const adjacent = partners && !between(i.value, d.value);
        // A date below its threshold is worth taking only as the other's adjacent partner.
        const below = (i.score < th("invoiceDate") ? 1 : 0) + (d.score < th("dueDate") ? 1 : 0);
        if (below === 2 || (below === 1 && !adjacent)) return -10;
        return (partners ? 0 : -r.termPenalty) + (adjacent ? r.adjacentBonus : 0);
      }
      if ((i && i.score < th("invoiceDate")) || (d && d.score < th("dueDate"))) return -10;
      return d && issueDated ? -r.aloneDuePenalty : 0;
    },
  );
}

/**
 * Total found, subtotal and tax chosen but not adding up to it: if the page prints exactly one
 * pair of amounts that does (net + tax = total, the tax ≤ 30 % of the net), they are the subtotal
 * and the tax, whatever the labels said.
 */
function resolveSum(
  chosen: Partial<Record<FieldName, ScoredCandidate>>,
  amounts: SeenValues["amounts"] | undefined,
): void {
  const { subtotal: s, taxAmount: t, totalAmount: g } = chosen;
  if (!amounts || !g || (!s && !t)) return;
  const gc = cents(g.value);
  if (s && t && cents(s.value) + cents(t.value) === gc) return;
  let pair: [number, number] | undefined;
  for (const tc of amounts.keys()) {
    const sc = gc - tc;
    if (tc <= 0 || sc <= 0 || tc > 0.3 * sc || !amounts.has(sc)) continue;
    if (pair) return; // ambiguous
    pair = [sc, tc];
  }
  if (!pair) return;
  const [sc, tc] = pair;
  const score = Math.min(g.score, s?.score ?? 1, t?.score ?? 1);
  const as = (c: number, prev: ScoredCandidate | undefined): ScoredCandidate =>
    prev && cents(prev.value) === c
      ? prev
      : { ...(amounts.get(c) as NonNullable<ReturnType<typeof amounts.get>>), score };
  chosen.subtotal = as(sc, s);
  chosen.taxAmount = as(tc, t);
}

/**
 * Two of subtotal, tax and total found and the third missing: if the amount that makes the sum hold
 * is printed on the document (and the tax is the small part, ≤ 30 % of the net), report it, with
 * the lower confidence of the two it was derived from.
 */
function completeSum(
  chosen: Partial<Record<FieldName, ScoredCandidate>>,
  amounts: SeenValues["amounts"] | undefined,
): void {
  if (!amounts) return;
  const { subtotal: s, taxAmount: t, totalAmount: g } = chosen;
  const found = (c: number, a: ScoredCandidate, b: ScoredCandidate): ScoredCandidate | undefined => {
    const hit = amounts.get(c);
    return hit ? { ...hit, score: Math.min(a.score, b.score) } : undefined;
  };
  if (!s && t && g) {
    const net = cents(g.value) - cents(t.value);
    if (net > 0 && cents(t.value) <= 0.3 * net) chosen.subtotal = found(net, t, g);
  } else if (s && !t && g) {
    const tax = cents(g.value) - cents(s.value);
    if (tax > 0 && tax <= 0.3 * cents(s.value)) chosen.taxAmount = found(tax, s, g);
  } else if (s && t && !g) {
    if (cents(t.value) > 0 && cents(t.value) <= 0.3 * cents(s.value))
      chosen.totalAmount = found(cents(s.value) + cents(t.value), s, t);
  }
  for (const f of ["subtotal", "taxAmount", "totalAmount"] as const) if (!chosen[f]) delete chosen[f];
}

interface Seen {
  value: string;
  page: number;
  sourceText: string;
}

const MAX_SEEN = 50_000;

/**
 * The first occurrence of every amount (by cents) and date (ISO) of a document, whatever the
 * model thought of it; bounded. Lets the decoder complete subtotal + tax = total when two of the
 * three are found and the third is printed, and name the issue date when only one date is left.
 */
export class SeenValues {
  readonly amounts = new Map<number, Seen>();
  readonly dates = new Map<string, Seen>();
  /** How often each remembered date is printed. */
  readonly dateCounts = new Map<string, number>();

  remember(c: { kind: string; numeric: number; value: string; text: string; line: { page: number } }): void {
    if (c.kind === "amount") {
      const key = Math.round(Math.abs(c.numeric) * 100);
      if (this.amounts.size < MAX_SEEN && !this.amounts.has(key))
        this.amounts.set(key, { value: c.value, page: c.line.page, sourceText: c.text });
    } else if (c.kind === "date") {
      const count = this.dateCounts.get(c.value);
      if (count !== undefined) this.dateCounts.set(c.value, count + 1);
      else if (this.dates.size < MAX_SEEN) {
        this.dates.set(c.value, { value: c.value, page: c.line.page, sourceText: c.text });
        this.dateCounts.set(c.value, 1);
      }
    }
  }
}

const round = (p: number): number => Math.min(1, Math.max(0, Math.round(p * 10000) / 10000));
