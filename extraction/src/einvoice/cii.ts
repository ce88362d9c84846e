import {
  address,
  amount,
  code,
  CREDIT_NOTE_TYPE_CODES,
  decimal,
  defined,
  isoDate,
  period,
  termDays,
  text,
  type EInvoice,
  type EInvoiceValue,
} from "./e-invoice.js";
import { iban } from "./ubl.js";
import { child, childrenNamed, textAt, type XmlElement } from "./xml-tree.js";

/** The VAT registration (schemeID VA) where there is one, else the fiscal number (FC). */
function taxId(party: XmlElement | undefined): EInvoiceValue | undefined {
  const registrations = childrenNamed(party, "SpecifiedTaxRegistration").map((r) => child(r, "ID"));
  const vat = registrations.find((id) => id?.attributes.schemeID === "VA") ?? registrations[0];
  return code(vat?.text);
}

function partyFields(party: XmlElement | undefined) {
  const postal = child(party, "PostalTradeAddress");
  return {
    name: text(textAt(party, "Name")),
    address: address([
      textAt(postal, "LineOne"),
      textAt(postal, "LineTwo"),
      textAt(postal, "LineThree"),
      [textAt(postal, "PostcodeCode"), textAt(postal, "CityName")].filter(Boolean).join(" ") || undefined,
      textAt(postal, "CountrySubDivisionName"),
    ]),
    country: code(textAt(postal, "CountryID")),
    taxId: taxId(party),
  };
}

/** A CII date: `udt:DateTimeString` (format 102) inside the named element. */
const dateIn = (element: XmlElement | undefined, ...path: string[]): string | undefined =>
  textAt(element, ...path, "DateTimeString");

/**
 * Maps a UN/CEFACT CrossIndustryInvoice (Factur-X / ZUGFeRD of any profile, XRechnung CII) to the
 * result's fields. Profiles below EN 16931 (MINIMUM, BASIC WL) simply state fewer terms: what
 * is missing stays absent.
 */
export function mapCii(root: XmlElement, characters: number): EInvoice {
  const document = child(root, "ExchangedDocument");
  const transaction = child(root, "SupplyChainTradeTransaction");
  const agreement = child(transaction, "ApplicableHeaderTradeAgreement");
  const delivery = child(transaction, "ApplicableHeaderTradeDelivery");
  const settlement = child(transaction, "ApplicableHeaderTradeSettlement");
  const vendor = partyFields(child(agreement, "SellerTradeParty"));
  const customer = partyFields(child(agreement, "BuyerTradeParty"));
  const currency = textAt(settlement, "InvoiceCurrencyCode");
  const summation = child(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation");
  // TaxTotalAmount may be stated twice, in the invoice and in the VAT accounting currency.
  const taxTotals = childrenNamed(summation, "TaxTotalAmount");
  const taxTotal = taxTotals.find((t) => t.attributes.currencyID === currency) ?? taxTotals[0];
  const means = childrenNamed(settlement, "SpecifiedTradeSettlementPaymentMeans");
  const ibanText = means.map((m) => textAt(m, "PayeePartyCreditorFinancialAccount", "IBANID")).find(Boolean);
  const bicText = means
    .map((m) => textAt(m, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"))
    .find(Boolean);
  const paymentTerms = childrenNamed(settlement, "SpecifiedTradePaymentTerms");
  const terms = paymentTerms
    .map((t) => textAt(t, "Description"))
    .filter((d): d is string => !!d)
    .join("\n");
  const billingPeriod = child(settlement, "BillingSpecifiedPeriod");
  const typeCode = textAt(document, "TypeCode");
  const lines = childrenNamed(transaction, "IncludedSupplyChainTradeLineItem").map((line) => {
    const product = child(line, "SpecifiedTradeProduct");
    const quantity = child(line, "SpecifiedLineTradeDelivery", "BilledQuantity");
    const lineSettlement = child(line, "SpecifiedLineTradeSettlement");
    return defined({
      description: text(textAt(product, "Name") ?? textAt(product, "Description")),
      quantity: decimal(quantity?.text),
      unit: code(quantity?.attributes.unitCode),
      unitPrice: amount(
        textAt(line, "SpecifiedLineTradeAgreement", "NetPriceProductTradePrice", "ChargeAmount"),
      ),
      amount: amount(
        textAt(lineSettlement, "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"),
      ),
      taxRate: decimal(textAt(lineSettlement, "ApplicableTradeTax", "RateApplicablePercent")),
    });
  });
  return {
    syntax: "cii",
    documentType: typeCode && CREDIT_NOTE_TYPE_CODES.has(typeCode) ? "credit_note" : "invoice",
    fields: defined({
      invoiceNumber: text(textAt(document, "ID")),
      invoiceDate: isoDate(dateIn(document, "IssueDateTime")),
      dueDate: isoDate(paymentTerms.map((t) => dateIn(t, "DueDateDateTime")).find(Boolean)),
      vendorName: vendor.name,
      vendorAddress: vendor.address,
      vendorCountry: vendor.country,
      vendorTaxId: vendor.taxId,
      customerName: customer.name,
      customerAddress: customer.address,
      customerCountry: customer.country,
      customerTaxId: customer.taxId,
      subtotal: amount(textAt(summation, "TaxBasisTotalAmount")),
      taxAmount: amount(taxTotal?.text),
      totalAmount: amount(textAt(summation, "GrandTotalAmount")),
      amountDue: amount(textAt(summation, "DuePayableAmount")),
      currency: code(currency),
      iban: iban(ibanText),
      bic: code(bicText),
      purchaseOrderNumber: text(textAt(agreement, "BuyerOrderReferencedDocument", "IssuerAssignedID")),
      paymentTerms: text(terms || undefined),
      paymentTermsDays: termDays(terms || undefined),
      serviceDate: isoDate(dateIn(delivery, "ActualDeliverySupplyChainEvent", "OccurrenceDateTime")),
      servicePeriod: period(dateIn(billingPeriod, "StartDateTime"), dateIn(billingPeriod, "EndDateTime")),
    }),
    lineItems: lines,
    characters,
  };
}
