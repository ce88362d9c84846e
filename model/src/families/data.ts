// Invented business data for the evaluation-only families: locales, parties, items, amounts and
// dates. Nothing here comes from the training generator's vocabulary (model/src/generator), so the
// families measure how the model does on wording and layouts it never saw; only the seeded PRNG
// and the IBAN check-digit helper are shared.
import { PAYMENT_FREE_DOCUMENT_TYPES, type DocumentType, type FieldName } from "@docsift/core";
import type { Prng } from "../generator/prng.js";
import { groupIban, ibanMod97 } from "../generator/values.js";

export type Lang = "en" | "de" | "fr" | "es" | "nl" | "it";

export interface LocaleProfile {
  /** Language of the labels and region of the money and dates, e.g. "en-IN", "de-CH". */
  id: string;
  lang: Lang;
  currency: string;
  symbol: string;
  symbolBefore: boolean;
  symbolSpace: boolean;
  group: string;
  decimal: string;
  /** Indian grouping (1,23,456.00). */
  lakh?: boolean;
  decimals: 0 | 2;
  /** Numeric date order and separator. */
  order: "dmy" | "mdy" | "ymd";
  dateSep: string;
  ibanCountry?: string;
  taxRates: readonly number[];
}

export const PROFILES: readonly LocaleProfile[] = [
  {
    id: "en-US",
    lang: "en",
    currency: "USD",
    symbol: "$",
    symbolBefore: true,
    symbolSpace: false,
    group: ",",
    decimal: ".",
    decimals: 2,
    order: "mdy",
    dateSep: "/",
    taxRates: [0, 6.25, 7, 8.875],
  },
  {
    id: "en-GB",
    lang: "en",
    currency: "GBP",
    symbol: "£",
    symbolBefore: true,
    symbolSpace: false,
    group: ",",
    decimal: ".",
    decimals: 2,
    order: "dmy",
    dateSep: "/",
    ibanCountry: "GB",
    taxRates: [20, 20, 5, 0],
  },
  {
    id: "en-IN",
    lang: "en",
    currency: "INR",
    symbol: "Rs.",
    symbolBefore: true,
    symbolSpace: true,
    group: ",",
    decimal: ".",
    lakh: true,
    decimals: 2,
    order: "dmy",
    dateSep: "-",
    taxRates: [18, 12, 5],
  },
  {
    id: "en-MY",
    lang: "en",
    currency: "MYR",
    symbol: "RM",
    symbolBefore: true,
    symbolSpace: true,
    group: ",",
    decimal: ".",
    decimals: 2,
    order: "dmy",
    dateSep: "/",
    taxRates: [8, 6, 0],
  },
  {
    id: "en-JP",
    lang: "en",
    currency: "JPY",
    symbol: "¥",
    symbolBefore: true,
    symbolSpace: false,
    group: ",",
    decimal: ".",
    decimals: 0,
    order: "ymd",
    dateSep: "/",
    taxRates: [10, 8],
  },
  {
    id: "en-SE",
    lang: "en",
    currency: "SEK",
    symbol: "kr",
    symbolBefore: false,
    symbolSpace: true,
    group: " ",
    decimal: ",",
    decimals: 2,
    order: "ymd",
    dateSep: "-",
    ibanCountry: "SE",
    taxRates: [25, 12],
  },
  {
    id: "en-PL",
    lang: "en",
    currency: "PLN",
    symbol: "zł",
    symbolBefore: false,
    symbolSpace: true,
    group: " ",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: ".",
    ibanCountry: "PL",
    taxRates: [23, 8],
  },
  {
    id: "de-DE",
    lang: "de",
    currency: "EUR",
    symbol: "€",
    symbolBefore: false,
    symbolSpace: true,
    group: ".",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: ".",
    ibanCountry: "DE",
    taxRates: [19, 19, 7],
  },
  {
    id: "de-AT",
    lang: "de",
    currency: "EUR",
    symbol: "€",
    symbolBefore: true,
    symbolSpace: true,
    group: ".",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: ".",
    ibanCountry: "AT",
    taxRates: [20, 10],
  },
  {
    id: "de-CH",
    lang: "de",
    currency: "CHF",
    symbol: "CHF",
    symbolBefore: true,
    symbolSpace: true,
    group: "'",
    decimal: ".",
    decimals: 2,
    order: "dmy",
    dateSep: ".",
    ibanCountry: "CH",
    taxRates: [8.1, 2.6],
  },
  {
    id: "fr-FR",
    lang: "fr",
    currency: "EUR",
    symbol: "€",
    symbolBefore: false,
    symbolSpace: true,
    group: " ",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: "/",
    ibanCountry: "FR",
    taxRates: [20, 10, 5.5],
  },
  {
    id: "fr-CH",
    lang: "fr",
    currency: "CHF",
    symbol: "CHF",
    symbolBefore: false,
    symbolSpace: true,
    group: " ",
    decimal: ".",
    decimals: 2,
    order: "dmy",
    dateSep: ".",
    ibanCountry: "CH",
    taxRates: [8.1],
  },
  {
    id: "es-ES",
    lang: "es",
    currency: "EUR",
    symbol: "€",
    symbolBefore: false,
    symbolSpace: true,
    group: ".",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: "/",
    ibanCountry: "ES",
    taxRates: [21, 10],
  },
  {
    id: "nl-NL",
    lang: "nl",
    currency: "EUR",
    symbol: "€",
    symbolBefore: true,
    symbolSpace: true,
    group: ".",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: "-",
    ibanCountry: "NL",
    taxRates: [21, 9],
  },
  {
    id: "nl-BE",
    lang: "nl",
    currency: "EUR",
    symbol: "€",
    symbolBefore: true,
    symbolSpace: true,
    group: ".",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: "/",
    ibanCountry: "BE",
    taxRates: [21, 6],
  },
  {
    id: "it-IT",
    lang: "it",
    currency: "EUR",
    symbol: "€",
    symbolBefore: false,
    symbolSpace: true,
    group: ".",
    decimal: ",",
    decimals: 2,
    order: "dmy",
    dateSep: "/",
    ibanCountry: "IT",
    taxRates: [22, 10],
  },
];

