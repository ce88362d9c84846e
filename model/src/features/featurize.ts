import type { ExtractedPage, TextLine } from "@docsift/core";
import { lineCandidates, type Candidate } from "../candidates/extract.js";
import type { DateOrder } from "../candidates/normalise.js";
import { hashToken, shape, words } from "./hash.js";
import { DENSE_SIZE, FEATURE_SPEC } from "./spec.js";

export interface PageFeatures {
  candidates: Candidate[];
  /** candidates.length × slots hashed token ids (0 = padding). */
  idx: Int32Array;
  /** candidates.length × DENSE_SIZE. */
  dense: Float32Array;
}

interface Neighbours {
  rowLeft: TextLine | undefined;
  above: TextLine | undefined;
  above2: TextLine | undefined;
}

function neighbours(lines: readonly TextLine[]): Map<TextLine, Neighbours> {
  const aboveOf = (l: TextLine): TextLine | undefined => {
    let best: TextLine | undefined;
    for (const o of lines) {
      if (o === l || o.y >= l.y - 0.003 || o.y < l.y - 0.08) continue;
      const overlap = Math.min(o.x + o.width, l.x + l.width) - Math.max(o.x, l.x);
      if (overlap < -0.01) continue;
      if (!best || o.y > best.y || (o.y === best.y && Math.abs(o.x - l.x) < Math.abs(best.x - l.x))) best = o;
    }
    return best;
  };
  const out = new Map<TextLine, Neighbours>();
  for (const l of lines) {
    let rowLeft: TextLine | undefined;
    const tol = Math.max(l.height, 0.006) * 0.6;
    for (const o of lines) {
      if (o === l || Math.abs(o.y - l.y) > tol || o.x >= l.x) continue;
      if (!rowLeft || o.x > rowLeft.x) rowLeft = o;
    }
    const above = aboveOf(l);
    out.set(l, { rowLeft, above, above2: above ? aboveOf(above) : undefined });
  }
  return out;
}

const lastN = <T>(xs: T[], n: number): T[] => xs.slice(Math.max(0, xs.length - n));

function tokensFor(c: Candidate, nb: Neighbours, pageNumber: number, header: readonly string[]): string[] {
  const k = c.kind;
  const t: string[] = [`k:${k}`, `sh:${k}:${shape(c.text)}`];
  // Words of the first page's heading say what kind of document this is (on a purchase order the
  // issuer is the customer), which decides what a name or a number is.
  for (const w of header) t.push(`hd:${w}`);
  const left = words(c.line.text.slice(0, c.start));
  const l3 = lastN(left, 3).reverse();
  l3.forEach((w, i) => t.push(`l${i + 1}:${w}`));
  if (l3[0]) t.push(`kl1:${k}:${l3[0]}`);
  if (l3[1] && l3[0]) t.push(`l12:${l3[1]}_${l3[0]}`);
  for (const w of lastN(left, 6)) t.push(`lb:${w}`);
  if (left.length === 0) t.push(`lstart:${k}`);
  const right = words(c.line.text.slice(c.end)).slice(0, 2);
  right.forEach((w, i) => t.push(`r${i + 1}:${w}`));
  if (nb.rowLeft) {
    const rl = words(nb.rowLeft.text);
    for (const w of lastN(rl, 4)) t.push(`rl:${w}`);
    const last = rl[rl.length - 1];
    if (last) t.push(`krl:${k}:${last}`);
  }
  if (nb.above) {
    const a = words(nb.above.text).slice(0, 6);
    for (const w of a) t.push(`a:${w}`);
    for (const w of a.slice(0, 4)) t.push(`ka:${k}:${w}`);
    if (Math.abs(nb.above.x - c.line.x) < 0.02) t.push(`aligned:${k}`);
  } else t.push(`noabove:${k}`);
  if (nb.above2) for (const w of words(nb.above2.text).slice(0, 4)) t.push(`a2:${w}`);
  if (k === "text") {
    const own = words(c.text);
    for (const w of own.slice(0, 6)) t.push(`w:${w}`);
    const last = own[own.length - 1];
    if (last) t.push(`wl:${last}`);
    t.push(`wc:${Math.min(own.length, 6)}`);
  }
  if (k === "id") {
    const prefix = /^\p{L}+/u.exec(c.text)?.[0];
    t.push(`ip:${prefix ? prefix.toLowerCase() : "-"}`, `il:${Math.min(c.text.length, 14)}`);
  }
  t.push(`pg:${Math.min(pageNumber, 3)}:${k}`);
  t.push(`yb:${k}:${Math.floor(c.line.y * 10)}`, `xb:${k}:${Math.floor(c.line.x * 4)}`);
  t.push(`xy:${k}:${Math.floor(c.line.x * 3)}:${Math.floor(c.line.y * 5)}`);
  if (c.line.text.includes(":")) t.push(`colon:${k}`);
  // The label, wherever it sits: left on the same line, in a cell to the left, or on the line above.
  // Direction-free tokens let a layout never seen in training (labels above totals) reuse what was
  // learnt from labels on the left; character trigrams let unseen phrasings ("Fälligkeitsdatum")
  // share evidence with seen ones ("Fällig am").
  const label =
    left.length > 0
      ? lastN(left, 3)
      : nb.rowLeft
        ? lastN(words(nb.rowLeft.text), 3)
        : nb.above
          ? words(nb.above.text).slice(0, 3)
          : [];
  for (const w of label) t.push(`lab:${k}:${w}`);
  let grams = 0;
  for (const w of lastN(label, 2)) {
    const padded = `<${w}>`;
    for (let i = 0; i + 3 <= padded.length && grams < 20; i++, grams++)
      t.push(`g:${k}:${padded.slice(i, i + 3)}`);
  }
  return t;
}

