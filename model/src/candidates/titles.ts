import type { DocumentType, TextLine } from "@docsift/core";

/**
 * Document titles, folded (lower case, accents off), by the type they announce: the titles the
 * training generators print (the layout grammar's training titles and the template generator's),
 * never one only a held-out split uses (`test/titles.test.ts` checks both). Letters are left out:
 * "Information" or "Notice" heads sections of invoices too.
 */
export const TITLES: Partial<Record<DocumentType, readonly string[]>> = {
  invoice: [
    "factura",
    "factura simplificada",
    "facture",
    "factuur",
    "faktura",
    "faktura vat",
    "fattura",
    "fattura accompagnatoria",
    "fatura",
    "fatura-recibo",
    "invoice",
    "rechnung",
    "tax invoice",
    "verkoopfactuur",
  ],
  receipt: [
    "kassabon",
    "kassenbeleg",
    "kassenbon",
    "kwitantie",
    "paragon",
    "payment receipt",
    "potwierdzenie zapłaty",
    "quittung",
    "receipt",
    "recibo",
    "recu",
    "ricevuta",
    "sales receipt",
    "scontrino",
    "talao de venda",
    "ticket",
    "ticket de caisse",
  ],
  purchase_order: [
    "auftrag",
    "bestelling",
    "bestellung",
    "bon de commande",
    "commande",
    "encomenda",
    "inkooporder",
    "nota de encomenda",
    "orden de compra",
    "order",
    "ordine",
    "ordine d'acquisto",
    "pedido",
    "purchase order",
    "zamowienie",
    "zamowienie zakupu",
  ],
  credit_note: [
    "avoir",
    "credit memo",
    "credit note",
    "creditfactuur",
    "creditnota",
    "factura rectificativa",
    "facture d'avoir",
    "faktura korygujaca",
    "gutschrift",
    "nota de credito",
    "nota di credito",
    "nota kredytowa",
    "rechnungskorrektur",
  ],
  quote: [
    "angebot",
    "devis",
    "estimate",
    "kostenvoranschlag",
    "oferta",
    "offerta",
    "offerte",
    "orcamento",
    "presupuesto",
    "preventivo",
    "prijsopgave",
    "proposition commerciale",
    "proposta",
    "quotation",
    "quotation notice",
    "quote",
    "wycena",
  ],
  delivery_note: [
    "afleverbon",
    "albaran",
    "bon de livraison",
    "ddt",
    "delivery note",
    "dispatch note",
    "documento di trasporto",
    "dowod dostawy",
    "guia de remessa",
    "guia de transporte",
    "lieferschein",
    "nota de entrega",
    "pakbon",
    "wz",
  ],
  order_confirmation: [
    "accuse de reception de commande",
    "auftragsbestatigung",
    "conferma d'ordine",
    "confirmacao de encomenda",
    "confirmacion de pedido",
    "confirmation de commande",
    "order confirmation",
    "orderbevestiging",
    "potwierdzenie zamowienia",
    "sales order confirmation",
  ],
  statement: [
    "conta corrente",
    "estado de cuenta",
    "estratto conto",
    "extracto de cuenta",
    "extrato de conta",
    "kontoauszug",
    "kontoubersicht",
    "rekeningoverzicht",
    "releve",
    "releve de compte",
    "saldo-overzicht",
    "situazione contabile",
    "statement",
    "statement of account",
    "wyciag z konta",
    "zestawienie naleznosci",
  ],
  other: [
    "factura proforma",
    "facture pro forma",
    "faktura proforma",
    "fattura proforma",
    "fatura pro-forma",
    "pro forma invoice",
    "proforma",
    "proforma factuur",
    "proforma-rechnung",
  ],
};

export const foldTitle = (s: string): string =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();

const BY_LENGTH: Array<[string, DocumentType]> = Object.entries(TITLES)
  .flatMap(([type, titles]) => (titles ?? []).map((t): [string, DocumentType] => [t, type as DocumentType]))
  .sort((a, b) => b[0].length - a[0].length);

const LETTER_SPACED = /^\p{L}(?: \p{L}){3,}$/u;

/** After a title: nothing, or a number with its marker ("n° 27", "Nr. 2025-001", "#INV-7", ": 12"). */
const NUMBER_TAIL =
  /^(?:[\s:#.\-–/]*(?:no\.?|nr\.?|n°|n\.|no:|number|nummer|numero|num\.?)?[\s:#.]*[\p{L}]{0,4}[-/]?\d[\p{L}\d\-/.]*)?[\s:.]*$/u;

/**
 * The type the page's title announces: the first line in the top 40 % of the first page that is a
 * known title, alone or followed by its number, longest title first ("Tax Invoice" before
 * "Invoice", "Facture d'avoir" before "Facture"). Undefined when no line is one.
 */
export function titleType(lines: readonly TextLine[]): DocumentType | undefined {
  // Where the reader knows font sizes, a title is set larger than the page's body text or in bold:
  // "Order #: N97549" in body type is a reference, not the title. (Poppler reports some PDFs' sizes
  // from their font descriptors, not as drawn, so a bold title of "body size" still counts.)
  const sizes = lines.flatMap((l) => (l.fontSize ? [l.fontSize] : [])).sort((a, b) => a - b);
  const body = sizes[Math.floor(sizes.length / 2)];
  for (const line of lines.slice(0, 20)) {
    if (line.y > 0.4 || line.text.length > 60) continue;
    if (body !== undefined && line.fontSize !== undefined && line.fontSize < body * 1.15 && !line.bold)
      continue;
    // Letter-spaced titles ("I N V O I C E") are one word.
    const text = foldTitle(LETTER_SPACED.test(line.text.trim()) ? line.text.replace(/\s+/g, "") : line.text);
    for (const [title, type] of BY_LENGTH) {
      if (!text.startsWith(title)) continue;
      const rest = text.slice(title.length);
      if (rest !== "" && /^[\p{L}\d]/u.test(rest)) continue; // "Orderly Ltd" is no "Order"
      if (NUMBER_TAIL.test(rest)) return type;
    }
  }
  return undefined;
}

/**
 * The document-type probabilities with the title's type weighted up (odds × `weight`): the head
 * reads a bag of the first page's words, in which a title is one word among many, and on a layout
 * it never saw it can be sure of the wrong type; a printed title is the issuer saying what the
 * document is, so it decides: the title's type always comes out on top.
 */
export function withTitlePrior(
  probs: readonly number[],
  types: readonly DocumentType[],
  title: DocumentType | undefined,
  weight = 1000,
): number[] {
  const at = title === undefined ? -1 : types.indexOf(title);
  if (at < 0) return [...probs];
  // The title's type wins even where the head put almost nothing on it.
  const others = Math.max(0, ...probs.filter((_, i) => i !== at));
  const scaled = probs.map((p, i) => (i === at ? Math.max(p * weight, 2 * others) : p));
  const sum = scaled.reduce((a, b) => a + b, 0);
  return sum > 0 ? scaled.map((p) => p / sum) : [...probs];
}
