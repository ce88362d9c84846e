import type { DocumentType } from "@docsift/core";
import type { LocaleId, Split } from "./types.js";

/** Label phrasings. Each key has wordings seen in training and wordings kept back for split (b). */
export const LABEL_KEYS = [
  "invoiceNumber",
  "receiptNumber",
  "poNumber",
  "yourOrder",
  "invoiceDate",
  "poDate",
  "dueDate",
  "billTo",
  "supplier",
  "subtotal",
  "tax",
  "total",
  "iban",
  "currency",
  "customerNo",
  "deliveryDate",
  "orderDate",
  "shipping",
  "bic",
  "vatId",
  "phone",
  "deliveryNote",
  "shipTo",
  "paid",
  "change",
  "bank",
] as const;
export type LabelKey = (typeof LABEL_KEYS)[number];

interface Wordings {
  train: string[];
  heldout: string[];
}

export interface LocaleSpec {
  id: LocaleId;
  months: string[];
  monthsShort: string[];
  labels: Record<LabelKey, Wordings>;
  titles: Record<DocumentType, string[]>;
  currencies: string[];
  items: string[];
  notes: string[];
  legalForms: string[];
  cities: string[];
  streets: string[];
  taxRates: number[];
  pageWord: string;
  ofWord: string;
  paymentTerms: (days: number) => string;
  transferNote: string;
  letterBody: string[];
}

const w = (train: string[], heldout: string[]): Wordings => ({ train, heldout });

const en: LocaleSpec = {
  id: "en",
  months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  monthsShort: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  labels: {
    invoiceNumber: w(["Invoice No.", "Invoice Number", "Invoice #", "Invoice no:"], ["Bill No.", "Inv. Ref."]),
    receiptNumber: w(["Receipt No.", "Receipt #"], ["Transaction No."]),
    poNumber: w(["PO Number", "Purchase Order No.", "PO #"], ["Order Ref. No."]),
    yourOrder: w(["Your PO", "PO Number", "Customer PO"], ["Your order ref."]),
    invoiceDate: w(["Invoice Date", "Date", "Date of issue"], ["Billing date", "Issued on"]),
    poDate: w(["PO Date", "Date"], ["Issued"]),
    dueDate: w(["Due Date", "Payment due", "Due by"], ["Pay by", "Payable until"]),
    billTo: w(["Bill to:", "Invoice to:", "Customer:"], ["Billed to:", "Sold to:"]),
    supplier: w(["Vendor:", "Supplier:"], ["Seller:"]),
    subtotal: w(["Subtotal", "Net amount", "Sub-total"], ["Total excl. tax", "Net total"]),
    tax: w(["VAT", "Tax", "Sales tax"], ["GST", "Tax amount"]),
    total: w(["Total", "Total due", "Amount due", "Grand total"], ["Balance due", "Invoice total"]),
    iban: w(["IBAN", "IBAN:"], ["Account (IBAN)"]),
    currency: w(["Currency", "Currency:"], ["Currency code"]),
    customerNo: w(["Customer No.", "Account No."], ["Client ID"]),
    deliveryDate: w(["Delivery date", "Ship date"], ["Shipped on"]),
    orderDate: w(["Order date"], ["Ordered on"]),
    shipping: w(["Shipping", "Freight"], ["Delivery charge"]),
    bic: w(["BIC", "SWIFT"], ["SWIFT/BIC"]),
    vatId: w(["VAT Reg. No.", "Tax ID"], ["VAT number"]),
    phone: w(["Phone", "Tel."], ["Telephone"]),
    deliveryNote: w(["Delivery Note No.", "Packing slip"], ["Dispatch note"]),
    shipTo: w(["Ship to:", "Deliver to:"], ["Consignee:"]),
    paid: w(["Cash", "Card payment"], ["Tendered"]),
    change: w(["Change"], ["Change due"]),
    bank: w(["Bank", "Bank name"], ["Bank details"]),
  },
  titles: {
    invoice: ["INVOICE", "Invoice", "Tax Invoice"],
    receipt: ["RECEIPT", "Sales Receipt", "Receipt"],
    purchase_order: ["PURCHASE ORDER", "Purchase Order"],
    other: ["DELIVERY NOTE", "Delivery Note", "Letter", "QUOTATION NOTICE"],
  },
  currencies: ["USD", "GBP", "EUR"],
  items: ["Consulting services", "Software licence", "Office chairs", "Printer paper A4", "Maintenance fee", "Cloud hosting", "Training workshop", "Spare parts kit", "Design work", "Cleaning service"],
  notes: ["Thank you for your business!", "Goods remain our property until paid in full.", "Please quote the invoice number with your payment.", "Questions? Contact our accounts team."],
  legalForms: ["Ltd", "LLC", "Inc.", "Limited", "& Co."],
  cities: ["London", "Manchester", "Boston", "Chicago", "Leeds", "Denver"],
  streets: ["High Street", "Market Road", "Elm Avenue", "Station Lane", "King Street"],
  taxRates: [20, 10, 8.25, 5],
  pageWord: "Page",
  ofWord: "of",
  paymentTerms: (d) => `Payment terms: ${d} days net`,
  transferNote: "Please transfer the amount to",
  letterBody: ["We refer to our recent conversation.", "Please find the documents enclosed.", "Kind regards"],
};

