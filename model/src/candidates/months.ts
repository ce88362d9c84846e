/**
 * Month names the date normaliser reads, by language: full names (Polish in both the nominative
 * and the genitive a date uses, "17 marca 2025") and the abbreviations printed on documents. The
 * runtime's own table: it does not depend on the training generator's locales.
 */
export const MONTH_NAMES = {
  en: {
    months: [
      "January",
      "February",
      "March",
      "April",
      "May",
      "June",
      "July",
      "August",
      "September",
      "October",
      "November",
      "December",
    ],
    short: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  },
  de: {
    months: [
      "Januar",
      "Februar",
      "März",
      "April",
      "Mai",
      "Juni",
      "Juli",
      "August",
      "September",
      "Oktober",
      "November",
      "Dezember",
    ],
    short: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
  },
  fr: {
    months: [
      "janvier",
      "février",
      "mars",
      "avril",
      "mai",
      "juin",
      "juillet",
      "août",
      "septembre",
      "octobre",
      "novembre",
      "décembre",
    ],
    short: [
      "janv.",
      "févr.",
      "mars",
      "avr.",
      "mai",
      "juin",
      "juil.",
      "août",
      "sept.",
      "oct.",
      "nov.",
      "déc.",
    ],
  },
  es: {
    months: [
      "enero",
      "febrero",
      "marzo",
      "abril",
      "mayo",
      "junio",
      "julio",
      "agosto",
      "septiembre",
      "octubre",
      "noviembre",
      "diciembre",
    ],
    short: ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
  },
  nl: {
    months: [
      "januari",
      "februari",
      "maart",
      "april",
      "mei",
      "juni",
      "juli",
      "augustus",
      "september",
      "oktober",
      "november",
      "december",
    ],
    short: ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."],
  },
  it: {
    months: [
      "gennaio",
      "febbraio",
      "marzo",
      "aprile",
      "maggio",
      "giugno",
      "luglio",
      "agosto",
      "settembre",
      "ottobre",
      "novembre",
      "dicembre",
    ],
    short: ["gen.", "feb.", "mar.", "apr.", "mag.", "giu.", "lug.", "ago.", "set.", "ott.", "nov.", "dic."],
  },
  pt: {
    months: [
      "janeiro",
      "fevereiro",
      "março",
      "abril",
      "maio",
      "junho",
      "julho",
      "agosto",
      "setembro",
      "outubro",
      "novembro",
      "dezembro",
    ],
    short: ["jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."],
  },
  pl: {
    months: [
      "styczeń",
      "luty",
      "marzec",
      "kwiecień",
      "maj",
      "czerwiec",
      "lipiec",
      "sierpień",
      "wrzesień",
      "październik",
      "listopad",
      "grudzień",
    ],
    short: ["sty.", "lut.", "mar.", "kwi.", "maj", "cze.", "lip.", "sie.", "wrz.", "paź.", "lis.", "gru."],
  },
} as const satisfies Record<string, { months: readonly string[]; short: readonly string[] }>;

/** Polish dates use the genitive: "17 marca 2025". */
const PL_GENITIVE = [
  "stycznia",
  "lutego",
  "marca",
  "kwietnia",
  "maja",
  "czerwca",
  "lipca",
  "sierpnia",
  "września",
  "października",
  "listopada",
  "grudnia",
];

/** Lower case, accents and a trailing dot removed: "Févr." → "fevr". */
export const foldMonth = (s: string): string =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\.$/, "");

function buildMonths(): Map<string, number> {
  const months = new Map<string, number>();
  const clashes = new Set<string>();
  const add = (word: string, month: number): void => {
    const key = foldMonth(word);
    const had = months.get(key);
    if (had !== undefined && had !== month) clashes.add(key);
    else months.set(key, month);
  };
  for (const { months: full, short } of Object.values(MONTH_NAMES)) {
    full.forEach((m, i) => add(m, i + 1));
    short.forEach((m, i) => add(m, i + 1));
    // Three-letter stems of the full names ("sep", "dic"), as OCR and issuers abbreviate.
    full.forEach((m, i) => add(foldMonth(m).slice(0, 3), i + 1));
  }
  PL_GENITIVE.forEach((m, i) => add(m, i + 1));
  for (const key of clashes) months.delete(key);
  // "jui" begins both "juin" and "juillet".
  months.delete("jui");
  return months;
}

const MONTHS = buildMonths();

/** Month number (1–12) of a month name or abbreviation in any supported language. */
export const monthNumber = (word: string): number | undefined => MONTHS.get(foldMonth(word));

/**
 * A word that may be a month name, as a regular-expression source: Latin letters, accented and
 * Latin Extended-A/B (every name above; Polish "października" included). Not `\p{L}`: on text
 * holding any character above U+00FF, V8 compiles a `\p{L}{3,12}` inside a date pattern into an
 * automaton that took 50–100 ms on the first line of every process, a quarter of a one-page
 * `docsift extract`; this class compiles in well under a millisecond.
 */
export const MONTH_WORD = "[A-Za-z\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f]{3,12}";
