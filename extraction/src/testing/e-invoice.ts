import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import PDFDocument from "pdfkit";

export interface InvoiceParty {
  name: string;
  street: string;
  postcode: string;
  city: string;
  country: string;
  vatId: string;
}

export interface InvoiceLineFixture {
  description: string;
  quantity: string;
  unitCode: string;
  unitPrice: string;
  amount: string;
  taxRate: string;
}

/** One invoice's data, written as UBL or CII by the functions below. Dates are ISO. */
export interface EInvoiceFixture {
  number: string;
  typeCode: string;
  issueDate: string;
  dueDate: string;
  deliveryDate: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  orderReference: string;
  buyerReference: string;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  lines: InvoiceLineFixture[];
  subtotal: string;
  tax: string;
  total: string;
  due: string;
  iban: string;
  bic: string;
  terms: string;
}

/** A German B2B invoice of two lines at 19 % and 7 % VAT, as XRechnung and Factur-X carry them. */
export function sampleInvoice(overrides: Partial<EInvoiceFixture> = {}): EInvoiceFixture {
  return {
    number: "RE-2026-00417",
    typeCode: "380",
    issueDate: "2026-11-30",
    dueDate: "2026-12-30",
    deliveryDate: "2026-11-28",
    periodStart: "2026-11-01",
    periodEnd: "2026-11-30",
    currency: "EUR",
    orderReference: "PO-88123",
    buyerReference: "04011000-12345-67",
    seller: {
      name: "Nordlicht Software GmbH",
      street: "Hafenstraße 12",
      postcode: "20457",
      city: "Hamburg",
      country: "DE",
      vatId: "DE123456789",
    },
    buyer: {
      name: "Bäckerei Sommer & Söhne KG",
      street: "Marktplatz 3",
      postcode: "80331",
      city: "München",
      country: "DE",
      vatId: "DE987654321",
    },
    lines: [
      {
        description: "Softwarewartung November 2026",
        quantity: "1.0000",
        unitCode: "C62",
        unitPrice: "1200.00",
        amount: "1200.00",
        taxRate: "19.00",
      },
      {
        description: 'Fachbuch "Brot & Steuern"',
        quantity: "2.0000",
        unitCode: "H87",
        unitPrice: "24.50",
        amount: "49.00",
        taxRate: "7.00",
      },
    ],
    subtotal: "1249.00",
    tax: "231.43",
    total: "1480.43",
    due: "1480.43",
    iban: "DE02120300000000202051",
    bic: "BYLADEM1001",
    terms: "Zahlbar innerhalb von 30 Tagen ohne Abzug",
    ...overrides,
  };
}

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const compact = (iso: string): string => iso.replace(/-/g, "");

function ublParty(p: InvoiceParty): string {
  return `<cac:Party>
      <cbc:EndpointID schemeID="EM">billing@example.org</cbc:EndpointID>
      <cac:PartyName><cbc:Name>${esc(p.name)}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>${esc(p.street)}</cbc:StreetName>
        <cbc:CityName>${esc(p.city)}</cbc:CityName>
        <cbc:PostalZone>${esc(p.postcode)}</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>${p.country}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>${esc(p.vatId)}</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>${esc(p.name)}</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>`;
}

/**
 * A UBL 2.1 Invoice as Peppol BIS Billing 3 / XRechnung UBL write it (or a CreditNote with
 * `creditNote`), with its namespaces' usual prefixes.
 */
