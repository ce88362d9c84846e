import type { ExtractedPage, TextLine } from "@docsift/core";
import {
  CANDIDATE_KINDS,
  lineCandidates,
  type Candidate,
  type CandidateKind,
} from "../candidates/extract.js";
import type { DateOrder } from "../candidates/normalise.js";
import { bucketer, bucketOf, fnv, FNV_OFFSET, shape, wordSpans, words } from "./hash.js";
import { DENSE_SIZE, FEATURE_SPEC } from "./spec.js";
import { NUMBER_MARKERS } from "./lexicon.js";
import { countLetters } from "../candidates/letters.js";

export interface PageFeatures {
  candidates: Candidate[];
  /** candidates.length × slots hashed token ids (0 = padding). */
  idx: Int32Array;
  /** Token ids each row holds (the rest of its slots are padding). */
  widths: Uint8Array;
  /** candidates.length × DENSE_SIZE. */
  dense: Float32Array;
}

/** What every candidate of a line shares, computed once per line rather than once per candidate. */
interface LineInfo {
  line: TextLine;
  words: string[];
  starts: number[];
  ends: number[];
  letterFraction: number;
  hasColon: boolean;
  trimmedLength: number;
  /** The line is one value (a date, amount, number, IBAN) and nothing else: never another value's label. */
  isValue: boolean;
  /** Kind of that value, when `isValue`. */
  valueKind: CandidateKind | undefined;
  /** Buckets this line contributes as another line's row-left, above and second-above neighbour; lazily built. */
  asRowLeft: Int32Array | undefined;
  asAbove: Int32Array | undefined;
  asAbove2: Int32Array | undefined;
  rowLeft: LineInfo | undefined;
  above: LineInfo | undefined;
  above2: LineInfo | undefined;
}

function lineInfo(line: TextLine): LineInfo {
  const { words: ws, starts, ends } = wordSpans(line.text);
  const letters = countLetters(line.text);
  return {
    line,
    words: ws,
    starts,
    ends,
    letterFraction: letters / Math.max(1, line.text.length),
    hasColon: line.text.includes(":"),
    trimmedLength: line.text.trim().length,
    isValue: false,
    valueKind: undefined,
    asRowLeft: undefined,
    asAbove: undefined,
    asAbove2: undefined,
    rowLeft: undefined,
    above: undefined,
    above2: undefined,
  };
}

/** Links each line to the line left of it on its row and the line above it, scanning lines sorted by y. */
function linkNeighbours(infos: LineInfo[]): void {
  const byY = [...infos].sort((a, b) => a.line.y - b.line.y);
  const aboveOf = new Map<LineInfo, LineInfo | undefined>();
  for (let i = 0; i < byY.length; i++) {
    const me = byY[i] as LineInfo;
    const l = me.line;
    const tol = Math.max(l.height, 0.006) * 0.6;
    let rowLeft: LineInfo | undefined;
    let above: LineInfo | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const o = (byY[j] as LineInfo).line;
      if (o.y < l.y - 0.08) break;
      if (l.y - o.y <= tol && o.x < l.x && (!rowLeft || o.x > rowLeft.line.x)) rowLeft = byY[j];
      if (o.y >= l.y - 0.003) continue;
      const overlap = Math.min(o.x + o.width, l.x + l.width) - Math.max(o.x, l.x);
      if (overlap < -0.01) continue;
      if (
        !above ||
        o.y > above.line.y ||
        (o.y === above.line.y && Math.abs(o.x - l.x) < Math.abs(above.line.x - l.x))
      )
        above = byY[j];
    }
    for (let j = i + 1; j < byY.length; j++) {
      const o = (byY[j] as LineInfo).line;
      if (o.y - l.y > tol) break;
      if (o.x < l.x && (!rowLeft || o.x > rowLeft.line.x)) rowLeft = byY[j];
    }
    me.rowLeft = rowLeft;
    aboveOf.set(me, above);
  }
  for (const me of infos) {
    me.above = aboveOf.get(me);
    me.above2 = me.above ? aboveOf.get(me.above) : undefined;
  }
}