const de: LocaleSpec = {
  id: "de",
  months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
  monthsShort: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
  labels: {
    invoiceNumber: w(["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr."], ["Beleg-Nr.", "Rg.-Nr."]),
    receiptNumber: w(["Bon-Nr.", "Beleg Nr."], ["Quittungsnr."]),
    poNumber: w(["Bestellnummer", "Bestell-Nr."], ["Auftragsnummer"]),
    yourOrder: w(["Ihre Bestellung", "Ihre Bestell-Nr."], ["Ihr Auftrag"]),
    invoiceDate: w(["Rechnungsdatum", "Datum"], ["Ausstellungsdatum", "Belegdatum"]),
    poDate: w(["Bestelldatum", "Datum"], ["Auftragsdatum"]),
    dueDate: w(["Fällig am", "Zahlbar bis"], ["Fälligkeitsdatum", "Zahlungsziel"]),
    billTo: w(["Rechnungsempfänger:", "Kunde:"], ["Empfänger:", "An:"]),
    supplier: w(["Lieferant:"], ["Auftragnehmer:"]),
    subtotal: w(["Zwischensumme", "Nettobetrag", "Summe netto"], ["Warenwert netto", "Gesamt netto"]),
    tax: w(["MwSt.", "USt.", "Mehrwertsteuer"], ["zzgl. Umsatzsteuer", "Steuer"]),
    total: w(["Gesamtbetrag", "Rechnungsbetrag", "Summe", "Gesamt"], ["Endbetrag", "Zu zahlen"]),
    iban: w(["IBAN", "IBAN:"], ["Konto (IBAN)"]),
    currency: w(["Währung", "Währung:"], ["Währungscode"]),
    customerNo: w(["Kundennummer", "Kunden-Nr."], ["Debitor-Nr."]),
    deliveryDate: w(["Lieferdatum", "Leistungsdatum"], ["Liefertermin"]),
    orderDate: w(["Bestelldatum"], ["Auftrag vom"]),
    shipping: w(["Versand", "Fracht"], ["Versandkosten"]),
    bic: w(["BIC", "SWIFT"], ["BIC-Code"]),
    vatId: w(["USt-IdNr.", "Steuernummer"], ["St.-Nr."]),
    phone: w(["Telefon", "Tel."], ["Fon"]),
    deliveryNote: w(["Lieferschein-Nr.", "Lieferschein"], ["Versandschein"]),
    shipTo: w(["Lieferadresse:", "Lieferung an:"], ["Warenempfänger:"]),
    paid: w(["Bar", "EC-Karte"], ["Gegeben"]),
    change: w(["Rückgeld"], ["Zurück"]),
    bank: w(["Bank", "Kreditinstitut"], ["Bankverbindung"]),
  },
  titles: {
    invoice: ["RECHNUNG", "Rechnung"],
    receipt: ["QUITTUNG", "Kassenbon", "Quittung"],
    purchase_order: ["BESTELLUNG", "Bestellung"],
    other: ["LIEFERSCHEIN", "Lieferschein", "Schreiben", "Mitteilung"],
  },
  currencies: ["EUR", "CHF"],
  items: ["Beratungsleistung", "Softwarelizenz", "Bürostühle", "Druckerpapier A4", "Wartungspauschale", "Cloud-Hosting", "Schulung", "Ersatzteilset", "Grafikdesign", "Gebäudereinigung"],
  notes: ["Vielen Dank für Ihren Auftrag!", "Die Ware bleibt bis zur vollständigen Bezahlung unser Eigentum.", "Bitte geben Sie bei Zahlung die Rechnungsnummer an.", "Bei Fragen wenden Sie sich an unsere Buchhaltung."],
  legalForms: ["GmbH", "AG", "GmbH & Co. KG", "e.K.", "KG"],
  cities: ["Berlin", "München", "Hamburg", "Köln", "Leipzig", "Stuttgart"],
  streets: ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee", "Marktplatz"],
  taxRates: [19, 7],
  pageWord: "Seite",
  ofWord: "von",
  paymentTerms: (d) => `Zahlbar innerhalb von ${d} Tagen ohne Abzug`,
  transferNote: "Bitte überweisen Sie den Betrag auf",
  letterBody: ["Bezugnehmend auf unser Gespräch.", "Anbei erhalten Sie die Unterlagen.", "Mit freundlichen Grüßen"],
};

