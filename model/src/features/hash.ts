/** FNV-1a (32 bit) into buckets 1..n-1; bucket 0 is the padding row whose embedding stays zero. */
export function hashToken(token: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % (buckets - 1)) + 1;
}

/** Lower-case words without diacritics, digit runs folded to "0", so "Nr." and "nr" hash alike. */
export function words(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\d#%°]+/u)
    .filter((w) => w.length > 0)
    .map((w) => w.replace(/\d+/g, "0"));
}

/** Character-class shape, runs capped at two: "INV-2024-0012" → "AA-99-99". */
export function shape(text: string): string {
  let out = "";
  let last = "";
  let run = 0;
  for (const ch of text) {
    const c = /\d/.test(ch)
      ? "9"
      : /\p{Lu}/u.test(ch)
        ? "A"
        : /\p{L}/u.test(ch)
          ? "a"
          : ch === " "
            ? "_"
            : ch;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= 2) out += c;
    if (out.length >= 12) break;
  }
  return out;
}