export const profileById = (id: string): LocaleProfile => {
  const p = PROFILES.find((x) => x.id === id);
  if (!p) throw new Error(`unknown family locale ${id}`);
  return p;
};

// Facts the reader also knows (IBAN lengths, month names below) are written out again here on
// purpose: an evaluation that took them from the reader's own tables (candidates/) could not
// catch a country or a month the reader gets wrong.
const IBAN_LENGTH: Record<string, number> = {
  GB: 22,
  SE: 24,
  PL: 28,
  DE: 22,
  AT: 20,
  CH: 21,
  FR: 27,
  ES: 24,
  NL: 18,
  BE: 16,
  IT: 27,
};
const GB_BANKS = ["HBUK", "CLRB", "SRLG", "MONZ"];
const NL_BANKS = ["RABO", "INGB", "ABNA", "TRIO"];

export function makeIban(rng: Prng, country: string): string {
  const length = IBAN_LENGTH[country] ?? 22;
  let bban = country === "GB" ? rng.pick(GB_BANKS) : country === "NL" ? rng.pick(NL_BANKS) : "";
  if (country === "IT") bban = String.fromCharCode(65 + rng.int(0, 25));
  while (bban.length < length - 4) bban += String(rng.int(0, 9));
  const check = 98 - ibanMod97(`${country}00${bban}`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}
export { groupIban };

// ---- Parties ---------------------------------------------------------------------------------

const STEMS: Record<Lang, readonly string[]> = {
  en: [
    "Harbourline",
    "Copperfield",
    "Bluewater",
    "Kestrel",
    "Larkspur",
    "Pinecrest",
    "Oakhurst",
    "Redfern",
    "Silverbirch",
    "Thistledown",
    "Westmarch",
    "Ambergate",
    "Brightwell",
    "Foxglove",
  ],
  de: [
    "Birkenhof",
    "Eichwald",
    "Lindenberg",
    "Sonnentau",
    "Rabenstein",
    "Mühlbach",
    "Tannengrund",
    "Kranich",
    "Falkenau",
    "Wiesental",
    "Ahornweg",
    "Steinfeld",
  ],
  fr: [
    "Belle-Rive",
    "Chêneaux",
    "Clairval",
    "Montségur",
    "Pré-Fleuri",
    "Roseraie",
    "Beauregard",
    "Val-d'Or",
    "Hirondelle",
    "Mirabelle",
    "Saint-Aubin",
  ],
  es: [
    "Alcornoque",
    "Brisamar",
    "Cerro Alto",
    "Olivares",
    "Peñasco",
    "Río Claro",
    "Sierra Verde",
    "Almendro",
    "Girasol",
    "Valdelobos",
  ],
  nl: [
    "Dijkzicht",
    "Molenwaard",
    "Polderkant",
    "Zeewind",
    "Eikenhorst",
    "Tulpenveld",
    "Grachtzijde",
    "Heidebloem",
    "Vlietland",
  ],
  it: [
    "Colle Verde",
    "Fontanella",
    "Gelsomino",
    "Marechiaro",
    "Pietrabianca",
    "Rivalta",
    "Sorgente",
    "Valdoro",
    "Castagneto",
    "Girasole",
  ],
};
const KINDS: Record<Lang, readonly string[]> = {
  en: [
    "Design Studio",
    "Joinery",
    "Analytics",
    "Print Works",
    "Logistics",
    "Catering Co.",
    "Consulting",
    "Garden Supplies",
    "Software",
    "Electrical Services",
  ],
  de: [
    "Druckerei",
    "Holzbau",
    "Elektrotechnik",
    "Gartenbau",
    "Softwarehaus",
    "Spedition",
    "Feinkost",
    "Ingenieurbüro",
    "Malerbetrieb",
  ],
  fr: [
    "Imprimerie",
    "Menuiserie",
    "Traiteur",
    "Conseil",
    "Transports",
    "Jardinerie",
    "Informatique",
    "Électricité",
  ],
  es: [
    "Imprenta",
    "Carpintería",
    "Consultores",
    "Transportes",
    "Jardinería",
    "Informática",
    "Reformas",
    "Catering",
  ],
  nl: [
    "Drukkerij",
    "Timmerwerken",
    "Adviesbureau",
    "Transport",
    "Hoveniers",
    "Automatisering",
    "Installatietechniek",
  ],
  it: ["Tipografia", "Falegnameria", "Consulenze", "Trasporti", "Vivai", "Informatica", "Impianti Elettrici"],
};
const FORMS: Record<string, readonly string[]> = {
  "en-US": ["LLC", "Inc.", "Co."],
  "en-GB": ["Ltd", "Ltd.", "LLP"],
  "en-IN": ["Pvt. Ltd.", "LLP", "Enterprises"],
  "en-MY": ["Sdn. Bhd.", "Enterprise"],
  "en-JP": ["K.K.", "Co., Ltd."],
  "en-SE": ["AB", "HB"],
  "en-PL": ["sp. z o.o.", "S.A."],
  de: ["GmbH", "GmbH & Co. KG", "e.K.", "AG"],
  "de-CH": ["AG", "GmbH", "Sàrl"],
  fr: ["SARL", "SAS", "& Fils"],
  "fr-CH": ["Sàrl", "SA"],
  es: ["S.L.", "S.A.", "S.L.U."],
  nl: ["B.V.", "V.O.F."],
  "nl-BE": ["BV", "NV", "CommV"],
  it: ["S.r.l.", "S.p.A.", "S.n.c."],
};
const GIVEN = [
  "Amara",
  "Bastien",
  "Clio",
  "Dmitri",
  "Elif",
  "Fenna",
  "Gideon",
  "Hana",
  "Ilse",
  "Joaquín",
  "Kavya",
  "Lorenzo",
  "Maren",
  "Nikhil",
  "Orla",
  "Piet",
  "Quentin",
  "Rosalind",
  "Søren",
  "Tamsin",
  "Ugo",
  "Vesna",
  "Wendel",
  "Yusra",
  "Zofia",
];
const FAMILY = [
  "Achterberg",
  "Bellucci",
  "Castellanos",
  "Dufresne",
  "Eriksen",
  "Fairbairn",
  "Grünewald",
  "Halvorsen",
  "Iyer",
  "Jankowski",
  "Kowalczyk",
  "Lindqvist",
  "Moreau",
  "Nakashima",
  "Oyelaran",
  "Pellegrini",
  "Quiroga",
  "Rautenberg",
  "Szabó",
  "Thorne",
  "Urquhart",
  "Vermeulen",
  "Whitcombe",
];
const STREETS: Record<Lang, readonly string[]> = {
  en: [
    "Mill Lane",
    "Quarry Road",
    "Orchard Close",
    "Harbour Street",
    "Station Approach",
    "Elm Grove",
    "Canal Walk",
  ],
  de: ["Am Mühlgraben", "Birkenallee", "Uferstraße", "Lerchenweg", "Kirchplatz", "Talstraße", "Hafenstraße"],
  fr: [
    "rue des Tanneurs",
    "avenue du Moulin",
    "chemin des Vignes",
    "place du Marché",
    "quai de la Loire",
    "rue Pasteur",
  ],
  es: [
    "Calle del Pozo",
    "Avenida de la Estación",
    "Calle Mayor",
    "Paseo del Río",
    "Plaza de la Fuente",
    "Calle Olmo",
  ],
  nl: ["Kerkstraat", "Molenweg", "Havenkade", "Lindelaan", "Dorpsplein", "Zuiderdiep"],
  it: [
    "Via dei Mulini",
    "Corso Garibaldi",
    "Via del Porto",
    "Piazza della Fontana",
    "Viale dei Tigli",
    "Via Roma",
  ],
};
const CITIES: Record<string, readonly string[]> = {
  "en-US": ["Portland, OR 97204", "Austin, TX 78701", "Madison, WI 53703", "Boise, ID 83702"],
  "en-GB": ["Leeds LS1 4AP", "Bristol BS1 5TR", "Norwich NR2 1RQ", "York YO1 7HH"],
  "en-IN": ["Pune 411001", "Kochi 682011", "Jaipur 302001", "Bengaluru 560001"],
  "en-MY": ["50450 Kuala Lumpur", "10200 George Town", "80000 Johor Bahru"],
  "en-JP": ["Osaka 530-0001", "Sapporo 060-0001", "Fukuoka 810-0001"],
  "en-SE": ["411 03 Göteborg", "211 20 Malmö", "753 10 Uppsala"],
  "en-PL": ["30-001 Kraków", "50-001 Wrocław", "80-001 Gdańsk"],
  "de-DE": ["04109 Leipzig", "28195 Bremen", "79098 Freiburg", "90402 Nürnberg"],
  "de-AT": ["8010 Graz", "5020 Salzburg", "6020 Innsbruck"],
  "de-CH": ["3011 Bern", "6003 Luzern", "9000 St. Gallen"],
  "fr-FR": ["69002 Lyon", "33000 Bordeaux", "44000 Nantes", "31000 Toulouse"],
  "fr-CH": ["1003 Lausanne", "1201 Genève", "2000 Neuchâtel"],
  "es-ES": ["46001 Valencia", "41001 Sevilla", "48001 Bilbao", "29001 Málaga"],
  "nl-NL": ["3511 AB Utrecht", "9711 CD Groningen", "2011 EF Haarlem"],
  "nl-BE": ["9000 Gent", "2000 Antwerpen", "3000 Leuven"],
  "it-IT": ["40121 Bologna", "10121 Torino", "50122 Firenze", "90133 Palermo"],
};

export interface Party {
  name: string;
  lines: string[];
  email?: string;
  taxId?: string;
}

function companyOf(rng: Prng, p: LocaleProfile): string {
  const forms = FORMS[p.id] ?? FORMS[p.lang] ?? ["Ltd"];
  const stem = rng.pick(STEMS[p.lang]);
  const kind = rng.pick(KINDS[p.lang]);
  const name = p.lang === "en" || p.lang === "de" || p.lang === "nl" ? `${stem} ${kind}` : `${kind} ${stem}`;
  return `${name} ${rng.pick(forms)}`;
}

export function makeParty(rng: Prng, p: LocaleProfile, person: boolean): Party {
  const name = person ? `${rng.pick(GIVEN)} ${rng.pick(FAMILY)}` : companyOf(rng, p);
  const street = rng.pick(STREETS[p.lang]);
  const no = rng.int(1, 180);
  const streetLine = p.lang === "en" || p.lang === "fr" ? `${no} ${street}` : `${street} ${no}`;
  const slug = name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[^a-z]+/g, "")
    .slice(0, 12);
  const country = p.id.slice(3);
  const taxId = person
    ? undefined
    : p.id === "en-IN"
      ? `${rng.int(10, 37)}ABCDE${rng.int(1000, 9999)}F1Z${rng.int(1, 9)}`
      : `${country === "US" ? "EIN " : country}${rng.int(10000000, 99999999)}${rng.int(0, 9)}`;
  return {
    name,
    lines: [streetLine, rng.pick(CITIES[p.id] ?? ["-"])],
    email: rng.chance(0.6) ? `${person ? "hello" : "accounts"}@${slug}.example` : undefined,
    taxId,
  };
}