export function ublInvoiceXml(
  f: EInvoiceFixture,
  opts: { creditNote?: boolean; customizationId?: string } = {},
): string {
  const root = opts.creditNote ? "CreditNote" : "Invoice";
  const lineName = opts.creditNote ? "CreditNoteLine" : "InvoiceLine";
  const qtyName = opts.creditNote ? "CreditedQuantity" : "InvoicedQuantity";
  const customization =
    opts.customizationId ?? "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
  const lines = f.lines
    .map(
      (l, i) => `  <cac:${lineName}>
    <cbc:ID>${i + 1}</cbc:ID>
    <cbc:${qtyName} unitCode="${l.unitCode}">${l.quantity}</cbc:${qtyName}>
    <cbc:LineExtensionAmount currencyID="${f.currency}">${l.amount}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>${esc(l.description)}</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>${l.taxRate}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="${f.currency}">${l.unitPrice}</cbc:PriceAmount></cac:Price>
  </cac:${lineName}>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>${customization}</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>${esc(f.number)}</cbc:ID>
  <cbc:IssueDate>${f.issueDate}</cbc:IssueDate>
  ${opts.creditNote ? "" : `<cbc:DueDate>${f.dueDate}</cbc:DueDate>`}
  <cbc:${root}TypeCode>${opts.creditNote ? "381" : f.typeCode}</cbc:${root}TypeCode>
  <cbc:DocumentCurrencyCode>${f.currency}</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>${esc(f.buyerReference)}</cbc:BuyerReference>
  <cac:InvoicePeriod>
    <cbc:StartDate>${f.periodStart}</cbc:StartDate>
    <cbc:EndDate>${f.periodEnd}</cbc:EndDate>
  </cac:InvoicePeriod>
  <cac:OrderReference><cbc:ID>${esc(f.orderReference)}</cbc:ID></cac:OrderReference>
  <cac:AdditionalDocumentReference>
    <cbc:ID>timesheet</cbc:ID>
    <cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="timesheet.pdf">JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK</cbc:EmbeddedDocumentBinaryObject>
    </cac:Attachment>
  </cac:AdditionalDocumentReference>
  <cac:AccountingSupplierParty>
    ${ublParty(f.seller)}
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    ${ublParty(f.buyer)}
  </cac:AccountingCustomerParty>
  <cac:Delivery><cbc:ActualDeliveryDate>${f.deliveryDate}</cbc:ActualDeliveryDate></cac:Delivery>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    ${opts.creditNote ? `<cbc:PaymentDueDate>${f.dueDate}</cbc:PaymentDueDate>` : ""}
    <cac:PayeeFinancialAccount>
      <cbc:ID>${f.iban}</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>${f.bic}</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>${esc(f.terms)}</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="${f.currency}">${f.tax}</cbc:TaxAmount>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="${f.currency}">${f.subtotal}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="${f.currency}">${f.subtotal}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="${f.currency}">${f.total}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="${f.currency}">${f.due}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
${lines}
</${root}>
`;
}

function ciiParty(tag: string, p: InvoiceParty): string {
  return `<ram:${tag}>
        <ram:Name>${esc(p.name)}</ram:Name>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>${esc(p.postcode)}</ram:PostcodeCode>
          <ram:LineOne>${esc(p.street)}</ram:LineOne>
          <ram:CityName>${esc(p.city)}</ram:CityName>
          <ram:CountryID>${p.country}</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">${esc(p.vatId)}</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:${tag}>`;
}

/** CII guideline ids: Factur-X / ZUGFeRD EN 16931 (COMFORT), XRechnung 3.0, Factur-X BASIC. */
export const CII_GUIDELINES = {
  en16931: "urn:cen.eu:en16931:2017",
  xrechnung: "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
  basic: "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
} as const;

/** A UN/CEFACT CrossIndustryInvoice D16B as Factur-X / ZUGFeRD 2 and XRechnung CII write it. */
export function ciiInvoiceXml(f: EInvoiceFixture, guideline: string = CII_GUIDELINES.en16931): string {
  const taxRates = [...new Set(f.lines.map((l) => l.taxRate))];
  const lines = f.lines
    .map(
      (l, i) => `    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>${i + 1}</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>${esc(l.description)}</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>${l.unitPrice}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery>
        <ram:BilledQuantity unitCode="${l.unitCode}">${l.quantity}</ram:BilledQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax>
          <ram:TypeCode>VAT</ram:TypeCode>
          <ram:CategoryCode>S</ram:CategoryCode>
          <ram:RateApplicablePercent>${l.taxRate}</ram:RateApplicablePercent>
        </ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation>
          <ram:LineTotalAmount>${l.amount}</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>`,
    )
    .join("\n");
  const taxes = taxRates
    .map(
      (rate) => `      <ram:ApplicableTradeTax>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>${rate}</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>${guideline}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>${esc(f.number)}</ram:ID>
    <ram:TypeCode>${f.typeCode}</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">${compact(f.issueDate)}</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
${lines}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:BuyerReference>${esc(f.buyerReference)}</ram:BuyerReference>
      ${ciiParty("SellerTradeParty", f.seller)}
      ${ciiParty("BuyerTradeParty", f.buyer)}
      <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>${esc(f.orderReference)}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery>
      <ram:ActualDeliverySupplyChainEvent>
        <ram:OccurrenceDateTime><udt:DateTimeString format="102">${compact(f.deliveryDate)}</udt:DateTimeString></ram:OccurrenceDateTime>
      </ram:ActualDeliverySupplyChainEvent>
    </ram:ApplicableHeaderTradeDelivery>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>${f.currency}</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>${f.iban}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>${f.bic}</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
${taxes}
      <ram:BillingSpecifiedPeriod>
        <ram:StartDateTime><udt:DateTimeString format="102">${compact(f.periodStart)}</udt:DateTimeString></ram:StartDateTime>
        <ram:EndDateTime><udt:DateTimeString format="102">${compact(f.periodEnd)}</udt:DateTimeString></ram:EndDateTime>
      </ram:BillingSpecifiedPeriod>
      <ram:SpecifiedTradePaymentTerms>
        <ram:Description>${esc(f.terms)}</ram:Description>
        <ram:DueDateDateTime><udt:DateTimeString format="102">${compact(f.dueDate)}</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>${f.subtotal}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>${f.subtotal}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="${f.currency}">${f.tax}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>${f.total}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>${f.due}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
`;
}

/** The visible page of an invoice, as its issuer's software prints it (German number and date formats). */
export function printedInvoiceLines(f: EInvoiceFixture): string[] {
  const de = (amount: string): string => {
    const [whole, fraction] = amount.split(".") as [string, string];
    return `${whole.replace(/\B(?=(\d{3})+$)/g, ".")},${fraction}`;
  };
  const date = (iso: string): string => iso.split("-").reverse().join(".");
  return [
    f.seller.name,
    `${f.seller.street}, ${f.seller.postcode} ${f.seller.city}`,
    "Rechnung",
    `Rechnungsnummer: ${f.number}`,
    `Rechnungsdatum: ${date(f.issueDate)}`,
    `Kunde: ${f.buyer.name}`,
    ...f.lines.map((l) => `${l.description}  ${de(l.amount)} EUR`),
    `Nettobetrag: ${de(f.subtotal)} EUR`,
    `Umsatzsteuer: ${de(f.tax)} EUR`,
    `Gesamtbetrag: ${de(f.total)} EUR`,
    f.terms,
  ];
}

export interface AttachedXml {
  /** The attachment's file name: "factur-x.xml" for Factur-X. */
  name: string;
  xml: string;
  /** The file specification's AFRelationship: Factur-X uses "Data" or "Alternative". */
  relationship?: "Data" | "Alternative" | "Source" | "Supplement" | "Unspecified";
}

/**
 * A hybrid invoice the way Factur-X / ZUGFeRD makes one: a PDF/A-3 whose visible pages show the
 * invoice and whose catalog lists the XML as an associated file (AF, with AFRelationship) and
 * in the EmbeddedFiles name tree. Written with pdfkit, whose `file()` does exactly that.
 */
export async function writeHybridInvoicePdf(
  path: string,
  lines: string[],
  attachments: AttachedXml[],
): Promise<void> {
  const doc = new PDFDocument({ size: "A4", margin: 0, pdfVersion: "1.7", subset: "PDF/A-3b", tagged: true });
  const out = createWriteStream(path);
  doc.pipe(out);
  doc.font("Helvetica").fontSize(11);
  lines.forEach((line, index) => doc.text(line, 56, 56 + index * 18, { lineBreak: false }));
  for (const a of attachments) {
    // pdfkit writes `relationship` as the file specification's AFRelationship; its types lack it.
    const options: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
      name: a.name,
      type: "text/xml",
      relationship: a.relationship ?? "Alternative",
      description: "Invoice data",
      creationDate: new Date(Date.UTC(2026, 10, 30)),
      modifiedDate: new Date(Date.UTC(2026, 10, 30)),
    };
    doc.file(Buffer.from(a.xml, "utf8"), options);
  }
  doc.end();
  await once(out, "finish");
}

const dateParts = (iso: string) => {
  const [year, month, day] = iso.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};

/**
 * A complete Factur-X invoice (EN 16931 / COMFORT profile) made by factur-x-kit, a generator from
 * the npm registry: its own PDF/A-3 layout (German), its own CII XML attached as factur-x.xml,
 * its own totals (computed from the lines by its totalsCalculator). Returns the totals it
 * computed, which the reader must give back.
 */
export async function writeFacturXKitPdf(
  path: string,
  f: EInvoiceFixture,
): Promise<{ subtotal: number; tax: number; total: number; due: number }> {
  const { FacturX, totalsCalculator, zTotalsCalculatorInputType } = await import("factur-x-kit");
  const party = (p: InvoiceParty) => ({
    name: p.name,
    postalAddress: { addressLineOne: p.street, postcode: p.postcode, city: p.city, country: p.country },
    taxIdentification: { vatId: p.vatId },
  });
  // Its own schema turns the plain strings into its code enums, and refuses what it does not take.
  const input = zTotalsCalculatorInputType.parse({
    profile: "urn:cen.eu:en16931:2017",
    document: { id: f.number, type: f.typeCode, currency: f.currency, dateOfIssue: dateParts(f.issueDate) },
    seller: party(f.seller),
    buyer: party(f.buyer),
    paymentInformation: {
      paymentMeans: [{ paymentType: "58", payeeBankAccount: { iban: f.iban, bic: f.bic } }],
      paymentTerms: { description: f.terms, dueDate: dateParts(f.dueDate) },
    },
    invoiceLines: f.lines.map((l, i) => ({
      generalLineData: { lineId: String(i + 1) },
      productDescription: { name: l.description },
      productPriceAgreement: { productPricing: { basisPricePerItem: Number(l.unitPrice) } },
      delivery: { itemQuantity: { quantity: Number(l.quantity), unit: l.unitCode } },
      settlement: { tax: { categoryCode: "S", rateApplicablePercent: Number(l.taxRate) } },
    })),
    referencedDocuments: { orderReference: { documentId: f.orderReference } },
    delivery: {
      deliveryDate: dateParts(f.deliveryDate),
      billingPeriod: { startDate: dateParts(f.periodStart), endDate: dateParts(f.periodEnd) },
    },
  });
  const invoice = totalsCalculator(input);
  const facturX = await FacturX.fromObject(invoice);
  await writeFile(path, await facturX.getPDF({ locale: "de-DE" }));
  const totals = invoice.totals;
  return {
    subtotal: totals.netTotal,
    tax: totals.taxTotal?.[0]?.amount ?? Number.NaN,
    total: totals.grossTotal,
    due: totals.openAmount,
  };
}
