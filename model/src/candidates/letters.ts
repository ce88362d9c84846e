const LETTER = /\p{L}/u;

/** Whether a UTF-16 code unit is an ASCII letter (A–Z, a–z). */
export const isAsciiLetter = (c: number): boolean => {
  const lower = c | 32;
  return lower >= 97 && lower <= 122;
};

/**
 * How many code points of `text` are letters; equal to `text.match(/\p{L}/gu).length` without
 * building the match array, and without a regex call for ASCII, which is nearly all of a document.
 */
export function countLetters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (isAsciiLetter(c)) n++;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        if (LETTER.test(text.slice(i, i + 2))) n++;
        i++;
        continue;
      }
    }
    if (LETTER.test(text[i] as string)) n++;
  }
  return n;
}