// ---- Items -----------------------------------------------------------------------------------

const ITEMS: Record<Lang, readonly string[]> = {
  en: [
    "Brand workshop (half day)",
    "Oak shelving, fitted",
    "Quarterly data audit",
    "Leaflets A5, 2,000 pcs",
    "Pallet transport",
    "Lunch buffet for 20",
    "Support retainer - March",
    "Compost, 40 L bags",
    "Cloud backup seat",
    "Rewiring, ground floor",
  ],
  de: [
    "Workshop Markenstrategie",
    "Eichenregal, montiert",
    "Datenprüfung Quartal",
    "Flyer DIN A5, 2.000 Stk.",
    "Palettentransport",
    "Mittagsbuffet 20 Pers.",
    "Wartungspauschale März",
    "Blumenerde 40 l",
    "Lizenz Datensicherung",
    "Elektroinstallation EG",
  ],
  fr: [
    "Atelier identité de marque",
    "Étagère chêne, posée",
    "Audit des données trimestriel",
    "Dépliants A5, 2 000 ex.",
    "Transport sur palette",
    "Buffet déjeuner 20 pers.",
    "Forfait maintenance mars",
    "Terreau, sac 40 L",
    "Licence sauvegarde",
    "Reprise électricité RDC",
  ],
  es: [
    "Taller de marca (media jornada)",
    "Estantería de roble, montada",
    "Auditoría de datos trimestral",
    "Folletos A5, 2.000 uds.",
    "Transporte de palé",
    "Bufé almuerzo 20 pers.",
    "Mantenimiento marzo",
    "Sustrato, saco 40 L",
    "Licencia copia de seguridad",
    "Instalación eléctrica planta baja",
  ],
  nl: [
    "Merkworkshop (dagdeel)",
    "Eiken wandkast, gemonteerd",
    "Data-audit kwartaal",
    "Folders A5, 2.000 st.",
    "Palletvervoer",
    "Lunchbuffet 20 pers.",
    "Onderhoudscontract maart",
    "Potgrond, zak 40 L",
    "Licentie back-up",
    "Elektra begane grond",
  ],
  it: [
    "Workshop di brand (mezza giornata)",
    "Scaffale in rovere, montato",
    "Audit dati trimestrale",
    "Volantini A5, 2.000 pz.",
    "Trasporto bancale",
    "Buffet pranzo 20 pers.",
    "Canone assistenza marzo",
    "Terriccio, sacco 40 L",
    "Licenza backup",
    "Impianto elettrico piano terra",
  ],
};

