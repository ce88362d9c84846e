// PDF producers (Chromium's Skia among them) set "fi", "fl", "ff" … as one ligature glyph whose text
// is U+FB00–U+FB06: "Copperﬁeld" is not "Copperfield" to anything that compares text. Only these
// presentation forms are expanded; a full NFKC would also rewrite "²", "½" or full-width digits.
const LIGATURES = /[\uFB00-\uFB06]/u;
const LIGATURES_ALL = /[\uFB00-\uFB06]/gu;
const EXPANDED: Record<string, string> = {
  "\uFB00": "ff",
  "\uFB01": "fi",
  "\uFB02": "fl",
  "\uFB03": "ffi",
  "\uFB04": "ffl",
  "\uFB05": "st",
  "\uFB06": "st",
};

/** The text with Latin ligature characters written out as their letters. */
export const expandLigatures = (text: string): string =>
  LIGATURES.test(text) ? text.replace(LIGATURES_ALL, (c) => EXPANDED[c] ?? c) : text;
