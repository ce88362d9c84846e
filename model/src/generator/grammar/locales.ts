// Locales of the layout grammar: language, date and number conventions, currencies, tax regime,
// addresses and company names. Language wordings live in words.ts.
import type { Lang } from "./words.js";

export const GRAMMAR_LOCALES = [
  "en",
  "en-GB",
  "en-US",
  "en-IN",
  "en-MY",
  "de",
  "fr",
  "es",
  "nl",
  "it",
  "pt",
  "pl",
] as const;
export type GrammarLocale = (typeof GRAMMAR_LOCALES)[number];

/** Number format: thousands separator, decimal mark, and Indian lakh grouping (1,23,456.00). */
export interface NumberStyle {
  thousands: string;
  decimal: string;
  lakh?: boolean;
}

/** Date order of numeric dates; month-name dates take the month list of the language. */
export type DateOrder = "dmy" | "mdy" | "ymd";

export interface GrammarLocaleSpec {
  id: GrammarLocale;
  lang: Lang;
  dateOrder: DateOrder;
  /** Numeric date separators in use. */
  dateSeps: string[];
  months: string[];
  /** Months as written inside a date ("12 marca 2025" in Polish); defaults to `months`. */
  monthsInDate?: string[];
  monthsShort: string[];
  /** Long date with month name: d day, m month name, y year. */
  longDates: string[];
  numbers: NumberStyle[];
  currencies: string[];
  taxWords: string[];
  taxRates: number[];
  /** Country of the IBAN, or undefined where IBANs are not used (US, IN, MY). */
  ibanCountry: string | undefined;
  vatPrefix: string;
  regLabels: string[];
  legalForms: string[];
  cities: string[];
  streets: string[];
  /** "n s" (number first) or "s n". */
  streetOrder: "ns" | "sn";
  items: string[];
  phonePrefix: string;
}

const EN_MONTHS =
  "January February March April May June July August September October November December".split(" ");
const EN_SHORT = EN_MONTHS.map((m) => m.slice(0, 3));

const EN_ITEMS = [
  "Consulting services",
  "Software licence (annual)",
  "Office chairs",
  "A4 copy paper, 5 reams",
  "Maintenance fee",
  "Cloud hosting - monthly plan",
  "On-site training",
  "Spare parts kit",
  "Graphic design",
  "Cleaning service",
  "Laptop stand",
  "Support hours",
];

const base = { dateSeps: ["/"] };

const en: GrammarLocaleSpec = {
  ...base,
  id: "en",
  lang: "en",
  dateOrder: "ymd",
  dateSeps: ["-"],
  months: EN_MONTHS,
  monthsShort: EN_SHORT,
  longDates: ["{d} {m} {y}", "{m} {d}, {y}", "{d}-{M}-{y}"],
  numbers: [
    { thousands: ",", decimal: "." },
    { thousands: "", decimal: "." },
  ],
  currencies: ["USD", "EUR", "GBP", "SEK", "CHF", "JPY"],
  taxWords: ["VAT", "Tax"],
  taxRates: [20, 25, 10, 0],
  ibanCountry: "SE",
  vatPrefix: "SE",
  regLabels: ["Reg. no.", "Company reg."],
  legalForms: ["Ltd", "Inc.", "AB", "AG", "Limited"],
  cities: ["Stockholm", "Zurich", "Tokyo", "Amsterdam", "Dublin", "Singapore"],
  streets: ["Harbour Road", "King Street", "Park Avenue", "Station Road"],
  streetOrder: "ns",
  items: EN_ITEMS,
  phonePrefix: "+46",
};

