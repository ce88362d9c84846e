import { foldWord } from "./hash.js";

/**
 * What a label word means, whatever the language: "Rechnungsnr.", "N° de facture" and "Invoice No."
 * all say document + number. A model that has learnt "invoice no." → invoiceNumber from English
 * training labels can then read a wording or a language it never saw, which is what documents laid
 * out by other people print. Written from the common vocabulary of invoices, receipts and orders in
 * en/de/fr/es/nl/it/pt/pl (the EN 16931 business-term names among them), not from any evaluation
 * family; `test/leakage.test.ts` checks it holds no word that only held-out label wordings use.
 */
export const LABEL_CONCEPTS = [
  "number",
  "document",
  "date",
  "due",
  "total",
  "net",
  "tax",
  "included",
  "customer",
  "vendor",
  "order",
  "bank",
  "delivery",
  "paid",
] as const;
export type LabelConcept = (typeof LABEL_CONCEPTS)[number];

const bit = (c: LabelConcept): number => 1 << LABEL_CONCEPTS.indexOf(c);

/** Whole folded words (lower case, no accents) and the concepts they carry. */
export const CONCEPT_WORDS: Readonly<Record<LabelConcept, readonly string[]>> = {
  number: ["no", "nr", "n°", "nº", "number", "nummer", "numero", "numer", "id", "#", "ref", "reference"],
  document: [
    "invoice",
    "bill",
    "rechnung",
    "facture",
    "fact",
    "factura",
    "fattura",
    "fatura",
    "factuur",
    "faktura",
    "receipt",
    "quittung",
    "beleg",
    "bon",
    "recu",
    "recibo",
    "ricevuta",
    "scontrino",
    "kassenbon",
    "paragon",
    "document",
    "dokument",
  ],
  date: ["date", "dated", "datum", "data", "fecha", "issue", "ausgestellt", "emessa"],
  due: [
    "due",
    "faellig",
    "fallig",
    "zahlbar",
    "echeance",
    "vencimiento",
    "scadenza",
    "vencimento",
    "vervaldatum",
    "termin",
    "deadline",
  ],
  total: [
    "total",
    "totaal",
    "totale",
    "gesamt",
    "gesamtbetrag",
    "summe",
    "grand",
    "importe",
    "importo",
    "montant",
    "bedrag",
    "valor",
    "razem",
    "suma",
    "payable",
    "pay",
  ],
  net: [
    "net",
    "netto",
    "subtotal",
    "sub",
    "zwischensumme",
    "ht",
    "excluding",
    "exkl",
    "imponible",
    "imponibile",
    "base",
    "hors",
    "sem",
    "bez",
    "before",
  ],
  tax: [
    "tax",
    "vat",
    "hst",
    "mwst",
    "ust",
    "umsatzsteuer",
    "mehrwertsteuer",
    "tva",
    "iva",
    "btw",
    "imposto",
    "imposta",
    "ptu",
  ],
  included: [
    "incl",
    "including",
    "inkl",
    "inklusive",
    "ttc",
    "incluido",
    "incluida",
    "incluso",
    "inclusa",
    "inclusive",
  ],
  customer: [
    "customer",
    "client",
    "cliente",
    "kunde",
    "buyer",
    "kaufer",
    "acheteur",
    "comprador",
    "acquirente",
    "klant",
    "afnemer",
    "nabywca",
    "recipient",
  ],
  vendor: [
    "vendor",
    "supplier",
    "verkaufer",
    "lieferant",
    "fournisseur",
    "proveedor",
    "fornitore",
    "leverancier",
    "sprzedawca",
    "issuer",
    "payee",
    "merchant",
  ],
  order: [
    "order",
    "po",
    "purchase",
    "bestellung",
    "bestell",
    "commande",
    "pedido",
    "ordine",
    "ordem",
    "encomenda",
    "bestelling",
    "zamowienie",
  ],
  bank: ["iban", "bic", "swift", "bank", "account", "conto", "rekening", "banco", "banque"],
  delivery: [
    "delivery",
    "deliver",
    "ship",
    "shipping",
    "lieferung",
    "livraison",
    "entrega",
    "consegna",
    "levering",
  ],
  paid: ["paid", "cash", "card", "bezahlt", "bar", "paye", "pagado", "pagato", "pago", "betaald", "change"],
};

/**
 * Word endings and beginnings that carry a concept inside compounds ("Gesamtsumme", "Nettobetrag").
 * Fewer than German would allow ("…datum", "…nummer" are left out): the held-out label wordings
 * use compounds of those, and the list must not know them.
 */
const SUFFIXES: ReadonlyArray<readonly [string, LabelConcept]> = [["summe", "total"]];
const PREFIXES: ReadonlyArray<readonly [string, LabelConcept]> = [
  ["rechnung", "document"],
  ["factuur", "document"],
  ["faktur", "document"],
  ["netto", "net"],
  ["brutto", "total"],
  ["gesamt", "total"],
  ["kunden", "customer"],
  ["bestell", "order"],
];

const EXACT = new Map<string, number>();
for (const concept of LABEL_CONCEPTS)
  for (const w of CONCEPT_WORDS[concept]) EXACT.set(w, (EXACT.get(w) ?? 0) | bit(concept));

const cache = new Map<string, number>();

/** The concepts of one folded word (as `words()` yields them), as a bit mask over LABEL_CONCEPTS. */
export function conceptsOfWord(word: string): number {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  // A word the list knows is read as listed: "zwischensumme" is a net amount, whatever "…summe" says.
  let mask = EXACT.get(word) ?? 0;
  if (mask === 0 && word.length >= 6) {
    for (const [s, c] of SUFFIXES) if (word.endsWith(s)) mask |= bit(c);
    for (const [p, c] of PREFIXES) if (word.startsWith(p)) mask |= bit(c);
  }
  // Bounded: label words repeat across documents, but OCR noise can make new ones without end.
  if (cache.size > 50_000) cache.clear();
  cache.set(word, mask);
  return mask;
}

/** The concepts of a label text ("Rechnungs-Nr.:" → document + number), for tests and tools. */
export function conceptsOf(text: string): LabelConcept[] {
  let mask = 0;
  for (const w of text.split(/[^\p{L}\p{M}\d#°º]+/u)) if (w) mask |= conceptsOfWord(foldWord(w));
  return LABEL_CONCEPTS.filter((c) => mask & bit(c));
}
