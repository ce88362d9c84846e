import type { Prng } from "./prng.js";
import type { LocaleId } from "./types.js";

/**
 * Training-time label augmentation: rewrites a training wording the way unseen wordings differ
 * from seen ones (abbreviated, reordered, compounded or split, a word swapped for an unknown one,
 * filler words), so the model learns to use the parts of a label it recognises and to fall back on
 * layout and the relational features for the rest. Built from the training wording alone; the
 * caller rejects a result that happens to equal a held-out wording.
 */
const FILLERS: Record<LocaleId, string[]> = {
  en: ["the", "our", "your", "of", "for", "total", "doc."],
  de: ["der", "die", "unser", "Ihr", "für", "von", "Beleg"],
  fr: ["de", "du", "la", "le", "notre", "votre", "pour"],
  es: ["de", "del", "la", "el", "su", "nuestro", "para"],
};
const LETTERS = "abcdefghijklmnoprstuvwyzaeiou";

/** A pronounceable-looking word no wording uses: its tokens are unknown to the model. */
function pseudoWord(rng: Prng): string {
  const n = rng.int(3, 9);
  let w = "";
  for (let i = 0; i < n; i++) w += LETTERS.charAt(rng.int(0, LETTERS.length - 1));
  return rng.chance(0.6) ? w.charAt(0).toUpperCase() + w.slice(1) : w;
}

const capitalise = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

export function perturbLabel(rng: Prng, label: string, locale: LocaleId): string {
  const colon = /\s*:$/.exec(label)?.[0] ?? "";
  const ws = label
    .slice(0, label.length - colon.length)
    .split(" ")
    .filter(Boolean);
  const long = ws.map((w, i) => [w, i] as const).filter(([w]) => /\p{L}{5,}/u.test(w));
  const op = rng.int(0, 7);
  if (op === 0 && long.length > 0) {
    // Abbreviate a long word: "Rechnungsdatum" → "Rechn.datum"-like cuts are left to op 4.
    const [w, i] = rng.pick(long);
    ws[i] = `${w.slice(0, rng.int(3, Math.min(5, w.length - 2)))}.`;
  } else if (op === 1 && ws.length > 1) {
    ws.splice(rng.int(0, ws.length - 1), 1);
  } else if (op === 2 && ws.length > 1) {
    const i = rng.int(0, ws.length - 2);
    [ws[i], ws[i + 1]] = [ws[i + 1] as string, ws[i] as string];
  } else if (op === 3 && ws.length > 1) {
    const i = rng.int(0, ws.length - 2);
    const joined = (ws[i] as string).replace(/\.$/, "") + (ws[i + 1] as string).toLowerCase();
    ws.splice(i, 2, joined);
  } else if (op === 4 && long.some(([w]) => w.length >= 8)) {
    const [w, i] = rng.pick(long.filter(([x]) => x.length >= 8));
    const at = rng.int(3, w.length - 4);
    ws.splice(i, 1, w.slice(0, at), capitalise(w.slice(at)));
  } else if (op === 5) {
    ws[rng.int(0, ws.length - 1)] = pseudoWord(rng);
  } else if (op === 6) {
    ws.splice(0, ws.length, pseudoWord(rng), ...(rng.chance(0.5) ? [pseudoWord(rng)] : []));
  } else {
    const filler = rng.pick(FILLERS[locale]);
    if (rng.chance(0.5)) ws.unshift(capitalise(filler));
    else ws.push(filler);
  }
  return ws.join(" ") + colon;
}
