// Label wordings for the HTML templates, written for these families alone (not the generator's).
// Each key has one or more wordings; a template picks one per document.
import type { DocumentType } from "@docsift/core";
import type { Lang } from "./data.js";

export type LabelKey =
  | "number"
  | "date"
  | "due"
  | "billTo"
  | "from"
  | "shipTo"
  | "supplier"
  | "description"
  | "qty"
  | "unitPrice"
  | "amount"
  | "subtotal"
  | "tax"
  | "taxIncluded"
  | "total"
  | "amountDue"
  | "yourOrder"
  | "payment"
  | "thanks"
  | "creditFor"
  | "validUntil"
  | "delivered"
  | "balance"
  | "paid"
  | "page";

type Wordings = Record<LabelKey, readonly string[]>;

const EN: Wordings = {
  number: ["Invoice #", "Invoice No.", "Number", "Reference"],
  date: ["Created", "Date", "Issued", "Date of issue"],
  due: ["Due", "Due date", "Payment due", "Pay by"],
  billTo: ["Bill to", "Billed to", "Invoice to", "Customer"],
  from: ["From", "Issued by", "Seller"],
  shipTo: ["Ship to", "Deliver to", "Delivery address"],
  supplier: ["Supplier", "Vendor", "Order placed with"],
  description: ["Item", "Description", "Service", "Details"],
  qty: ["Qty", "Quantity", "Units"],
  unitPrice: ["Price", "Unit price", "Rate"],
  amount: ["Amount", "Line total", "Total"],
  subtotal: ["Subtotal", "Net amount", "Total before tax"],
  tax: ["Tax", "VAT", "Sales tax"],
  taxIncluded: ["incl. tax", "includes VAT", "of which tax"],
  total: ["Total", "Grand total", "Total payable"],
  amountDue: ["Amount due", "Balance due", "To pay"],
  yourOrder: ["Your PO", "PO number", "Customer order ref."],
  payment: [
    "Please pay {amount} by {due} to account {iban}.",
    "Payment by bank transfer to {iban} within the due date, quoting {number}.",
  ],
  thanks: ["Thank you for your business!", "Thanks for choosing us.", "We appreciate your prompt payment."],
  creditFor: ["Credit against invoice", "Relates to invoice"],
  validUntil: ["Valid until", "Offer valid to"],
  delivered: ["Delivery date", "Dispatched on"],
  balance: ["Balance", "Closing balance"],
  paid: ["Paid", "Payment received - thank you"],
  page: ["Page 1 of 1"],
};
const DE: Wordings = {
  number: ["Rechnungsnummer", "Rechnungs-Nr.", "Beleg-Nr.", "Nummer"],
  date: ["Datum", "Rechnungsdatum", "Ausgestellt am"],
  due: ["Fällig am", "Zahlbar bis", "Fälligkeit"],
  billTo: ["Rechnungsempfänger", "Kunde", "An"],
  from: ["Von", "Absender", "Leistungserbringer"],
  shipTo: ["Lieferanschrift", "Lieferung an"],
  supplier: ["Lieferant", "Auftragnehmer"],
  description: ["Bezeichnung", "Leistung", "Artikel", "Beschreibung"],
  qty: ["Menge", "Anz.", "Stück"],
  unitPrice: ["Einzelpreis", "E-Preis", "Preis"],
  amount: ["Betrag", "Gesamtpreis", "Summe"],
  subtotal: ["Nettobetrag", "Zwischensumme", "Summe netto"],
  tax: ["MwSt.", "Umsatzsteuer", "USt."],
  taxIncluded: ["enthaltene MwSt.", "darin enthaltene USt."],
  total: ["Gesamtbetrag", "Rechnungsbetrag", "Endbetrag", "Summe brutto"],
  amountDue: ["Offener Betrag", "Zu zahlen"],
  yourOrder: ["Ihre Bestellung", "Bestell-Nr.", "Ihr Zeichen"],
  payment: [
    "Bitte überweisen Sie {amount} bis zum {due} auf das Konto {iban}.",
    "Zahlbar ohne Abzug auf IBAN {iban} unter Angabe der Nummer {number}.",
  ],
  thanks: ["Vielen Dank für Ihren Auftrag.", "Wir danken für die gute Zusammenarbeit."],
  creditFor: ["Gutschrift zur Rechnung", "Bezug: Rechnung"],
  validUntil: ["Gültig bis", "Angebot gültig bis"],
  delivered: ["Lieferdatum", "Versanddatum"],
  balance: ["Saldo", "Kontostand"],
  paid: ["Bezahlt", "Betrag dankend erhalten"],
  page: ["Seite 1 von 1"],
};
const FR: Wordings = {
  number: ["Facture n°", "Numéro", "N° de pièce", "Référence"],
  date: ["Date", "Date d'émission", "Émise le"],
  due: ["Échéance", "À régler avant le", "Date d'échéance"],
  billTo: ["Facturé à", "Client", "Destinataire"],
  from: ["Émetteur", "De", "Prestataire"],
  shipTo: ["Livré à", "Adresse de livraison"],
  supplier: ["Fournisseur", "Commande passée auprès de"],
  description: ["Désignation", "Description", "Prestation"],
  qty: ["Qté", "Quantité"],
  unitPrice: ["Prix unitaire", "P.U. HT", "Tarif"],
  amount: ["Montant", "Total HT", "Montant HT"],
  subtotal: ["Total HT", "Montant hors taxes", "Sous-total"],
  tax: ["TVA", "Montant TVA"],
  taxIncluded: ["dont TVA", "TVA incluse"],
  total: ["Total TTC", "Net à payer", "Montant total"],
  amountDue: ["Reste à payer", "Montant dû"],
  yourOrder: ["Votre commande", "Bon de commande n°", "Réf. client"],
  payment: [
    "Merci de régler {amount} avant le {due} par virement sur le compte {iban}.",
    "Règlement par virement (IBAN {iban}) en rappelant la référence {number}.",
  ],
  thanks: ["Merci de votre confiance.", "Nous vous remercions de votre commande."],
  creditFor: ["Avoir sur facture", "Annule et remplace la facture"],
  validUntil: ["Valable jusqu'au", "Validité de l'offre"],
  delivered: ["Date de livraison", "Expédié le"],
  balance: ["Solde", "Solde dû"],
  paid: ["Payé", "Règlement reçu, merci"],
  page: ["Page 1 sur 1"],
};
const ES: Wordings = {
  number: ["Factura n.º", "Número", "N.º de documento", "Referencia"],
  date: ["Fecha", "Fecha de emisión", "Emitida el"],
  due: ["Vencimiento", "Fecha de vencimiento", "Pagar antes del"],
  billTo: ["Facturar a", "Cliente", "Destinatario"],
  from: ["Emisor", "De", "Proveedor"],
  shipTo: ["Enviar a", "Dirección de entrega"],
  supplier: ["Proveedor", "Pedido a"],
  description: ["Concepto", "Descripción", "Artículo"],
  qty: ["Cant.", "Cantidad", "Uds."],
  unitPrice: ["Precio unitario", "Precio", "P. unit."],
  amount: ["Importe", "Total línea"],
  subtotal: ["Base imponible", "Subtotal", "Importe neto"],
  tax: ["IVA", "Cuota IVA"],
  taxIncluded: ["IVA incluido", "de los cuales IVA"],
  total: ["Total", "Total factura", "Importe total"],
  amountDue: ["Importe pendiente", "A pagar"],
  yourOrder: ["Su pedido", "N.º de pedido", "Ref. cliente"],
  payment: [
    "Le rogamos abone {amount} antes del {due} en la cuenta {iban}.",
    "Forma de pago: transferencia a {iban} indicando {number}.",
  ],
  thanks: ["Gracias por su confianza.", "Gracias por su compra."],
  creditFor: ["Rectifica la factura", "Abono sobre factura"],
  validUntil: ["Válido hasta", "Validez de la oferta"],
  delivered: ["Fecha de entrega", "Enviado el"],
  balance: ["Saldo", "Saldo pendiente"],
  paid: ["Pagado", "Pago recibido, gracias"],
  page: ["Página 1 de 1"],
};
const NL: Wordings = {
  number: ["Factuurnummer", "Factuurnr.", "Nummer", "Kenmerk"],
  date: ["Datum", "Factuurdatum", "Uitgegeven op"],
  due: ["Vervaldatum", "Te betalen voor", "Uiterste betaaldatum"],
  billTo: ["Factuur aan", "Klant", "Aan"],
  from: ["Van", "Afzender", "Leverancier"],
  shipTo: ["Afleveradres", "Leveren aan"],
  supplier: ["Leverancier", "Besteld bij"],
  description: ["Omschrijving", "Product", "Dienst"],
  qty: ["Aantal", "Aant."],
  unitPrice: ["Prijs", "Stukprijs", "Tarief"],
  amount: ["Bedrag", "Totaal"],
  subtotal: ["Subtotaal", "Totaal excl. btw", "Netto"],
  tax: ["BTW", "Btw-bedrag"],
  taxIncluded: ["waarvan btw", "incl. btw"],
  total: ["Totaal", "Totaal incl. btw", "Te betalen"],
  amountDue: ["Openstaand bedrag", "Nog te betalen"],
  yourOrder: ["Uw order", "Inkoopordernr.", "Uw referentie"],
  payment: [
    "Gelieve {amount} voor {due} over te maken op rekening {iban}.",
    "Betaling op {iban} o.v.v. factuurnummer {number}.",
  ],
  thanks: ["Bedankt voor uw opdracht!", "Dank voor uw vertrouwen."],
  creditFor: ["Creditering van factuur", "Betreft factuur"],
  validUntil: ["Geldig tot", "Offerte geldig tot"],
  delivered: ["Leverdatum", "Verzonden op"],
  balance: ["Saldo", "Openstaand saldo"],
  paid: ["Betaald", "Betaling ontvangen, dank u"],
  page: ["Pagina 1 van 1"],
};
const IT: Wordings = {
  number: ["Fattura n.", "Numero", "N. documento", "Rif."],
  date: ["Data", "Data emissione", "Emessa il"],
  due: ["Scadenza", "Data di scadenza", "Pagare entro"],
  billTo: ["Intestata a", "Cliente", "Spett.le"],
  from: ["Emittente", "Da", "Fornitore"],
  shipTo: ["Destinazione merce", "Consegnare a"],
  supplier: ["Fornitore", "Ordine a"],
  description: ["Descrizione", "Articolo", "Prestazione"],
  qty: ["Q.tà", "Quantità"],
  unitPrice: ["Prezzo unitario", "Prezzo", "P.U."],
  amount: ["Importo", "Totale riga"],
  subtotal: ["Imponibile", "Totale imponibile", "Subtotale"],
  tax: ["IVA", "Imposta"],
  taxIncluded: ["di cui IVA", "IVA inclusa"],
  total: ["Totale", "Totale documento", "Totale fattura"],
  amountDue: ["Importo dovuto", "Da pagare"],
  yourOrder: ["Vs. ordine", "Ordine n.", "Rif. cliente"],
  payment: [
    "Si prega di versare {amount} entro il {due} sul conto {iban}.",
    "Pagamento tramite bonifico su IBAN {iban} indicando {number}.",
  ],
  thanks: ["Grazie per la fiducia.", "Grazie per averci scelto."],
  creditFor: ["Nota di credito relativa alla fattura", "Storno fattura"],
  validUntil: ["Valida fino al", "Validità offerta"],
  delivered: ["Data consegna", "Spedito il"],
  balance: ["Saldo", "Saldo a debito"],
  paid: ["Pagato", "Pagamento ricevuto, grazie"],
  page: ["Pagina 1 di 1"],
};

