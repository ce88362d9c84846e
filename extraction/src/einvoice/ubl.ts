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
import { child, childrenNamed, textAt, type XmlElement } from "./xml-tree.js";

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;

export const iban = (raw: string | undefined): EInvoiceValue | undefined => {
  const value = code(raw);
  return value && IBAN.test(value.value) ? value : undefined;
};

/** The party's VAT id where one is marked as such, else its first tax registration. */
function taxId(party: XmlElement | undefined): EInvoiceValue | undefined {
  const schemes = childrenNamed(party, "PartyTaxScheme");
  const vat = schemes.find((s) => textAt(s, "TaxScheme", "ID")?.toUpperCase() === "VAT") ?? schemes[0];
  return code(textAt(vat, "CompanyID"));
}

function partyFields(party: XmlElement | undefined) {
  const postal = child(party, "PostalAddress");
  return {
    name: text(textAt(party, "PartyLegalEntity", "RegistrationName") ?? textAt(party, "PartyName", "Name")),
    address: address([
      textAt(postal, "StreetName"),
      textAt(postal, "AdditionalStreetName"),
      ...childrenNamed(postal, "AddressLine").map((l) => textAt(l, "Line")),
      [textAt(postal, "PostalZone"), textAt(postal, "CityName")].filter(Boolean).join(" ") || undefined,
      textAt(postal, "CountrySubentity"),
    ]),
    country: code(textAt(postal, "Country", "IdentificationCode")),
    taxId: taxId(party),
  };
}

/**
 * Maps a UBL 2.1 Invoice or CreditNote (Peppol BIS Billing 3, XRechnung UBL) to the result's
 * fields, by the EN 16931 business terms' places in the syntax binding.
 */
export function mapUbl(root: XmlElement, characters: number): EInvoice {
  const creditNote = root.name === "CreditNote";
  const currency = textAt(root, "DocumentCurrencyCode");
  const vendor = partyFields(child(root, "AccountingSupplierParty", "Party"));
  const customer = partyFields(child(root, "AccountingCustomerParty", "Party"));
  const totals = child(root, "LegalMonetaryTotal");
  const taxTotals = childrenNamed(root, "TaxTotal");
  // A second TaxTotal may state the VAT in the accounting currency: the document's own comes first.
  const taxTotal =
    taxTotals.find((t) => child(t, "TaxAmount")?.attributes.currencyID === currency) ?? taxTotals[0];
  const means = childrenNamed(root, "PaymentMeans");
  const account = means.map((m) => child(m, "PayeeFinancialAccount")).find(Boolean);
  const terms = childrenNamed(root, "PaymentTerms")
    .map((t) => textAt(t, "Note"))
    .filter((n): n is string => !!n)
    .join("\n");
  const invoicePeriod = child(root, "InvoicePeriod");
  const typeCode = textAt(root, creditNote ? "CreditNoteTypeCode" : "InvoiceTypeCode");
  const lines = childrenNamed(root, creditNote ? "CreditNoteLine" : "InvoiceLine").map((line) => {
    const quantity = child(line, creditNote ? "CreditedQuantity" : "InvoicedQuantity");
    const item = child(line, "Item");
    return defined({
      description: text(textAt(item, "Name") ?? textAt(item, "Description")),
      quantity: decimal(quantity?.text),
      unit: code(quantity?.attributes.unitCode),
      unitPrice: amount(textAt(line, "Price", "PriceAmount")),
      amount: amount(textAt(line, "LineExtensionAmount")),
      taxRate: decimal(textAt(item, "ClassifiedTaxCategory", "Percent")),
    });
  });
  return {
    syntax: "ubl",
    documentType:
      creditNote || (typeCode && CREDIT_NOTE_TYPE_CODES.has(typeCode)) ? "credit_note" : "invoice",
    fields: defined({
      invoiceNumber: text(textAt(root, "ID")),
      invoiceDate: isoDate(textAt(root, "IssueDate")),
      dueDate: isoDate(
        textAt(root, "DueDate") ?? means.map((m) => textAt(m, "PaymentDueDate")).find(Boolean),
      ),
      vendorName: vendor.name,
      vendorAddress: vendor.address,
      vendorCountry: vendor.country,
      vendorTaxId: vendor.taxId,
      customerName: customer.name,
      customerAddress: customer.address,
      customerCountry: customer.country,
      customerTaxId: customer.taxId,
      subtotal: amount(textAt(totals, "TaxExclusiveAmount")),
      taxAmount: amount(textAt(taxTotal, "TaxAmount")),
      totalAmount: amount(textAt(totals, "TaxInclusiveAmount")),
      amountDue: amount(textAt(totals, "PayableAmount")),
      currency: code(currency),
      iban: iban(textAt(account, "ID")),
      bic: code(textAt(account, "FinancialInstitutionBranch", "ID")),
      purchaseOrderNumber: text(textAt(root, "OrderReference", "ID")),
      paymentTerms: text(terms || undefined),
      paymentTermsDays: termDays(terms || undefined),
      serviceDate: isoDate(textAt(root, "Delivery", "ActualDeliveryDate")),
      servicePeriod: period(textAt(invoicePeriod, "StartDate"), textAt(invoicePeriod, "EndDate")),
    }),
    lineItems: lines,
    characters,
  };
}
