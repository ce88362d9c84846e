import { describe, expect, it } from "vitest";
import { bucketOf, fnv, FNV_OFFSET, foldWord, hashToken, wordSpans } from "../src/features/hash.js";
import { Prng } from "../src/generator/prng.js";

describe("bucketOf", () => {
  it("is (h >>> 0) % (n - 1) + 1 for any 32-bit state and the spec's bucket counts", () => {
    const rng = new Prng(5);
    const states = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 16383, 16384, 4095, 4096];
    for (let i = 0; i < 100_000; i++) states.push(Math.floor(rng.next() * 2 ** 32) | 0);
    for (const buckets of [1 << 14, 1 << 12, 1 << 15, 3, 7919])
      for (const h of states) expect(bucketOf(h, buckets)).toBe(((h >>> 0) % (buckets - 1)) + 1);
  });

  it("hashes a token in parts as in one piece", () => {
    expect(bucketOf(fnv(fnv(FNV_OFFSET, "l1:"), "total"), 1 << 14)).toBe(hashToken("l1:total", 1 << 14));
  });
});

describe("wordSpans", () => {
  // The definition: every run of letters, marks, digits, "#", "%" and "°", folded.
  const reference = (text: string) => {
    const spans = [...text.matchAll(/[\p{L}\p{M}\d#%°]+/gu)].map((m) => ({
      word: foldWord(m[0]),
      start: m.index,
      end: m.index + m[0].length,
    }));
    return {
      words: spans.map((s) => s.word),
      starts: spans.map((s) => s.start),
      ends: spans.map((s) => s.end),
    };
  };

  it("splits and folds printable ASCII (scanned) as the Unicode definition does", () => {
    const rng = new Prng(9);
    const alphabet = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~";
    const texts = ["Invoice No. INV-2024-0012", "Total: 1,250.00 EUR", "#12 100% A1b2C3", "", "   "];
    for (let i = 0; i < 3000; i++)
      texts.push(
        Array.from({ length: Math.floor(rng.next() * 40) }, () =>
          alphabet.charAt(Math.floor(rng.next() * alphabet.length)),
        ).join(""),
      );
    for (const text of texts) expect(wordSpans(text), text).toEqual(reference(text));
  });

  it("folds other text through the Unicode path", () => {
    for (const text of ["Fälligkeitsdatum: 3.4.2024", "N°\t42 Größe", "Café 12° Ñandú"])
      expect(wordSpans(text)).toEqual(reference(text));
    expect(wordSpans("Fällig am 12").words).toEqual(["fallig", "am", "0"]);
  });
});
