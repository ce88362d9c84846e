import { describe, expect, it } from "vitest";
import { bucketOf, fnv, FNV_OFFSET, hashToken } from "../src/features/hash.js";
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