const fr: LocaleSpec = {
  id: "fr",
  months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  monthsShort: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
  labels: {
    invoiceNumber: w(["Facture n°", "N° de facture", "Numéro de facture"], ["Réf. facture", "Facture no"]),
    receiptNumber: w(["Ticket n°", "Reçu n°"], ["N° de ticket"]),
    poNumber: w(["N° de commande", "Bon de commande n°"], ["Réf. commande"]),
    yourOrder: w(["Votre commande", "Votre réf."], ["Commande client"]),
    invoiceDate: w(["Date de facture", "Date"], ["Date d'émission", "Émise le"]),
    poDate: w(["Date de commande", "Date"], ["Émis le"]),
    dueDate: w(["Date d'échéance", "Échéance"], ["À payer avant le", "Payable le"]),
    billTo: w(["Facturé à :", "Client :"], ["Destinataire :", "Adressé à :"]),
    supplier: w(["Fournisseur :"], ["Vendeur :"]),
    subtotal: w(["Total HT", "Sous-total", "Montant HT"], ["Net HT", "Base HT"]),
    tax: w(["TVA", "Montant TVA"], ["Taxe", "TVA collectée"]),
    total: w(["Total TTC", "Montant TTC", "Net à payer"], ["Total à régler", "Montant dû"]),
    iban: w(["IBAN", "IBAN :"], ["Compte IBAN"]),
    currency: w(["Devise", "Devise :"], ["Monnaie"]),
    customerNo: w(["N° client", "Code client"], ["Réf. client"]),
    deliveryDate: w(["Date de livraison", "Livré le"], ["Expédié le"]),
    orderDate: w(["Date de commande"], ["Commandé le"]),
    shipping: w(["Frais de port", "Livraison"], ["Transport"]),
    bic: w(["BIC", "SWIFT"], ["Code BIC"]),
    vatId: w(["N° TVA intracom.", "SIRET"], ["N° de TVA"]),
    phone: w(["Tél.", "Téléphone"], ["Tél :"]),
    deliveryNote: w(["Bon de livraison n°", "Bon de livraison"], ["Bordereau d'envoi"]),
    shipTo: w(["Livrer à :", "Adresse de livraison :"], ["Destinataire livraison :"]),
    paid: w(["Espèces", "Carte bancaire"], ["Reçu"]),
    change: w(["Rendu"], ["Monnaie rendue"]),
    bank: w(["Banque", "Domiciliation"], ["Coordonnées bancaires"]),
  },
  titles: {
    invoice: ["FACTURE", "Facture"],
    receipt: ["TICKET DE CAISSE", "Reçu"],
    purchase_order: ["BON DE COMMANDE", "Bon de commande"],
    other: ["BON DE LIVRAISON", "Bon de livraison", "Courrier", "Avis"],
  },
  currencies: ["EUR", "CHF"],
  items: ["Prestation de conseil", "Licence logicielle", "Chaises de bureau", "Papier A4", "Forfait maintenance", "Hébergement cloud", "Formation", "Kit de pièces", "Création graphique", "Nettoyage des locaux"],
  notes: ["Merci de votre confiance !", "Pénalités de retard : trois fois le taux d'intérêt légal.", "Merci de rappeler le numéro de facture lors du paiement.", "Pour toute question, contactez notre comptabilité."],
  legalForms: ["SARL", "SAS", "SA", "EURL"],
  cities: ["Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes"],
  streets: ["rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire", "rue des Lilas", "place du Marché"],
  taxRates: [20, 10, 5.5],
  pageWord: "Page",
  ofWord: "sur",
  paymentTerms: (d) => `Paiement à ${d} jours`,
  transferNote: "Merci de virer le montant sur le compte",
  letterBody: ["Suite à notre entretien.", "Veuillez trouver ci-joint les documents.", "Cordialement"],
};