export const WORDINGS: Record<Lang, Wordings> = { en: EN, de: DE, fr: FR, es: ES, nl: NL, it: IT };

/** Document titles by type; the first title of "invoice" is replaced by "Tax Invoice" where a template asks for it. */
export const TITLES: Record<Lang, Record<DocumentType, readonly string[]>> = {
  en: {
    invoice: ["Invoice", "INVOICE"],
    receipt: ["Receipt", "Payment receipt"],
    purchase_order: ["Purchase Order", "PURCHASE ORDER"],
    credit_note: ["Credit Note", "Credit Memo"],
    quote: ["Quote", "Estimate", "Quotation"],
    delivery_note: ["Delivery Note", "Packing Slip"],
    order_confirmation: ["Order Confirmation", "Order Acknowledgement"],
    statement: ["Statement of Account", "Statement"],
    letter: ["Letter"],
    other: ["Document"],
  },
  de: {
    invoice: ["Rechnung", "RECHNUNG"],
    receipt: ["Quittung", "Zahlungsbeleg"],
    purchase_order: ["Bestellung", "Auftrag an Lieferanten"],
    credit_note: ["Gutschrift", "Rechnungskorrektur"],
    quote: ["Angebot", "Kostenvoranschlag"],
    delivery_note: ["Lieferschein"],
    order_confirmation: ["Auftragsbestätigung"],
    statement: ["Kontoauszug", "Saldenbestätigung"],
    letter: ["Schreiben"],
    other: ["Dokument"],
  },
  fr: {
    invoice: ["Facture", "FACTURE"],
    receipt: ["Reçu", "Quittance"],
    purchase_order: ["Bon de commande"],
    credit_note: ["Avoir", "Facture d'avoir"],
    quote: ["Devis", "Offre de prix"],
    delivery_note: ["Bon de livraison"],
    order_confirmation: ["Confirmation de commande", "Accusé de réception de commande"],
    statement: ["Relevé de compte"],
    letter: ["Courrier"],
    other: ["Document"],
  },
  es: {
    invoice: ["Factura", "FACTURA"],
    receipt: ["Recibo"],
    purchase_order: ["Orden de compra", "Pedido"],
    credit_note: ["Factura rectificativa", "Nota de abono"],
    quote: ["Presupuesto", "Oferta"],
    delivery_note: ["Albarán", "Nota de entrega"],
    order_confirmation: ["Confirmación de pedido"],
    statement: ["Extracto de cuenta"],
    letter: ["Carta"],
    other: ["Documento"],
  },
  nl: {
    invoice: ["Factuur", "FACTUUR"],
    receipt: ["Kwitantie", "Betaalbewijs"],
    purchase_order: ["Inkooporder", "Bestelbon"],
    credit_note: ["Creditnota", "Creditfactuur"],
    quote: ["Offerte", "Prijsopgave"],
    delivery_note: ["Pakbon", "Afleverbon"],
    order_confirmation: ["Orderbevestiging"],
    statement: ["Rekeningoverzicht"],
    letter: ["Brief"],
    other: ["Document"],
  },
  it: {
    invoice: ["Fattura", "FATTURA"],
    receipt: ["Ricevuta"],
    purchase_order: ["Ordine d'acquisto", "Ordine fornitore"],
    credit_note: ["Nota di credito"],
    quote: ["Preventivo", "Offerta"],
    delivery_note: ["Documento di trasporto", "Bolla di consegna"],
    order_confirmation: ["Conferma d'ordine"],
    statement: ["Estratto conto"],
    letter: ["Lettera"],
    other: ["Documento"],
  },
};