// Token prefixes as FNV states, so a token is hashed as prefix state + word without building a string.
const P = (s: string): number => fnv(FNV_OFFSET, s);
const perKind = (f: (k: CandidateKind) => string): Record<CandidateKind, number> =>
  Object.fromEntries(CANDIDATE_KINDS.map((k) => [k, P(f(k))])) as Record<CandidateKind, number>;
const T = {
  hd: P("hd:"),
  l: [P("l1:"), P("l2:"), P("l3:")],
  l12: P("l12:"),
  lb: P("lb:"),
  r: [P("r1:"), P("r2:")],
  rl: P("rl:"),
  a: P("a:"),
  a2: P("a2:"),
  w: P("w:"),
  wl: P("wl:"),
  kind: perKind((k) => `k:${k}`),
  sh: perKind((k) => `sh:${k}:`),
  kl1: perKind((k) => `kl1:${k}:`),
  lstart: perKind((k) => `lstart:${k}`),
  krl: perKind((k) => `krl:${k}:`),
  ka: perKind((k) => `ka:${k}:`),
  aligned: perKind((k) => `aligned:${k}`),
  noabove: perKind((k) => `noabove:${k}`),
  pg: perKind((k) => `pg:${k}:`),
  yb: perKind((k) => `yb:${k}:`),
  xb: perKind((k) => `xb:${k}:`),
  xy: perKind((k) => `xy:${k}:`),
  colon: perKind((k) => `colon:${k}`),
  lab: perKind((k) => `lab:${k}:`),
  g: perKind((k) => `g:${k}:`),
  lp: perKind((k) => `lp:${k}:`),
  ls: perKind((k) => `ls:${k}:`),
  ip: P("ip:"),
  il: P("il:"),
  idm: perKind((k) => `idm:${k}`),
  pv: Object.fromEntries(
    CANDIDATE_KINDS.map((k) => [
      k,
      Object.fromEntries([...CANDIDATE_KINDS, "none"].map((p) => [p, P(`pv:${k}:${p}`)])),
    ]),
  ) as Record<CandidateKind, Record<CandidateKind | "none", number>>,
};
const DIGIT_STRINGS = Array.from({ length: 20 }, (_, i) => String(i));
const DATE_ORDER = Array.from({ length: 16 }, (_, i) => P(`dord:${i >> 2}:${i & 3}`));
const WORD_COUNT = Array.from({ length: 7 }, (_, i) => P(`wc:${i}`));

const SLOTS = FEATURE_SPEC.slots;
const candidateBucket = bucketer(FEATURE_SPEC.hashBuckets);

/** Writes hashed token ids into one row of the index matrix, dropping what exceeds the slots. */
class Row {
  n = 0;
  base = 0;
  constructor(private readonly idx: Int32Array) {}
  /** Moves to the row starting at `base`, so one writer serves a whole page. */
  at(base: number): this {
    this.base = base;
    this.n = 0;
    return this;
  }
  put(h: number): void {
    if (this.n < SLOTS) this.idx[this.base + this.n++] = candidateBucket(h);
  }
  putBuckets(buckets: Int32Array): void {
    for (let i = 0; i < buckets.length && this.n < SLOTS; i++)
      this.idx[this.base + this.n++] = buckets[i] as number;
  }
}

const LETTER_PREFIX = /^\p{L}+/u;

/** Buckets of `prefix` + each of `words[from, to)`: what a neighbour line adds to every candidate it neighbours. */
function wordBuckets(prefix: number, words: readonly string[], from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = from; i < to; i++)
    out[i - from] = bucketOf(fnv(prefix, words[i] as string), FEATURE_SPEC.hashBuckets);
  return out;
}