/** Candidates of one page with their hashed context tokens and layout features. */
/** Short title-like lines near the top of the first page, as words: the document's heading. */
export function headerWords(firstPage: ExtractedPage): string[] {
  const out = new Set<string>();
  for (const l of firstPage.lines.slice(0, 12)) {
    const ws = words(l.text);
    const letters = l.text.match(/\p{L}/gu)?.length ?? 0;
    if (ws.length === 0 || ws.length > 3 || letters / Math.max(1, l.text.length) < 0.7) continue;
    for (const w of ws) if (out.size < 8) out.add(w);
  }
  return [...out];
}

export function featurizePage(
  page: ExtractedPage,
  order: DateOrder,
  header: readonly string[] = [],
): PageFeatures {
  const lines = page.lines;
  const nb = neighbours(lines);
  const candidates = lines.flatMap((l) => lineCandidates(l, order));
  const n = candidates.length;
  const { slots, hashBuckets } = FEATURE_SPEC;
  const idx = new Int32Array(n * slots);
  const dense = new Float32Array(n * DENSE_SIZE);

  const heights = lines.map((l) => l.height).sort((a, b) => a - b);
  const medianHeight = heights[Math.floor(heights.length / 2)] ?? 0.01;
  const maxHeight = heights[heights.length - 1] ?? 0.01;
  const amounts = [
    ...new Set(candidates.filter((c) => c.kind === "amount").map((c) => Math.abs(c.numeric))),
  ].sort((a, b) => b - a);
  const dates = [...new Set(candidates.filter((c) => c.kind === "date").map((c) => c.numeric))].sort(
    (a, b) => a - b,
  );
  const valueCounts = new Map<string, number>();
  for (const c of candidates)
    valueCounts.set(`${c.kind}:${c.value}`, (valueCounts.get(`${c.kind}:${c.value}`) ?? 0) + 1);
  const maxIndex = Math.max(1, lines.length - 1);

  candidates.forEach((c, i) => {
    const toks = tokensFor(c, nb.get(c.line) as Neighbours, page.number, header);
    const base = i * slots;
    for (let s = 0; s < Math.min(slots, toks.length); s++)
      idx[base + s] = hashToken(toks[s] as string, hashBuckets);
    const d = i * DENSE_SIZE;
    const len = Math.max(1, c.line.text.length);
    const letters = c.line.text.match(/\p{L}/gu)?.length ?? 0;
    dense[d] = c.line.x + (c.line.width * c.start) / len;
    dense[d + 1] = c.line.y;
    dense[d + 2] = c.line.width;
    dense[d + 3] = page.number === 1 ? 1 : 0;
    dense[d + 4] = Math.min(page.number, 5) / 5;
    dense[d + 5] = c.line.index / maxIndex;
    dense[d + 6] = Math.min(c.line.height / medianHeight, 3) / 3;
    if (c.kind === "amount") {
      const rank = amounts.indexOf(Math.abs(c.numeric));
      dense[d + 7] = Math.log10(1 + Math.abs(c.numeric)) / 7;
      dense[d + 8] = amounts.length > 1 ? rank / (amounts.length - 1) : 0;
      dense[d + 9] = rank === 0 ? 1 : 0;
    }
    if (c.kind === "date") {
      dense[d + 10] = dates.length > 1 ? dates.indexOf(c.numeric) / (dates.length - 1) : 0.5;
      dense[d + 11] = Math.min(dates.length, 10) / 10;
    }
    dense[d + 12] = c.end - c.start >= c.line.text.trim().length - 1 ? 1 : 0;
    dense[d + 13] = letters / len;
    dense[d + 14] = Math.min(valueCounts.get(`${c.kind}:${c.value}`) ?? 1, 5) / 5;
    dense[d + 15] = c.line.height >= maxHeight - 1e-6 ? 1 : 0;
  });
  return { candidates, idx, dense };
}

/** Hashed bag of the first page's words, for the document-type head. */
export function documentBag(page: ExtractedPage): Int32Array {
  const { docSlots, docHashBuckets } = FEATURE_SPEC;
  const heights = page.lines.map((l) => l.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0.01;
  const seen = new Set<number>();
  const add = (tok: string): void => {
    if (seen.size < docSlots) seen.add(hashToken(tok, docHashBuckets));
  };
  // Large text first (titles), then the rest in reading order, so the cap drops body words.
  for (const l of page.lines) if (l.height >= median * 1.3) for (const w of words(l.text)) add(`big:${w}`);
  for (const l of page.lines) for (const w of words(l.text)) add(`w:${w}`);
  const out = new Int32Array(docSlots);
  let i = 0;
  for (const h of seen) out[i++] = h;
  return out;
}