/** Number labels of the non-invoice documents (an invoice uses `number`). */
export const NUMBER_LABELS: Record<Lang, Partial<Record<DocumentType, string>>> = {
  en: {
    receipt: "Receipt #",
    purchase_order: "PO #",
    credit_note: "Credit note #",
    quote: "Quote #",
    delivery_note: "Delivery #",
    order_confirmation: "Order #",
    statement: "Account #",
  },
  de: {
    receipt: "Beleg-Nr.",
    purchase_order: "Bestellnummer",
    credit_note: "Gutschrift-Nr.",
    quote: "Angebots-Nr.",
    delivery_note: "Lieferschein-Nr.",
    order_confirmation: "Auftrags-Nr.",
    statement: "Konto-Nr.",
  },
  fr: {
    receipt: "Reçu n°",
    purchase_order: "Commande n°",
    credit_note: "Avoir n°",
    quote: "Devis n°",
    delivery_note: "BL n°",
    order_confirmation: "Commande n°",
    statement: "Compte n°",
  },
  es: {
    receipt: "Recibo n.º",
    purchase_order: "Pedido n.º",
    credit_note: "Rectificativa n.º",
    quote: "Presupuesto n.º",
    delivery_note: "Albarán n.º",
    order_confirmation: "Pedido n.º",
    statement: "Cuenta n.º",
  },
  nl: {
    receipt: "Kwitantienr.",
    purchase_order: "Ordernummer",
    credit_note: "Creditnotanr.",
    quote: "Offertenr.",
    delivery_note: "Pakbonnr.",
    order_confirmation: "Ordernr.",
    statement: "Klantnr.",
  },
  it: {
    receipt: "Ricevuta n.",
    purchase_order: "Ordine n.",
    credit_note: "Nota n.",
    quote: "Preventivo n.",
    delivery_note: "DDT n.",
    order_confirmation: "Ordine n.",
    statement: "Conto n.",
  },
};