export const LOCALE_SPECS: Record<GrammarLocale, GrammarLocaleSpec> = {
  en,
  "en-GB": {
    ...en,
    id: "en-GB",
    dateOrder: "dmy",
    dateSeps: ["/", "."],
    longDates: ["{d} {m} {y}", "{dth} {m} {y}", "{d} {M} {y}"],
    currencies: ["GBP", "GBP", "EUR"],
    taxWords: ["VAT"],
    taxRates: [20, 5, 0],
    ibanCountry: "GB",
    vatPrefix: "GB",
    regLabels: ["Registered in England No.", "Company No."],
    legalForms: ["Ltd", "Limited", "LLP", "plc"],
    cities: ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Birmingham"],
    streets: ["High Street", "Church Lane", "Victoria Road", "Mill Lane"],
    phonePrefix: "+44",
  },
  "en-US": {
    ...en,
    id: "en-US",
    dateOrder: "mdy",
    dateSeps: ["/"],
    longDates: ["{m} {d}, {y}", "{M} {d}, {y}"],
    numbers: [{ thousands: ",", decimal: "." }],
    currencies: ["USD"],
    taxWords: ["Sales Tax", "Tax"],
    taxRates: [7, 8.875, 6.25, 0],
    ibanCountry: undefined,
    vatPrefix: "EIN ",
    regLabels: ["EIN", "Tax ID"],
    legalForms: ["Inc.", "LLC", "Corp.", "Co."],
    cities: ["Chicago, IL", "Austin, TX", "Boston, MA", "Denver, CO", "Seattle, WA"],
    streets: ["Main Street", "Oak Avenue", "5th Avenue", "Elm Street"],
    phonePrefix: "+1",
  },
  "en-IN": {
    ...en,
    id: "en-IN",
    dateOrder: "dmy",
    dateSeps: ["/", "-", "."],
    longDates: ["{d}-{M}-{y}", "{d} {M} {y}"],
    numbers: [
      { thousands: ",", decimal: ".", lakh: true },
      { thousands: ",", decimal: "." },
    ],
    currencies: ["INR"],
    taxWords: ["GST", "IGST"],
    taxRates: [18, 12, 5, 28],
    ibanCountry: undefined,
    vatPrefix: "GSTIN ",
    regLabels: ["GSTIN", "CIN", "PAN"],
    legalForms: ["Pvt. Ltd.", "Private Limited", "LLP", "Ltd."],
    cities: ["Mumbai", "Bengaluru", "Pune", "Chennai", "New Delhi", "Hyderabad"],
    streets: ["MG Road", "Link Road", "Residency Road", "Nehru Nagar"],
    phonePrefix: "+91",
  },
  "en-MY": {
    ...en,
    id: "en-MY",
    dateOrder: "dmy",
    dateSeps: ["/", "-"],
    longDates: ["{d} {M} {y}", "{d}-{M}-{y}"],
    numbers: [{ thousands: ",", decimal: "." }],
    currencies: ["MYR"],
    taxWords: ["SST", "GST", "Service Tax"],
    taxRates: [6, 8, 10, 0],
    ibanCountry: undefined,
    vatPrefix: "SST No. ",
    regLabels: ["Co. Reg. No.", "ROC No."],
    legalForms: ["Sdn Bhd", "Sdn. Bhd.", "Enterprise", "Trading"],
    cities: ["Kuala Lumpur", "Petaling Jaya", "Johor Bahru", "Penang", "Shah Alam"],
    streets: ["Jalan Ampang", "Jalan Bukit Bintang", "Jalan SS2/24", "Jalan Tun Razak"],
    phonePrefix: "+60",
  },
  de: {
    ...base,
    id: "de",
    lang: "de",
    dateOrder: "dmy",
    dateSeps: ["."],
    months: "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(" "),
    monthsShort: "Jan. Feb. März Apr. Mai Juni Juli Aug. Sep. Okt. Nov. Dez.".split(" "),
    longDates: ["{d}. {m} {y}"],
    numbers: [
      { thousands: ".", decimal: "," },
      { thousands: "", decimal: "," },
    ],
    currencies: ["EUR", "EUR", "EUR", "CHF"],
    taxWords: ["MwSt.", "USt.", "Umsatzsteuer"],
    taxRates: [19, 7, 0],
    ibanCountry: "DE",
    vatPrefix: "DE",
    regLabels: ["Amtsgericht München HRB", "Handelsregister HRB", "St.-Nr."],
    legalForms: ["GmbH", "AG", "GmbH & Co. KG", "e.K.", "UG (haftungsbeschränkt)"],
    cities: ["Berlin", "München", "Hamburg", "Köln", "Leipzig", "Stuttgart"],
    streets: ["Hauptstraße", "Bahnhofstraße", "Lindenweg", "Industriestraße", "Am Markt"],
    streetOrder: "sn",
    items: [
      "Beratungsleistung",
      "Softwarelizenz (jährlich)",
      "Bürostühle",
      "Kopierpapier A4",
      "Wartungspauschale",
      "Cloud-Hosting Monatspaket",
      "Schulung vor Ort",
      "Ersatzteilset",
      "Grafikdesign",
      "Reinigungsleistung",
    ],
    phonePrefix: "+49",
  },
  fr: {
    ...base,
    id: "fr",
    lang: "fr",
    dateOrder: "dmy",
    dateSeps: ["/", "."],
    months: "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(" "),
    monthsShort: "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split(" "),
    longDates: ["{d} {m} {y}"],
    numbers: [
      { thousands: " ", decimal: "," },
      { thousands: ".", decimal: "," },
      { thousands: "", decimal: "," },
    ],
    currencies: ["EUR", "EUR", "CHF"],
    taxWords: ["TVA"],
    taxRates: [20, 10, 5.5, 0],
    ibanCountry: "FR",
    vatPrefix: "FR",
    regLabels: ["SIRET", "RCS Paris", "SIREN"],
    legalForms: ["SARL", "SAS", "SA", "EURL"],
    cities: ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille"],
    streets: ["rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue du Commerce"],
    streetOrder: "ns",
    items: [
      "Prestation de conseil",
      "Licence logicielle annuelle",
      "Chaises de bureau",
      "Ramettes papier A4",
      "Forfait maintenance",
      "Hébergement cloud mensuel",
      "Formation sur site",
      "Kit de pièces détachées",
      "Création graphique",
      "Service de nettoyage",
    ],
    phonePrefix: "+33",
  },
  es: {
    ...base,
    id: "es",
    lang: "es",
    dateOrder: "dmy",
    dateSeps: ["/", "-"],
    months: "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(
      " ",
    ),
    monthsShort: "ene feb mar abr may jun jul ago sep oct nov dic".split(" "),
    longDates: ["{d} de {m} de {y}"],
    numbers: [
      { thousands: ".", decimal: "," },
      { thousands: "", decimal: "," },
    ],
    currencies: ["EUR"],
    taxWords: ["IVA"],
    taxRates: [21, 10, 4, 0],
    ibanCountry: "ES",
    vatPrefix: "ES",
    regLabels: ["CIF", "NIF", "Reg. Merc. Madrid"],
    legalForms: ["S.L.", "S.A.", "S.L.U."],
    cities: ["Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Zaragoza"],
    streets: ["Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo del Prado"],
    streetOrder: "sn",
    items: [
      "Servicios de consultoría",
      "Licencia de software anual",
      "Sillas de oficina",
      "Papel A4",
      "Cuota de mantenimiento",
      "Alojamiento en la nube",
      "Formación presencial",
      "Kit de recambios",
      "Diseño gráfico",
      "Servicio de limpieza",
    ],
    phonePrefix: "+34",
  },
  nl: {
    ...base,
    id: "nl",
    lang: "nl",
    dateOrder: "dmy",
    dateSeps: ["-", "/"],
    months: "januari februari maart april mei juni juli augustus september oktober november december".split(
      " ",
    ),
    monthsShort: "jan feb mrt apr mei jun jul aug sep okt nov dec".split(" "),
    longDates: ["{d} {m} {y}", "{d} {M} {y}"],
    numbers: [
      { thousands: ".", decimal: "," },
      { thousands: "", decimal: "," },
    ],
    currencies: ["EUR"],
    taxWords: ["BTW"],
    taxRates: [21, 9, 0],
    ibanCountry: "NL",
    vatPrefix: "NL",
    regLabels: ["KvK", "KvK-nummer"],
    legalForms: ["B.V.", "N.V.", "V.O.F."],
    cities: ["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Den Haag", "Groningen"],
    streets: ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenlaan"],
    streetOrder: "sn",
    items: [
      "Advieswerkzaamheden",
      "Softwarelicentie (jaar)",
      "Bureaustoelen",
      "Kopieerpapier A4",
      "Onderhoudscontract",
      "Cloudhosting per maand",
      "Training op locatie",
      "Onderdelenset",
      "Grafisch ontwerp",
      "Schoonmaakdienst",
    ],
    phonePrefix: "+31",
  },
  it: {
    ...base,
    id: "it",
    lang: "it",
    dateOrder: "dmy",
    dateSeps: ["/", ".", "-"],
    months:
      "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(
        " ",
      ),
    monthsShort: "gen feb mar apr mag giu lug ago set ott nov dic".split(" "),
    longDates: ["{d} {m} {y}"],
    numbers: [
      { thousands: ".", decimal: "," },
      { thousands: "", decimal: "," },
    ],
    currencies: ["EUR", "EUR", "CHF"],
    taxWords: ["IVA"],
    taxRates: [22, 10, 4, 0],
    ibanCountry: "IT",
    vatPrefix: "IT",
    regLabels: ["C.F.", "REA MI-", "Cap. soc. i.v."],
    legalForms: ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s."],
    cities: ["Milano", "Roma", "Torino", "Bologna", "Firenze", "Napoli"],
    streets: ["Via Roma", "Corso Italia", "Via Garibaldi", "Piazza Duomo"],
    streetOrder: "sn",
    items: [
      "Consulenza professionale",
      "Licenza software annuale",
      "Sedie da ufficio",
      "Carta A4 risme",
      "Canone di manutenzione",
      "Hosting cloud mensile",
      "Formazione in sede",
      "Kit ricambi",
      "Progettazione grafica",
      "Servizio di pulizia",
    ],
    phonePrefix: "+39",
  },
  pt: {
    ...base,
    id: "pt",
    lang: "pt",
    dateOrder: "dmy",
    dateSeps: ["/", "-"],
    months: "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(
      " ",
    ),
    monthsShort: "jan fev mar abr mai jun jul ago set out nov dez".split(" "),
    longDates: ["{d} de {m} de {y}"],
    numbers: [
      { thousands: ".", decimal: "," },
      { thousands: " ", decimal: "," },
      { thousands: "", decimal: "," },
    ],
    currencies: ["EUR"],
    taxWords: ["IVA"],
    taxRates: [23, 13, 6, 0],
    ibanCountry: "PT",
    vatPrefix: "PT",
    regLabels: ["NIPC", "CRC Lisboa", "Capital social"],
    legalForms: ["Lda.", "S.A.", "Unipessoal Lda."],
    cities: ["Lisboa", "Porto", "Braga", "Coimbra", "Faro", "Aveiro"],
    streets: ["Rua Augusta", "Avenida da Liberdade", "Rua do Carmo", "Praça do Comércio"],
    streetOrder: "sn",
    items: [
      "Serviços de consultoria",
      "Licença de software anual",
      "Cadeiras de escritório",
      "Papel A4 resmas",
      "Avença de manutenção",
      "Alojamento cloud mensal",
      "Formação presencial",
      "Kit de peças",
      "Design gráfico",
      "Serviço de limpeza",
    ],
    phonePrefix: "+351",
  },
  pl: {
    ...base,
    id: "pl",
    lang: "pl",
    dateOrder: "dmy",
    dateSeps: [".", "-"],
    months:
      "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień".split(
        " ",
      ),
    monthsInDate:
      "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia".split(
        " ",
      ),
    monthsShort: "sty lut mar kwi maj cze lip sie wrz paź lis gru".split(" "),
    longDates: ["{d} {m} {y}"],
    numbers: [
      { thousands: " ", decimal: "," },
      { thousands: "", decimal: "," },
      { thousands: ".", decimal: "," },
    ],
    currencies: ["PLN", "PLN", "EUR"],
    taxWords: ["VAT", "PTU"],
    taxRates: [23, 8, 5, 0],
    ibanCountry: "PL",
    vatPrefix: "PL",
    regLabels: ["REGON", "KRS"],
    legalForms: ["Sp. z o.o.", "S.A.", "Sp.k."],
    cities: ["Warszawa", "Kraków", "Wrocław", "Poznań", "Gdańsk", "Łódź"],
    streets: ["ul. Marszałkowska", "ul. Długa", "al. Jerozolimskie", "ul. Piotrkowska"],
    streetOrder: "sn",
    items: [
      "Usługi doradcze",
      "Licencja oprogramowania (rok)",
      "Krzesła biurowe",
      "Papier A4 ryza",
      "Abonament serwisowy",
      "Hosting w chmurze",
      "Szkolenie na miejscu",
      "Zestaw części",
      "Projekt graficzny",
      "Usługa sprzątania",
    ],
    phonePrefix: "+48",
  },
};

/** Currency as printed: symbols (first is the usual one) and the ISO code. */
export const CURRENCY_MARKS: Record<string, { symbols: string[]; decimals: number; roundTo: number }> = {
  EUR: { symbols: ["€"], decimals: 2, roundTo: 1 },
  USD: { symbols: ["$", "US$"], decimals: 2, roundTo: 1 },
  GBP: { symbols: ["£"], decimals: 2, roundTo: 1 },
  INR: { symbols: ["₹", "Rs.", "Rs"], decimals: 2, roundTo: 100 },
  MYR: { symbols: ["RM"], decimals: 2, roundTo: 5 },
  PLN: { symbols: ["zł"], decimals: 2, roundTo: 1 },
  CHF: { symbols: ["CHF", "Fr."], decimals: 2, roundTo: 5 },
  SEK: { symbols: ["kr"], decimals: 2, roundTo: 100 },
  JPY: { symbols: ["¥", "円"], decimals: 0, roundTo: 100 },
};
