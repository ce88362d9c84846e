// Party names, addresses, IBANs and document numbers for the layout grammar. Name vocabularies are
// split like locales.ts does: every third entry is kept for the held-out split.
import type { Prng } from "../prng.js";
import { ibanMod97 } from "../values.js";
import type { Split } from "../types.js";
import type { GrammarLocaleSpec } from "./locales.js";
import type { Lang } from "./words.js";
import { ibanLength } from "../../candidates/normalise.js";

const WORDS = [
  "Kranich",
  "Polaris",
  "Westbrook",
  "Verdant",
  "Orkney",
  "Falkenstein",
  "Tessaro",
  "Bluewater",
  "Lindqvist",
  "Mirador",
  "Oakhurst",
  "Sonnental",
  "Corvina",
  "Helix",
  "Aldora",
  "Stonebridge",
  "Vantaro",
  "Nimbus",
  "Brisa",
  "Hollander",
  "Ferrante",
  "Quillon",
  "Rheinblick",
  "Castelo",
  "Marigold",
  "Zephyr",
  "Bramwell",
  "Oriente",
  "Tidewell",
  "Kovalski",
  "Amberly",
  "Lusitano",
  "Norberg",
  "Serrano",
  "Velden",
  "Crescent",
  "Palmera",
  "Granite",
  "Wiśniewski",
  "Tulipa",
];
const TRADES: Record<Lang, string[]> = {
  en: ["Consulting", "Logistics", "Supplies", "Software", "Engineering", "Trading", "Foods", "Print"],
  de: ["Beratung", "Logistik", "Bürotechnik", "Software", "Maschinenbau", "Handel", "Haustechnik"],
  fr: ["Conseil", "Logistique", "Fournitures", "Informatique", "Ingénierie", "Distribution"],
  es: ["Consultoría", "Logística", "Suministros", "Informática", "Ingeniería", "Distribuciones"],
  nl: ["Advies", "Logistiek", "Kantoorartikelen", "Software", "Techniek", "Handel"],
  it: ["Consulenze", "Logistica", "Forniture", "Informatica", "Impianti", "Commerciale"],
  pt: ["Consultoria", "Logística", "Fornecimentos", "Informática", "Engenharia", "Comércio"],
  pl: ["Doradztwo", "Logistyka", "Zaopatrzenie", "Informatyka", "Inżynieria", "Handel"],
};
const FIRST = [
  "Anna",
  "Lukas",
  "Marie",
  "Priya",
  "Sophie",
  "Pablo",
  "Lucía",
  "Julien",
  "Aisyah",
  "Oliver",
  "Emma",
  "Ravi",
  "Clara",
  "Mateo",
  "Daan",
  "Giulia",
  "João",
  "Inès",
  "Katarzyna",
  "Felix",
  "Amelia",
  "Wei Ling",
  "Paolo",
  "Sanne",
  "Tomasz",
  "Beatriz",
  "Hugo",
  "Ahmad",
  "Elena",
  "Noor",
];
const LAST = [
  "Schmidt",
  "Müller",
  "Dubois",
  "García",
  "Sharma",
  "Johnson",
  "De Vries",
  "Rossi",
  "Silva",
  "Kowalski",
  "Fischer",
  "Bernard",
  "Tan",
  "Moreau",
  "Fernández",
  "Brown",
  "Jansen",
  "Bianchi",
  "Santos",
  "Nowak",
  "Weber",
  "Petit",
  "Iyer",
  "Lim",
  "Romano",
  "Costa",
  "Bakker",
  "Wilson",
  "Abdullah",
  "Laurent",
];

const half = <T>(items: readonly T[], split: Split): T[] =>
  items.filter((_, i) => (i % 3 === 2) === (split === "heldout"));

export interface CompanyName {
  /** Full legal name with legal form: the truth value. */
  legal: string;
  /** Short brand or logo word. */
  brand: string;
}