export interface Item {
  description: string;
  quantity: number;
  /** Unit price in minor units (net, or gross when the document is tax-inclusive). */
  unit: number;
  amount: number;
}

// ---- Documents -------------------------------------------------------------------------------

export interface Ymd {
  y: number;
  m: number;
  d: number;
}
export const isoOf = (t: Ymd): string =>
  `${t.y}-${String(t.m).padStart(2, "0")}-${String(t.d).padStart(2, "0")}`;
export function addDays(t: Ymd, days: number): Ymd {
  const d = new Date(Date.UTC(t.y, t.m - 1, t.d) + days * 86_400_000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

export interface Scenario {
  docType: DocumentType;
  profile: LocaleProfile;
  number: string;
  issue: Ymd;
  due?: Ymd;
  /** The party that sells (vendorName) and the one that buys (customerName). */
  vendor: Party;
  customer: Party;
  customerIsPerson: boolean;
  items: Item[];
  taxRate: number;
  taxInclusive: boolean;
  subtotal: number;
  tax: number;
  total: number;
  iban?: string;
  po?: string;
  /** A reference to an earlier invoice (credit notes). */
  ref?: string;
  /** Date style index, interpreted by the formatter; 0 = numeric. */
  dateStyle: number;
  /** Print the currency as its ISO code instead of its symbol. */
  currencyAsCode: boolean;
}

/** Document types and how often the families draw them. */
const DOC_TYPES: readonly [DocumentType, number][] = [
  ["invoice", 0.5],
  ["quote", 0.08],
  ["credit_note", 0.08],
  ["receipt", 0.06],
  ["purchase_order", 0.08],
  ["delivery_note", 0.07],
  ["order_confirmation", 0.07],
  ["statement", 0.06],
];

export function pickDocType(rng: Prng, allowed?: readonly DocumentType[]): DocumentType {
  const table = allowed ? DOC_TYPES.filter(([t]) => allowed.includes(t)) : DOC_TYPES;
  const sum = table.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * sum;
  for (const [t, w] of table) {
    r -= w;
    if (r <= 0) return t;
  }
  return table[0]![0];
}

export function makeScenario(rng: Prng, profile: LocaleProfile, docType: DocumentType): Scenario {
  // A purchase order is issued by a buying company, so its customer is never a private person.
  const customerIsPerson = docType !== "purchase_order" && rng.chance(0.3);
  const vendor = makeParty(rng, profile, false);
  // Two parties that share a word are hard to tell apart even for a person; draw again.
  const firstWord = (name: string): string => name.split(" ")[0]!;
  let customer = makeParty(rng, profile, customerIsPerson);
  for (let i = 0; i < 8 && firstWord(customer.name) === firstWord(vendor.name); i++) {
    customer = makeParty(rng, profile, customerIsPerson);
  }
  const issue: Ymd = { y: rng.int(2021, 2026), m: rng.int(1, 12), d: rng.int(1, 28) };
  const unitScale = profile.decimals === 0 ? 100 : 1;
  const items: Item[] = [];
  const n = rng.int(1, 5);
  const pool = rng.shuffle([...ITEMS[profile.lang]]);
  for (let i = 0; i < n; i++) {
    const quantity = rng.chance(0.5) ? 1 : rng.int(2, 12);
    let unit = rng.int(150, 240_000);
    if (profile.currency === "JPY" || profile.currency === "INR") unit *= rng.int(20, 90);
    if (rng.chance(0.3)) unit = Math.round(unit / 100) * 100;
    unit = Math.round(unit / unitScale) * unitScale;
    if (profile.decimals === 0) unit = Math.max(100, Math.round(unit / 100) * 100);
    items.push({ description: pool[i % pool.length]!, quantity, unit, amount: unit * quantity });
  }
  const taxRate = rng.chance(0.12) ? 0 : rng.pick(profile.taxRates);
  const taxInclusive = rng.chance(0.25);
  const sum = items.reduce((s, it) => s + it.amount, 0);
  const round = (v: number): number => (profile.decimals === 0 ? Math.round(v / 100) * 100 : Math.round(v));
  let subtotal: number, tax: number, total: number;
  if (taxInclusive) {
    total = sum;
    tax = round((sum * taxRate) / (100 + taxRate));
    subtotal = total - tax;
  } else {
    subtotal = sum;
    tax = round((sum * taxRate) / 100);
    total = subtotal + tax;
  }
  const short = rng.chance(0.3);
  const year = String(issue.y);
  const number = short
    ? String(rng.int(1, 480))
    : rng.pick([
        `${year}-${String(rng.int(1, 999)).padStart(3, "0")}`,
        `${rng.pick(["A", "F", "R", "N", "S"])}${rng.int(10000, 99999)}`,
        `${year.slice(2)}${String(issue.m).padStart(2, "0")}${rng.int(100, 999)}`,
        `${rng.pick(["INV", "RE", "FA", "FAC", "FT"])}/${year}/${rng.int(10, 999)}`,
      ]);
  return {
    docType,
    profile,
    number,
    issue,
    due: rng.chance(0.75) ? addDays(issue, rng.pick([7, 10, 14, 30, 45])) : undefined,
    vendor,
    customer,
    customerIsPerson,
    items,
    taxRate,
    taxInclusive,
    subtotal,
    tax,
    total,
    iban: profile.ibanCountry && rng.chance(0.85) ? makeIban(rng, profile.ibanCountry) : undefined,
    po: rng.chance(0.35)
      ? `${rng.pick(["PO", "BE", "OC", "PED", "OdA"])}-${rng.int(1000, 99999)}`
      : undefined,
    ref: `${rng.pick(["INV", "F", "R"])}-${rng.int(100, 9999)}`,
    dateStyle: rng.chance(0.55) ? 0 : rng.int(1, 2),
    currencyAsCode: rng.chance(0.3),
  };
}

// ---- Formatting ------------------------------------------------------------------------------

// The evaluation's own month names (see IBAN_LENGTH for why not the reader's).
const MONTHS: Record<Lang, readonly string[]> = {
  en: [
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
  de: [
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
  fr: [
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
  es: [
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
  nl: [
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
  it: [
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
};

/** A date as the locale prints it: style 0 numeric, 1 long month, 2 short month or variant. */
export function formatDate(t: Ymd, p: LocaleProfile, style: number): string {
  const dd = String(t.d).padStart(2, "0");
  const mm = String(t.m).padStart(2, "0");
  const month = MONTHS[p.lang][t.m - 1]!;
  if (style === 0) {
    const s = p.dateSep;
    if (p.order === "mdy") return `${mm}${s}${dd}${s}${t.y}`;
    if (p.order === "ymd") return `${t.y}${s}${mm}${s}${dd}`;
    return `${dd}${s}${mm}${s}${t.y}`;
  }
  const short = month.slice(0, 3);
  switch (p.lang) {
    case "en":
      if (p.order === "mdy") return style === 1 ? `${month} ${t.d}, ${t.y}` : `${short} ${t.d}, ${t.y}`;
      return style === 1 ? `${t.d} ${month} ${t.y}` : `${dd}-${short}-${t.y}`;
    case "de":
      return style === 1 ? `${t.d}. ${month} ${t.y}` : `${dd}. ${short}. ${t.y}`;
    case "fr":
      return style === 1 ? `${t.d} ${month} ${t.y}` : `${t.d === 1 ? "1er" : t.d} ${month} ${t.y}`;
    case "es":
      return style === 1 ? `${t.d} de ${month} de ${t.y}` : `${t.d} ${short}. ${t.y}`;
    case "nl":
      return style === 1 ? `${t.d} ${month} ${t.y}` : `${t.d} ${short} ${t.y}`;
    case "it":
      return style === 1 ? `${t.d} ${month} ${t.y}` : `${dd} ${short} ${t.y}`;
  }
}

/** Digits of an amount in minor units with the locale's separators, without a currency. */
export function formatNumber(cents: number, p: LocaleProfile): string {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100));
  let grouped: string;
  if (p.lakh && whole.length > 3) {
    const head = whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, p.group);
    grouped = `${head}${p.group}${whole.slice(-3)}`;
  } else grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, p.group);
  const frac = p.decimals === 0 ? "" : `${p.decimal}${String(abs % 100).padStart(2, "0")}`;
  return `${neg ? "-" : ""}${grouped}${frac}`;
}

export function formatMoney(cents: number, p: LocaleProfile, asCode: boolean): string {
  const num = formatNumber(cents, p);
  if (asCode) return p.symbolBefore ? `${p.currency} ${num}` : `${num} ${p.currency}`;
  const sp = p.symbolSpace ? " " : "";
  return p.symbolBefore ? `${p.symbol}${sp}${num}` : `${num}${sp}${p.symbol}`;
}

export const normalAmount = (cents: number): string => (cents / 100).toFixed(2);

/**
 * What a renderer printed: the normalised truth value of each field it printed and the exact
 * string it printed for it, so a test can find that string in the PDF's text.
 */
export class Printed {
  readonly truth: Partial<Record<FieldName, string>> = {};
  readonly printed: Partial<Record<FieldName, string>> = {};

  constructor(readonly s: Scenario) {}

  /** Records `text` as the printed form of `field` (first print wins) and returns it. */
  field(field: FieldName, text: string, value: string): string {
    if (!(field in this.truth)) {
      this.truth[field] = value;
      this.printed[field] = text;
    }
    return text;
  }

  money(cents: number, field?: FieldName, withCurrency = true): string {
    const p = this.s.profile;
    const text = withCurrency ? formatMoney(cents, p, this.s.currencyAsCode) : formatNumber(cents, p);
    if (field) this.field(field, formatNumber(cents, p), normalAmount(cents));
    if (withCurrency) this.field("currency", this.s.currencyAsCode ? p.currency : p.symbol, p.currency);
    return text;
  }

  date(t: Ymd, field?: FieldName, style = this.s.dateStyle): string {
    const text = formatDate(t, this.s.profile, style);
    return field ? this.field(field, text, isoOf(t)) : text;
  }

  iban(grouped = true): string {
    const iban = this.s.iban ?? "";
    const text = grouped ? groupIban(iban) : iban;
    return this.s.docType === "invoice" ? this.field("iban", text, iban) : text;
  }

  vendor(): string {
    return this.field("vendorName", this.s.vendor.name, this.s.vendor.name);
  }
  customer(): string {
    return this.field("customerName", this.s.customer.name, this.s.customer.name);
  }
  number(field: FieldName = "invoiceNumber"): string {
    return this.field(field, this.s.number, this.s.number);
  }
  po(): string {
    const po = this.s.po ?? "";
    return this.field("purchaseOrderNumber", po, po);
  }

  /** Truth as the project defines it: payment-free documents keep only the two parties. */
  result(): { fields: Partial<Record<FieldName, string>>; printed: Partial<Record<FieldName, string>> } {
    if (!PAYMENT_FREE_DOCUMENT_TYPES.includes(this.s.docType))
      return { fields: { ...this.truth }, printed: { ...this.printed } };
    const keep: FieldName[] = ["vendorName", "customerName"];
    const fields: Partial<Record<FieldName, string>> = {};
    const printed: Partial<Record<FieldName, string>> = {};
    for (const k of keep) {
      if (this.truth[k] !== undefined) {
        fields[k] = this.truth[k];
        printed[k] = this.printed[k];
      }
    }
    return { fields, printed };
  }
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
