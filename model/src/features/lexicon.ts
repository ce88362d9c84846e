/**
 * Words that mark a document number in the four languages ("No.", "Nr.", "N°", "#", "Nummer").
 * Written as a general list, not from the evaluation data: a test checks that every entry that
 * also occurs in a held-out label wording occurs in a training wording too, so the list carries no
 * knowledge that only the held-out split has.
 */
export const NUMBER_MARKERS: ReadonlySet<string> = new Set([
  "no",
  "nr",
  "n°",
  "nº",
  "n",
  "#",
  "number",
  "nummer",
  "numero",
  "id",
]);

/**
 * Words after which a short number ("No. 7", "Rechnung 27") is offered as an identifier candidate:
 * the number markers and the names of documents and orders in en/de/fr/es/nl/it/pt/pl. Used by
 * the candidate rules only, not as a feature.
 */
export const ID_MARKERS: ReadonlySet<string> = new Set([
  ...NUMBER_MARKERS,
  "nº",
  "n.º",
  "no",
  "num",
  "número",
  "nummer",
  "numer",
  "ref",
  "invoice",
  "inv",
  "receipt",
  "bill",
  "order",
  "rechnung",
  "rechnungsnummer",
  "rechnungsnr",
  "beleg",
  "quittung",
  "bestellung",
  "facture",
  "commande",
  "factura",
  "pedido",
  "factuur",
  "factuurnummer",
  "bestelling",
  "fattura",
  "ordine",
  "fatura",
  "encomenda",
  "faktura",
  "zamówienie",
]);
