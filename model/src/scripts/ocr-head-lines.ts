// The strings the recogniser's Latin head is trained and checked on (train-ocr-head.ts): training-
// split material only, never a held-out document, name or wording (model/test/leakage.test.ts).
import { generateDocument } from "../generator/generate.js";
import type { Prng } from "../generator/prng.js";

/** Characters PP-OCR's dictionary lacks, then ones it has but reads without their accents. */
export const NEW_CHARS = [..."€£öñçßêëâîïôùûÄÖÑÇÀÁÈÊÍÚÔÛÂÎ"];
export const EXISTING_CHARS = [..."éèàäáíìóòúüÉÜÓË"];
export const HEAD_CHARS = [...NEW_CHARS, ...EXISTING_CHARS];
export const TARGET = new Set(HEAD_CHARS);

export interface LineSpec {
  text: string;
  px: number;
  bold: boolean;
}

const ACCENTED: Record<string, string> = {
  a: "àáâä",
  e: "éèêë",
  i: "íìîï",
  o: "óòôö",
  u: "úùûü",
  n: "ñ",
  c: "ç",
  A: "ÀÁÂÄ",
  E: "ÉÈÊË",
  I: "ÍÎ",
  O: "ÓÔÖ",
  U: "ÚÛÜ",
  N: "Ñ",
  C: "Ç",
};

/**
 * Lines of `documents` training-split documents from `firstSeed` on, plus strings made from them;
 * `px` is the text height at a dpi drawn from `dpis`.
 */
export function headLineSpecs(
  firstSeed: number,
  documents: number,
  rng: Prng,
  dpis: readonly number[],
): LineSpec[] {
  const out: LineSpec[] = [];
  const words: string[] = [];
  const amounts: string[] = [];
  const labels: string[] = [];
  const dpi = (): number => rng.pick(dpis);
  for (let i = 0; i < documents; i++) {
    const doc = generateDocument(firstSeed + i, { split: "train" });
    for (const page of doc.pages)
      for (const item of page.items) {
        const text = item.text.trim();
        if (!text) continue;
        for (const w of text.split(/\s+/)) if (/^\p{L}{4,}$/u.test(w)) words.push(w);
        if (/^\d[\d.,  ]*\d$/.test(text) && /[.,]\d\d$/.test(text)) amounts.push(text);
        else if (/^\p{L}[\p{L} .]{2,24}$/u.test(text)) labels.push(text);
        // Every line with a target character; a quarter of the others keep plain text in the mix.
        if ([...text].some((ch) => TARGET.has(ch)) || rng.chance(0.25)) {
          out.push({ text, px: (item.size * dpi()) / 72, bold: item.bold });
        }
      }
  }
  const size = (): number => (rng.int(7, 14) * dpi()) / 72;
  // Amounts with the currency symbols before or after them, alone or after a label.
  for (let i = 0; i < documents * 4 && amounts.length > 0; i++) {
    const amount = rng.pick(amounts);
    const symbol = rng.chance(0.65) ? "€" : "£";
    const money = rng.pick([
      `${amount} ${symbol}`,
      `${symbol}${amount}`,
      `${symbol} ${amount}`,
      `${amount}${symbol}`,
    ]);
    const text = rng.chance(0.4) && labels.length > 0 ? `${rng.pick(labels)}: ${money}` : money;
    out.push({ text, px: size(), bold: rng.chance(0.2) });
  }
  // Training words with some letters turned into their accented forms, for the characters the
  // generator rarely or never prints (ë, î, Ñ, …).
  for (let i = 0; i < documents * 5 && words.length > 0; i++) {
    const parts: string[] = [];
    for (let n = rng.int(1, 3); n > 0; n--) {
      let w = rng.pick(words);
      if (rng.chance(0.25)) w = w.toUpperCase();
      const chars = [...w];
      const spots = chars.map((ch, k) => (ACCENTED[ch] ? k : -1)).filter((k) => k >= 0);
      for (let m = Math.min(spots.length, rng.int(1, 2)); m > 0; m--) {
        const k = spots.splice(rng.int(0, spots.length - 1), 1)[0]!;
        chars[k] = rng.pick([...ACCENTED[chars[k]!]!]);
      }
      parts.push(chars.join("").replace(/ss/g, () => (rng.chance(0.5) ? "ß" : "ss")));
    }
    out.push({ text: parts.join(" "), px: size(), bold: rng.chance(0.2) });
  }
  return out;
}