/** FNV state after `text[from, to)`, equal to `fnv(h, text.slice(from, to))` without the slice. */
function fnvRange(h: number, text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** Character code `p` of `<${w}>`. */
function paddedChar(w: string, p: number): number {
  return p === 0 ? 60 : p === w.length + 1 ? 62 : w.charCodeAt(p - 1);
}

/** The words left of the candidate on its line (up to `n`, nearest first). */
function leftWords(info: LineInfo, start: number): number {
  // Index one past the last word that ends at or before `start`.
  let i = 0;
  while (i < info.ends.length && (info.ends[i] as number) <= start) i++;
  return i;
}

function writeTokens(
  row: Row,
  c: Candidate,
  info: LineInfo,
  pageNumber: number,
  headerBuckets: Int32Array,
): boolean {
  const k = c.kind;
  row.put(T.kind[k]);
  row.put(fnv(T.sh[k], shape(c.text)));
  // Words of the first page's heading say what kind of document this is (on a purchase order the
  // issuer is the customer), which decides what a name or a number is.
  row.putBuckets(headerBuckets);
  const lw = info.words;
  const nLeft = leftWords(info, c.start);
  for (let i = 0; i < 3 && nLeft - 1 - i >= 0; i++)
    row.put(fnv(T.l[i] as number, lw[nLeft - 1 - i] as string));
  if (nLeft >= 1) row.put(fnv(T.kl1[k], lw[nLeft - 1] as string));
  if (nLeft >= 2) row.put(fnv(fnv(fnv(T.l12, lw[nLeft - 2] as string), "_"), lw[nLeft - 1] as string));
  for (let i = Math.max(0, nLeft - 6); i < nLeft; i++) row.put(fnv(T.lb, lw[i] as string));
  if (nLeft === 0) row.put(T.lstart[k]);
  let right = 0;
  for (let i = nLeft; i < lw.length && right < 2; i++) {
    if ((info.starts[i] as number) < c.end) continue;
    row.put(fnv(T.r[right] as number, lw[i] as string));
    right++;
  }
  const rl = info.rowLeft;
  if (rl) {
    row.putBuckets(
      (rl.asRowLeft ??= wordBuckets(T.rl, rl.words, Math.max(0, rl.words.length - 4), rl.words.length)),
    );
    const last = rl.words[rl.words.length - 1];
    if (last) row.put(fnv(T.krl[k], last));
  }
  const ab = info.above;
  if (ab) {
    row.putBuckets((ab.asAbove ??= wordBuckets(T.a, ab.words, 0, Math.min(6, ab.words.length))));
    for (let i = 0; i < Math.min(4, ab.words.length); i++) row.put(fnv(T.ka[k], ab.words[i] as string));
    if (Math.abs(ab.line.x - c.line.x) < 0.02) row.put(T.aligned[k]);
  } else row.put(T.noabove[k]);
  const ab2 = info.above2;
  if (ab2) row.putBuckets((ab2.asAbove2 ??= wordBuckets(T.a2, ab2.words, 0, Math.min(4, ab2.words.length))));
  if (k === "text") {
    const own = words(c.text);
    for (let i = 0; i < Math.min(6, own.length); i++) row.put(fnv(T.w, own[i] as string));
    const last = own[own.length - 1];
    if (last) row.put(fnv(T.wl, last));
    row.put(WORD_COUNT[Math.min(own.length, 6)] as number);
  }
  if (k === "id") {
    const prefix = LETTER_PREFIX.exec(c.text)?.[0];
    row.put(fnv(T.ip, prefix ? prefix.toLowerCase() : "-"));
    row.put(fnv(T.il, DIGIT_STRINGS[Math.min(c.text.length, 14)] as string));
  }
  row.put(fnv(T.pg[k], DIGIT_STRINGS[Math.min(pageNumber, 3)] as string));
  row.put(fnv(T.yb[k], DIGIT_STRINGS[Math.floor(c.line.y * 10)] ?? "10"));
  row.put(fnv(T.xb[k], DIGIT_STRINGS[Math.floor(c.line.x * 4)] ?? "4"));
  row.put(
    fnv(
      fnv(fnv(T.xy[k], DIGIT_STRINGS[Math.floor(c.line.x * 3)] ?? "3"), ":"),
      DIGIT_STRINGS[Math.floor(c.line.y * 5)] ?? "5",
    ),
  );
  if (info.hasColon) row.put(T.colon[k]);
  // The label, wherever it sits: left on the same line, in a cell to the left, or on the line above.
  // Direction-free tokens let a layout never seen in training (labels above totals) reuse what was
  // learnt from labels on the left; character trigrams and word prefixes/suffixes let unseen
  // phrasings ("Fälligkeitsdatum") share evidence with seen ones ("Fällig am").
  // The label is words[from, to) of one line, read in place rather than sliced out.
  let labelWords: readonly string[] = lw;
  let from = 0;
  let to = 0;
  if (nLeft > 0) {
    from = Math.max(0, nLeft - 3);
    to = nLeft;
  } else if (rl && !(rl.isValue && ab)) {
    // A value to the left (the next cell of a header table) is not this value's label: the line
    // above is.
    labelWords = rl.words;
    from = Math.max(0, rl.words.length - 3);
    to = rl.words.length;
  } else if (ab) {
    labelWords = ab.words;
    to = Math.min(3, ab.words.length);
  }
  let marker = false;
  for (let j = from; j < to; j++) {
    const w = labelWords[j] as string;
    row.put(fnv(T.lab[k], w));
    if (NUMBER_MARKERS.has(w)) marker = true;
  }
  let grams = 0;
  for (let j = Math.max(from, to - 2); j < to; j++) {
    // Trigrams of "<word>", read in place rather than building the padded string.
    const w = labelWords[j] as string;
    const len = w.length + 2;
    for (let i = 0; i + 3 <= len && grams < 20; i++, grams++) {
      let h = T.g[k];
      h = Math.imul(h ^ paddedChar(w, i), 0x01000193);
      h = Math.imul(h ^ paddedChar(w, i + 1), 0x01000193);
      h = Math.imul(h ^ paddedChar(w, i + 2), 0x01000193);
      row.put(h);
    }
  }
  for (let j = from; j < to; j++) {
    const w = labelWords[j] as string;
    if (w.length < 5) continue;
    row.put(fnvRange(T.lp[k], w, 0, 4));
    row.put(fnvRange(T.ls[k], w, w.length - 4, w.length));
  }
  if (marker) row.put(T.idm[k]);
  // The value before this one in a block of values (left in a header table, above in a stack):
  // the order of a document's header (number, date, due date) holds whatever the labels say.
  const prev = rl?.isValue ? rl : ab?.isValue ? ab : ab2?.isValue ? ab2 : undefined;
  if (k !== "text") row.put(T.pv[k][prev?.valueKind ?? "none"]);
  return marker;
}

/** Short title-like lines near the top of the first page, as words: the document's heading. */
export function headerWords(firstPage: ExtractedPage): string[] {
  const out = new Set<string>();
  for (const l of firstPage.lines.slice(0, 12)) {
    const ws = words(l.text);
    const letters = countLetters(l.text);
    if (ws.length === 0 || ws.length > 3 || letters / Math.max(1, l.text.length) < 0.7) continue;
    for (const w of ws) if (out.size < 8) out.add(w);
  }
  return [...out];
}

const CURRENCY_NEAR = /[€$£¥]|\b(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN)\b/u;

/**
 * Facts about an amount that hold whatever the wording: whether it is the sum of two other amounts
 * on the page, or an addend of such a sum (the tax is the small one).
 */
function amountRelations(cents: readonly number[]): Map<number, number> {
  const SUM = 1;
  const LARGE = 2;
  const SMALL = 4;
  const flags = new Map<number, number>();
  const sorted = [...new Set(cents)].sort((a, b) => a - b);
  for (let i = 2; i < sorted.length; i++) {
    const a = sorted[i] as number;
    // Pairs b < rest of distinct amounts below a with b + rest = a, found from both ends of the
    // sorted list (a set lookup per pair cost a twentieth of featurization on a page of amounts).
    let lo = 0;
    let hi = i - 1;
    while (lo < hi) {
      const b = sorted[lo] as number;
      const rest = sorted[hi] as number;
      const sum = b + rest;
      if (sum < a) lo++;
      else if (sum > a) hi--;
      else {
        // a = rest + b with rest > b > 0: rest is the larger addend (net), b the smaller (tax).
        if (b > 0) {
          flags.set(a, (flags.get(a) ?? 0) | SUM);
          flags.set(rest, (flags.get(rest) ?? 0) | LARGE);
          if (b / rest <= 0.3) flags.set(b, (flags.get(b) ?? 0) | SMALL);
        }
        lo++;
        hi--;
      }
    }
  }
  return flags;
}

/**
 * Memory one document's pages are featurized into, page after page: a page's arrays were half
 * of what featurization allocated. What featurizePage returns with them is overwritten by the
 * next page given the same buffers.
 */
export class FeatureBuffers {
  #idx = new Int32Array(0);
  #widths = new Uint8Array(0);
  #dense = new Float32Array(0);

  /** Zeroed views for `n` rows. */
  rows(n: number): Pick<PageFeatures, "idx" | "widths" | "dense"> {
    if (this.#widths.length < n) {
      const size = Math.max(n, 2 * this.#widths.length);
      this.#idx = new Int32Array(size * FEATURE_SPEC.slots);
      this.#widths = new Uint8Array(size);
      this.#dense = new Float32Array(size * DENSE_SIZE);
    }
    const idx = this.#idx.subarray(0, n * FEATURE_SPEC.slots);
    const dense = this.#dense.subarray(0, n * DENSE_SIZE);
    idx.fill(0);
    dense.fill(0);
    return { idx, widths: this.#widths.subarray(0, n), dense };
  }
}

export function featurizePage(
  page: ExtractedPage,
  order: DateOrder,
  header: readonly string[] = [],
  buffers?: FeatureBuffers,
): PageFeatures {
  const lines = page.lines;
  const infos = lines.map(lineInfo);
  linkNeighbours(infos);
  const candidates: Candidate[] = [];
  const owner: LineInfo[] = [];
  for (const info of infos) {
    for (const c of lineCandidates(info.line, order)) {
      candidates.push(c);
      owner.push(info);
      if (c.kind !== "text" && c.end - c.start >= info.trimmedLength - 1 && !info.isValue) {
        info.isValue = true;
        info.valueKind = c.kind;
      }
    }
  }
  const n = candidates.length;
  const { slots } = FEATURE_SPEC;
  const { idx, widths, dense } = buffers
    ? buffers.rows(n)
    : { idx: new Int32Array(n * slots), widths: new Uint8Array(n), dense: new Float32Array(n * DENSE_SIZE) };

  const heights = lines.map((l) => l.height).sort((a, b) => a - b);
  const medianHeight = heights[Math.floor(heights.length / 2)] ?? 0.01;
  const maxHeight = heights[heights.length - 1] ?? 0.01;
  const amountCents: number[] = [];
  const dateDays: number[] = [];
  // How often each value occurs on the page, per kind (no key strings built per candidate).
  const valueCounts = new Map<CandidateKind, Map<string, number>>(CANDIDATE_KINDS.map((k) => [k, new Map()]));
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Candidate;
    if (c.kind === "amount") amountCents.push(Math.round(Math.abs(c.numeric) * 100));
    else if (c.kind === "date") dateDays.push(c.numeric);
    const counts = valueCounts.get(c.kind) as Map<string, number>;
    counts.set(c.value, (counts.get(c.value) ?? 0) + 1);
  }
  const amounts = [...new Set(amountCents)].sort((a, b) => b - a);
  const amountRank = new Map(amounts.map((a, i) => [a, i]));
  const relations = amountRelations(amounts);
  const dates = [...new Set(dateDays)].sort((a, b) => a - b);
  const dateRank = new Map(dates.map((d, i) => [d, i]));
  const maxIndex = Math.max(1, lines.length - 1);

  const row = new Row(idx);
  const headerBuckets = wordBuckets(T.hd, header, 0, header.length);
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Candidate;
    const info = owner[i] as LineInfo;
    const marker = writeTokens(row.at(i * slots), c, info, page.number, headerBuckets);
    const d = i * DENSE_SIZE;
    const line = c.line;
    const len = Math.max(1, line.text.length);
    dense[d] = line.x + (line.width * c.start) / len;
    dense[d + 1] = line.y;
    dense[d + 2] = line.width;
    dense[d + 3] = page.number === 1 ? 1 : 0;
    dense[d + 4] = Math.min(page.number, 5) / 5;
    dense[d + 5] = line.index / maxIndex;
    dense[d + 6] = Math.min(line.height / medianHeight, 3) / 3;
    if (c.kind === "amount") {
      const cents = Math.round(Math.abs(c.numeric) * 100);
      const rank = amountRank.get(cents) ?? 0;
      dense[d + 7] = Math.log10(1 + Math.abs(c.numeric)) / 7;
      dense[d + 8] = amounts.length > 1 ? rank / (amounts.length - 1) : 0;
      dense[d + 9] = rank === 0 ? 1 : 0;
      const rel = relations.get(cents) ?? 0;
      dense[d + 20] = rel & 1 ? 1 : 0;
      dense[d + 21] = rel & 2 ? 1 : 0;
      dense[d + 22] = rel & 4 ? 1 : 0;
      const around = line.text.slice(Math.max(0, c.start - 4), c.end + 4);
      dense[d + 23] = CURRENCY_NEAR.test(around) ? 1 : 0;
    }
    if (c.kind === "date") {
      const rank = dateRank.get(c.numeric) ?? 0;
      dense[d + 10] = dates.length > 1 ? rank / (dates.length - 1) : 0.5;
      dense[d + 11] = Math.min(dates.length, 10) / 10;
      dense[d + 16] = rank === dates.length - 1 && dates.length > 1 ? 1 : 0;
      dense[d + 17] = rank === 0 && dates.length > 1 ? 1 : 0;
      // Payment terms put the due date 3–95 days after the issue date; delivery and order dates
      // fall before it. Whether such a partner date exists says which role a date can play.
      let later = 0;
      let earlier = 0;
      for (const o of dates) {
        const gap = o - c.numeric;
        if (gap >= 3 && gap <= 95) later = 1;
        if (-gap >= 3 && -gap <= 95) earlier = 1;
      }
      dense[d + 18] = later;
      dense[d + 19] = earlier;
      // How many distinct dates lie after and before it: the issue date is followed by the due date
      // only, delivery and order dates by the issue date as well.
      row.put(DATE_ORDER[Math.min(dates.length - 1 - rank, 3) * 4 + Math.min(rank, 3)] as number);
    }
    dense[d + 12] = c.end - c.start >= info.trimmedLength - 1 ? 1 : 0;
    dense[d + 13] = info.letterFraction;
    dense[d + 14] = Math.min((valueCounts.get(c.kind) as Map<string, number>).get(c.value) ?? 1, 5) / 5;
    dense[d + 15] = line.height >= maxHeight - 1e-6 ? 1 : 0;
    dense[d + 24] = c.kind === "id" && marker ? 1 : 0;
    widths[i] = row.n;
  }
  return { candidates, idx, widths, dense };
}

/** Hashed bag of the first page's words, for the document-type head. */
export function documentBag(page: ExtractedPage): Int32Array {
  const { docSlots, docHashBuckets } = FEATURE_SPEC;
  const heights = page.lines.map((l) => l.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0.01;
  const seen = new Set<number>();
  const big = P("big:");
  const w = P("w:");
  const add = (h: number): void => {
    if (seen.size < docSlots) seen.add(bucketOf(h, docHashBuckets));
  };
  // Large text first (titles), then the rest in reading order, so the cap drops body words.
  for (const l of page.lines) if (l.height >= median * 1.3) for (const x of words(l.text)) add(fnv(big, x));
  for (const l of page.lines) {
    if (seen.size >= docSlots) break;
    for (const x of words(l.text)) add(fnv(w, x));
  }
  const out = new Int32Array(docSlots);
  let i = 0;
  for (const h of seen) out[i++] = h;
  return out;
}
