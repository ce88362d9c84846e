import { isAsciiLetter } from "../candidates/letters.js";

/** FNV-1a (32 bit) state after `text`, continuing from `h`: lets a token be hashed in parts without joining strings. */
export function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

export const FNV_OFFSET = 0x811c9dc5;

/**
 * Bucket 1..n-1 of an FNV state; bucket 0 is the padding row whose embedding stays zero. It is
 * `(h >>> 0) % (n - 1) + 1`, computed from the state's two 16-bit halves (2^16 ≡ 2^16 mod m):
 * the remainder of a uint32 is a floating-point modulo in V8, a C call that cost a tenth of
 * featurization, while these operands stay small integers (below 2^31 for any m < 2^15).
 */
export const bucketOf = (h: number, buckets: number): number =>
  bucketIn(h, buckets - 1, 65536 % (buckets - 1));

/** bucketOf for one bucket count, its constants computed once: for the hottest loop. */
export function bucketer(buckets: number): (h: number) => number {
  const m = buckets - 1;
  const r = 65536 % m;
  return (h) => bucketIn(h, m, r);
}

/** The remainder of `h >>> 0` by `m`, with `r` = 2^16 mod m. */
const bucketIn = (h: number, m: number, r: number): number => (((h >>> 16) * r + (h & 0xffff)) % m) + 1;

/** FNV-1a (32 bit) into buckets 1..n-1; equal to hashing the token's parts in sequence with `fnv`. */
export const hashToken = (token: string, buckets: number): number =>
  bucketOf(fnv(FNV_OFFSET, token), buckets);

// Letters (with combining marks, so decomposed input stays one word), digits and the signs that
// make a label ("#", "%", "°").
const WORD = /[\p{L}\p{M}\d#%°]+/gu;
const NON_ASCII = /[^\u0020-\u007e]/;
const DIGITS = /\d+/g;
const MARKS = /[\u0300-\u036f]/g;

/** One word lower-cased, without diacritics, digit runs folded to "0". */
export function foldWord(w: string): string {
  let out = NON_ASCII.test(w) ? w.normalize("NFD").replace(MARKS, "") : w;
  out = out.toLowerCase();
  for (let i = 0; i < out.length; i++) {
    const c = out.charCodeAt(i);
    if (c >= 48 && c <= 57) return out.replace(DIGITS, "0");
  }
  return out;
}

/** A character of WORD in printable ASCII: a letter, a digit, "#" or "%". */
const isAsciiWordChar = (c: number): boolean =>
  isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 35 || c === 37;

/** Folded words of a text with their [start, end) offsets in the original text. */
export function wordSpans(text: string): { words: string[]; starts: number[]; ends: number[] } {
  return NON_ASCII.test(text) ? unicodeWordSpans(text) : asciiWordSpans(text);
}

/**
 * wordSpans of printable-ASCII text, scanned by character code: the same words as WORD and
 * foldWord give (no diacritics to strip there), without a Unicode-aware regular expression, which
 * made word splitting a tenth of featurization.
 */
function asciiWordSpans(text: string): { words: string[]; starts: number[]; ends: number[] } {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length;) {
    if (!isAsciiWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let digits = false;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!isAsciiWordChar(c)) break;
      if (c >= 48 && c <= 57) digits = true;
    }
    let w = text.slice(start, i).toLowerCase();
    if (digits) w = w.replace(DIGITS, "0");
    words.push(w);
    starts.push(start);
    ends.push(i);
  }
  return { words, starts, ends };
}

function unicodeWordSpans(text: string): { words: string[]; starts: number[]; ends: number[] } {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const w = foldWord(m[0]);
    if (w.length === 0) continue;
    words.push(w);
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  return { words, starts, ends };
}

/** Lower-case words without diacritics, digit runs folded to "0", so "Nr." and "nr" hash alike. */
export const words = (text: string): string[] => wordSpans(text).words;

const UPPER = /\p{Lu}/u;
const LETTER = /\p{L}/u;

/** Character-class shape, runs capped at two: "INV-2024-0012" → "AA-99-99". */
export function shape(text: string): string {
  let out = "";
  let last = "";
  let run = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    let c: string;
    if (code >= 48 && code <= 57) c = "9";
    else if (code >= 65 && code <= 90) c = "A";
    else if (code >= 97 && code <= 122) c = "a";
    else if (code === 32) c = "_";
    else if (code < 128) c = ch;
    else c = UPPER.test(ch) ? "A" : LETTER.test(ch) ? "a" : ch;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= 2) out += c;
    if (out.length >= 12) break;
  }
  return out;
}

/**
 * `fnv(h, shape(text))` without building the shape: printable-ASCII text (nearly all) is shaped
 * and hashed in one scan of its character codes; other text goes through `shape`.
 */
export function fnvShape(h: number, text: string): number {
  if (NON_ASCII.test(text)) return fnv(h, shape(text));
  let last = -1;
  let run = 0;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const c =
      code >= 48 && code <= 57
        ? 57
        : code >= 65 && code <= 90
          ? 65
          : code >= 97 && code <= 122
            ? 97
            : code === 32
              ? 95
              : code;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= 2) {
      h = Math.imul(h ^ c, 0x01000193);
      length++;
    }
    if (length >= 12) break;
  }
  return h;
}
