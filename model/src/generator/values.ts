import type { Prng } from "./prng.js";
import type { LocaleSpec } from "./locales.js";
import type { Split } from "./types.js";
import { ibanLength } from "../candidates/normalise.js";

// Name vocabularies are split too, so held-out documents carry names the model never saw.
const COMPANY_WORDS = [
  "Nordlicht",
  "Atlas",
  "Bergmann",
  "Blue River",
  "Summit",
  "Falken",
  "Solaris",
  "Greenfield",
  "Kestrel",
  "Alpina",
  "Horizon",
  "Brightline",
  "Ostwind",
  "Meridian",
  "Castell",
  "Vireo",
  "Lumen",
  "Pinecrest",
  "Aurora",
  "Ironwood",
  "Silberberg",
  "Rivera",
  "Delacroix",
  "Monteverde",
  "Quantum",
  "Harbor",
  "Eichenhof",
  "Beaumont",
  "Sierra",
  "Tannenbaum",
  "Clearwater",
  "Valmont",
  "Redwood",
  "Sonnenfeld",
  "Marlow",
  "Cobalt",
];
const TRADES = {
  en: [
    "Consulting",
    "Logistics",
    "Office Supplies",
    "Software",
    "Engineering",
    "Trading",
    "Services",
    "Design",
  ],
  de: ["Beratung", "Logistik", "Bürobedarf", "Software", "Technik", "Handel", "Dienstleistungen", "Design"],
  fr: ["Conseil", "Logistique", "Fournitures", "Informatique", "Ingénierie", "Négoce", "Services", "Design"],
  es: [
    "Consultoría",
    "Logística",
    "Suministros",
    "Software",
    "Ingeniería",
    "Comercial",
    "Servicios",
    "Diseño",
  ],
};
const FIRST_NAMES = [
  "Anna",
  "Lukas",
  "Marie",
  "Jonas",
  "Sophie",
  "Pablo",
  "Lucía",
  "Julien",
  "Camille",
  "Oliver",
  "Emma",
  "Hugo",
  "Clara",
  "Mateo",
  "Lea",
  "Noah",
  "Inès",
  "Carmen",
  "Felix",
  "Amelia",
  "Louis",
  "Elena",
  "Paul",
  "Sara",
];
const LAST_NAMES = [
  "Schmidt",
  "Müller",
  "Dubois",
  "García",
  "Smith",
  "Johnson",
  "Martin",
  "López",
  "Fischer",
  "Bernard",
  "Wagner",
  "Moreau",
  "Fernández",
  "Brown",
  "Weber",
  "Petit",
  "Sánchez",
  "Taylor",
  "Becker",
  "Laurent",
  "Romero",
  "Wilson",
  "Hoffmann",
  "Girard",
];

const half = <T>(items: readonly T[], split: Split): T[] =>
  items.filter((_, i) => (i % 3 === 2) === (split === "heldout"));

export function companyName(rng: Prng, loc: LocaleSpec, split: Split): string {
  const word = rng.pick(half(COMPANY_WORDS, split));
  const form = rng.pick(loc.legalForms);
  if (rng.chance(0.5)) return `${word} ${rng.pick(TRADES[loc.id])} ${form}`;
  if (rng.chance(0.3)) return `${word} & ${rng.pick(half(LAST_NAMES, split))} ${form}`;
  return `${word} ${form}`;
}

export function personName(rng: Prng, split: Split): string {
  return `${rng.pick(half(FIRST_NAMES, split))} ${rng.pick(half(LAST_NAMES, split))}`;
}

export function addressLines(rng: Prng, loc: LocaleSpec): string[] {
  const no = rng.int(1, 180);
  const street = rng.pick(loc.streets);
  const zip =
    loc.id === "en"
      ? `${rng.pick(["SW1A", "M1", "LS2", "02108", "60601"])} ${rng.int(1, 9)}AB`
      : String(rng.int(10000, 99999));
  const city = rng.pick(loc.cities);
  const first = loc.id === "en" || loc.id === "fr" ? `${no} ${street}` : `${street} ${no}`;
  return [first, `${zip} ${city}`];
}

/** ISO 13616 mod-97 of an IBAN given without spaces. */
export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest;
}

export function generateIban(rng: Prng, country: string): string {
  const length = ibanLength(country) ?? 22;
  let bban = "";
  if (country === "GB") bban = rng.pick(["NWBK", "BARC", "LOYD", "MIDL"]);
  while (bban.length < length - 4) bban += String(rng.int(0, 9));
  const check = 98 - ibanMod97(`${country}00${bban}`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

export const groupIban = (iban: string): string => iban.replace(/(.{4})/g, "$1 ").trim();

export function ibanCountry(loc: LocaleSpec, currency: string): string {
  if (currency === "CHF") return "CH";
  return { en: "GB", de: "DE", fr: "FR", es: "ES" }[loc.id];
}

export function documentNumber(rng: Prng, prefixes: readonly string[]): string {
  const prefix = rng.pick(prefixes);
  const year = rng.int(2019, 2026);
  if (prefix === "") return String(rng.int(1000, 9999999));
  switch (rng.int(0, 4)) {
    case 0:
      return `${prefix}-${year}-${String(rng.int(1, 9999)).padStart(4, "0")}`;
    case 1:
      return `${prefix}${rng.int(10000, 999999)}`;
    case 2:
      return String(rng.int(100000, 99999999));
    case 3:
      return `${year}/${String(rng.int(1, 99999)).padStart(5, "0")}`;
    default:
      return `${prefix}-${rng.int(100, 99999)}`;
  }
}