export function companyName(rng: Prng, loc: GrammarLocaleSpec, split: Split): CompanyName {
  const word = rng.pick(half(WORDS, split));
  const form = rng.pick(loc.legalForms);
  const r = rng.next();
  const core =
    r < 0.45
      ? `${word} ${rng.pick(TRADES[loc.lang])}`
      : r < 0.65
        ? `${word} & ${rng.pick(half(LAST, split))}`
        : word;
  return { legal: `${core} ${form}`, brand: rng.chance(0.5) ? word.toUpperCase() : word };
}

export const personName = (rng: Prng, split: Split): string =>
  `${rng.pick(half(FIRST, split))} ${rng.pick(half(LAST, split))}`;

export function zipCode(rng: Prng, loc: GrammarLocaleSpec): string {
  switch (loc.id) {
    case "en-GB":
      return `${rng.pick(["SW1A", "M1", "LS2", "BS1", "G2", "B3"])} ${rng.int(1, 9)}${rng.pick(["AB", "XT", "QD", "HN"])}`;
    case "en-US":
      return String(rng.int(10000, 99999));
    case "en-IN":
      return String(rng.int(110001, 600099));
    case "nl":
      return `${rng.int(1000, 9999)} ${rng.pick(["AB", "KL", "ZX", "PT"])}`;
    case "pl":
      return `${rng.int(10, 99)}-${rng.int(100, 999)}`;
    case "pt":
      return `${rng.int(1000, 4999)}-${rng.int(100, 999)}`;
    case "en":
      return String(rng.int(1000, 99999));
    default:
      return String(rng.int(10000, 99999));
  }
}

export function addressLines(rng: Prng, loc: GrammarLocaleSpec): string[] {
  const no = String(rng.int(1, 180));
  const street = rng.pick(loc.streets);
  const first = loc.streetOrder === "ns" ? `${no} ${street}` : `${street} ${no}`;
  const city = rng.pick(loc.cities);
  const zip = zipCode(rng, loc);
  if (loc.id === "en-US") return [first, `${city} ${zip}`];
  if (loc.id === "en-GB") return [first, city, zip];
  if (loc.id === "en-MY") return [first, `${zip} ${city}`];
  return [first, `${zip} ${city}`];
}

/** A valid (mod-97) IBAN with a plausible BBAN for its country. */
export function generateIban(rng: Prng, country: string): string {
  const length = ibanLength(country) ?? 22;
  const digits = (n: number): string => Array.from({ length: n }, () => String(rng.int(0, 9))).join("");
  let bban = "";
  if (country === "GB") bban = rng.pick(["NWBK", "BARC", "LOYD", "HBUK"]);
  else if (country === "NL") bban = rng.pick(["ABNA", "INGB", "RABO", "TRIO"]);
  else if (country === "IT") bban = rng.pick(["X", "A", "K", "M"]);
  bban += digits(length - 4 - bban.length);
  const check = 98 - ibanMod97(`${country}00${bban}`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

export const groupIban = (iban: string): string => iban.replace(/(.{4})/g, "$1 ").trim();

export const BICS: Record<string, string[]> = {
  DE: ["COBADEFFXXX", "DEUTDEDBBER", "BYLADEM1001"],
  FR: ["BNPAFRPPXXX", "AGRIFRPP882", "SOGEFRPP"],
  ES: ["CAIXESBBXXX", "BSABESBB", "BBVAESMM"],
  GB: ["NWBKGB2L", "BARCGB22", "LOYDGB21"],
  CH: ["UBSWCHZH80A", "POFICHBEXXX"],
  NL: ["ABNANL2A", "INGBNL2A", "RABONL2U"],
  IT: ["BCITITMM", "UNCRITMMXXX", "BPMOIT22"],
  PT: ["CGDIPTPL", "BCOMPTPL", "TOTAPTPL"],
  PL: ["PKOPPLPW", "BPKOPLPW", "INGBPLPW"],
  SE: ["ESSESESS", "HANDSESS", "SWEDSESS"],
};

export function documentNumber(rng: Prng, prefixes: readonly string[], year: number): string {
  const prefix = rng.pick(prefixes);
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