const es: LocaleSpec = {
  id: "es",
  months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
  monthsShort: ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
  labels: {
    invoiceNumber: w(["Factura n.º", "Número de factura", "Nº Factura"], ["Factura núm.", "Ref. factura"]),
    receiptNumber: w(["Ticket n.º", "Recibo n.º"], ["Nº de ticket"]),
    poNumber: w(["Nº de pedido", "Orden de compra n.º"], ["Ref. pedido"]),
    yourOrder: w(["Su pedido", "Su referencia"], ["Pedido cliente"]),
    invoiceDate: w(["Fecha de factura", "Fecha"], ["Fecha de emisión", "Emitida el"]),
    poDate: w(["Fecha del pedido", "Fecha"], ["Emitido el"]),
    dueDate: w(["Fecha de vencimiento", "Vencimiento"], ["Pagar antes del", "Vence el"]),
    billTo: w(["Facturar a:", "Cliente:"], ["Destinatario:", "Datos del cliente:"]),
    supplier: w(["Proveedor:"], ["Vendedor:"]),
    subtotal: w(["Base imponible", "Subtotal", "Importe neto"], ["Total sin IVA", "Neto"]),
    tax: w(["IVA", "Cuota IVA"], ["Impuesto", "IVA repercutido"]),
    total: w(["Total", "Total factura", "Importe total"], ["Total a pagar", "Importe a abonar"]),
    iban: w(["IBAN", "IBAN:"], ["Cuenta IBAN"]),
    currency: w(["Moneda", "Moneda:"], ["Divisa"]),
    customerNo: w(["Nº cliente", "Código cliente"], ["Ref. cliente"]),
    deliveryDate: w(["Fecha de entrega", "Entregado el"], ["Enviado el"]),
    orderDate: w(["Fecha de pedido"], ["Pedido el"]),
    shipping: w(["Envío", "Portes"], ["Gastos de envío"]),
    bic: w(["BIC", "SWIFT"], ["Código BIC"]),
    vatId: w(["NIF", "CIF"], ["N.I.F."]),
    phone: w(["Tel.", "Teléfono"], ["Tfno."]),
    deliveryNote: w(["Albarán n.º", "Albarán"], ["Nota de envío"]),
    shipTo: w(["Enviar a:", "Dirección de entrega:"], ["Entregar a:"]),
    paid: w(["Efectivo", "Tarjeta"], ["Entregado"]),
    change: w(["Cambio"], ["Devolución"]),
    bank: w(["Banco", "Entidad"], ["Datos bancarios"]),
  },
  titles: {
    invoice: ["FACTURA", "Factura"],
    receipt: ["TICKET", "Recibo"],
    purchase_order: ["ORDEN DE COMPRA", "Pedido"],
    other: ["ALBARÁN", "Albarán", "Carta", "Aviso"],
  },
  currencies: ["EUR"],
  items: ["Servicios de consultoría", "Licencia de software", "Sillas de oficina", "Papel A4", "Cuota de mantenimiento", "Alojamiento en la nube", "Formación", "Kit de recambios", "Diseño gráfico", "Servicio de limpieza"],
  notes: ["¡Gracias por su confianza!", "La mercancía sigue siendo de nuestra propiedad hasta su pago.", "Indique el número de factura en la transferencia.", "Para cualquier consulta, contacte con administración."],
  legalForms: ["S.L.", "S.A.", "S.L.U.", "S.Coop."],
  cities: ["Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Zaragoza"],
  streets: ["Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo del Prado", "Plaza España"],
  taxRates: [21, 10, 4],
  pageWord: "Página",
  ofWord: "de",
  paymentTerms: (d) => `Forma de pago: transferencia a ${d} días`,
  transferNote: "Por favor, transfiera el importe a",
  letterBody: ["En relación con nuestra conversación.", "Adjuntamos la documentación.", "Atentamente"],
};

export const LOCALES: Record<LocaleId, LocaleSpec> = { en, de, fr, es };

/** Label wordings a split may use: training sees only `train`; held-out documents use only `heldout`. */
export function labelChoices(locale: LocaleSpec, key: LabelKey, split: Split): string[] {
  return locale.labels[key][split];
}
