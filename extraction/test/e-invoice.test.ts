import { truncate, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResultSchema, type JobResult } from "@docsift/core";
import {
  checkVisibleText,
  eInvoiceReadResult,
  eInvoiceResultParts,
  hasPoppler,
  parseEInvoice,
  readDocument,
  readEInvoice,
  sniffDocumentKind,
  type EInvoiceReadOptions,
} from "@docsift/extraction";
import {
  CII_GUIDELINES,
  ciiInvoiceXml,
  printedInvoiceLines,
  sampleInvoice,
  ublInvoiceXml,
  writeCorruptPdf,
  writeFacturXKitPdf,
  writeHybridInvoicePdf,
  writeTextPdf,
} from "@docsift/extraction/testing";
import { failureOf, headOf, scratchDir } from "./helpers.js";

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

const invoice = sampleInvoice();
const havePoppler = await hasPoppler();

async function xmlFile(name: string, xml: string): Promise<string> {
  const path = scratch.path(name);
  await writeFile(path, xml);
  return path;
}

async function read(path: string, opts: EInvoiceReadOptions = {}) {
  return readEInvoice({ path, head: await headOf(path) }, opts);
}

/** The result parts of a file's e-invoice, checked against the result contract. */
async function resultOf(path: string) {
  const reading = await read(path);
  expect(reading).toBeDefined();
  return eInvoiceResultParts(reading!.invoice);
}

const values = (fields: JobResult["fields"]) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.value]));

/** What every syntax must give for {@link sampleInvoice}: its every term, exactly. */
const EXPECTED_FIELDS = {
  invoiceNumber: "RE-2026-00417",
  invoiceDate: "2026-11-30",
  dueDate: "2026-12-30",
  vendorName: "Nordlicht Software GmbH",
  vendorAddress: "Hafenstraße 12, 20457 Hamburg",
  vendorCountry: "DE",
  vendorTaxId: "DE123456789",
  customerName: "Bäckerei Sommer & Söhne KG",
  customerAddress: "Marktplatz 3, 80331 München",
  customerCountry: "DE",
  customerTaxId: "DE987654321",
  subtotal: "1249.00",
  taxAmount: "231.43",
  totalAmount: "1480.43",
  amountDue: "1480.43",
  currency: "EUR",
  iban: "DE02120300000000202051",
  bic: "BYLADEM1001",
  purchaseOrderNumber: "PO-88123",
  paymentTerms: "Zahlbar innerhalb von 30 Tagen ohne Abzug",
  paymentTermsDays: "30",
  serviceDate: "2026-11-28",
  servicePeriod: "2026-11-01/2026-11-30",
};

const EXPECTED_LINES = [
  {
    description: "Softwarewartung November 2026",
    quantity: "1",
    unit: "C62",
    unitPrice: "1200.00",
    amount: "1200.00",
    taxRate: "19",
  },
  {
    description: 'Fachbuch "Brot & Steuern"',
    quantity: "2",
    unit: "H87",
    unitPrice: "24.50",
    amount: "49.00",
    taxRate: "7",
  },
];

function expectExactRead(parts: ReturnType<typeof eInvoiceResultParts>, documentType = "invoice") {
  expect(parts.source).toBe("e-invoice");
  expect(parts.documentType).toBe(documentType);
  expect(parts.documentTypeConfidence).toBe(1);
  expect(parts.needsReview).toBe(false);
  expect(values(parts.fields)).toEqual(EXPECTED_FIELDS);
  expect(parts.lineItems?.map((line) => values(line))).toEqual(EXPECTED_LINES);
  for (const field of [...Object.values(parts.fields), ...(parts.lineItems ?? []).flatMap(Object.values)]) {
    expect(field.confidence).toBe(1);
    expect(field.page).toBe(1);
    expect(field.sourceText.length).toBeGreaterThan(0);
  }
}

describe("XML e-invoices are read exactly", () => {
  it("reads a Peppol BIS Billing 3 UBL invoice: every field and line", async () => {
    const path = await xmlFile("peppol.xml", ublInvoiceXml(invoice));
    expect(sniffDocumentKind(await headOf(path))).toBe("xml");
    const parts = await resultOf(path);
    expectExactRead(parts);
    // The XML's own text is the source: CII dates and UBL quantities as written.
    expect(parts.lineItems?.[0]?.quantity?.sourceText).toBe("1.0000");
  });

  it("reads an XRechnung in UBL syntax and a UBL credit note (type, due date in payment means, credited lines)", async () => {
    const xrechnung = await xmlFile(
      "xrechnung-ubl.xml",
      ublInvoiceXml(invoice, {
        customizationId: "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
      }),
    );
    expectExactRead(await resultOf(xrechnung));
    const credit = await xmlFile("credit-note.xml", ublInvoiceXml(invoice, { creditNote: true }));
    expectExactRead(await resultOf(credit), "credit_note");
  });

  it("reads an XRechnung in CII syntax and a Factur-X EN 16931 XML: CII dates (format 102) become ISO", async () => {
    for (const guideline of [CII_GUIDELINES.xrechnung, CII_GUIDELINES.en16931]) {
      const path = await xmlFile("cii.xml", ciiInvoiceXml(invoice, guideline));
      expect(sniffDocumentKind(await headOf(path))).toBe("xml");
      const parts = await resultOf(path);
      expectExactRead(parts);
      expect(parts.fields.invoiceDate?.sourceText).toBe("20261130");
    }
  });

  it("tells a credit note by its CII type code 381", async () => {
    const path = await xmlFile("cii-credit.xml", ciiInvoiceXml({ ...invoice, typeCode: "381" }));
    expect((await resultOf(path)).documentType).toBe("credit_note");
  });

  it("leaves out what a MINIMUM-profile XML does not state, and parses into a valid job result", async () => {
    const minimum = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>FX-9</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">20260105</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Atelier Lumière SARL</ram:Name></ram:SellerTradeParty><ram:BuyerTradeParty><ram:Name>Client SA</ram:Name></ram:BuyerTradeParty></ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>100</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="EUR">20.0</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>120</ram:GrandTotalAmount><ram:DuePayableAmount>120.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;
    const parts = await resultOf(await xmlFile("minimum.xml", minimum));
    expect(values(parts.fields)).toEqual({
      invoiceNumber: "FX-9",
      invoiceDate: "2026-01-05",
      vendorName: "Atelier Lumière SARL",
      customerName: "Client SA",
      currency: "EUR",
      subtotal: "100.00",
      taxAmount: "20.00",
      totalAmount: "120.00",
      amountDue: "120.00",
    });
    expect(parts.lineItems).toEqual([]);
    const result = JobResultSchema.parse({
      ...parts,
      pages: 1,
      ocrPages: 0,
      characters: 100,
      documentSha256: "0".repeat(64),
      model: { name: "m", version: "1", sha256: "0".repeat(64) },
      timings: { downloadMs: 0, extractMs: 0, inferMs: 0, totalMs: 0 },
    });
    expect(result.source).toBe("e-invoice");
  });

  it("has no e-invoice in other kinds of document", async () => {
    const text = await xmlFile("plain.txt", "Invoice RE-1\nTotal 10.00\n");
    expect(await read(text)).toBeUndefined();
    // XML that is not an invoice is text to the sniffer, so it is no e-invoice either.
    const other = await xmlFile(
      "order.xml",
      `<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>`,
    );
    expect(sniffDocumentKind(await headOf(other))).toBe("text");
    expect(await read(other)).toBeUndefined();
    // The root's name alone is not enough: its namespace must be UBL's or CII's.
    const impostor = await xmlFile(
      "impostor.xml",
      `<Invoice xmlns="urn:example:invoice"><ID>1</ID></Invoice>`,
    );
    expect(sniffDocumentKind(await headOf(impostor))).toBe("text");
  });
});

describe("hostile XML is refused with a code before it costs anything", () => {
  const ROOT_OPEN = `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">`;

  it("refuses billion laughs (a DTD with nested internal entities) without expanding anything", async () => {
    const entities = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    ).join("\n");
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Invoice [\n<!ENTITY lol0 "lol">\n${entities}\n]>\n${ROOT_OPEN}<cbc:ID>&lol9;</cbc:ID></Invoice>`;
    const path = await xmlFile("laughs.xml", xml);
    expect(sniffDocumentKind(await headOf(path))).toBe("xml");
    const err = await failureOf(read(path));
    expect(err).toMatchObject({ code: "UNSUPPORTED_DOCUMENT", details: { reason: "xml-doctype" } });
  });

  it("refuses external entities (XXE), so no local file can end up in a result", async () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${ROOT_OPEN}<cbc:ID>&xxe;</cbc:ID></Invoice>`;
    const err = await failureOf(read(await xmlFile("xxe.xml", xml)));
    expect(err).toMatchObject({ code: "UNSUPPORTED_DOCUMENT", details: { reason: "xml-doctype" } });
    expect(err.message).not.toContain("root:");
    // A DOCTYPE further in than the head (the parser's own check) is refused the same way.
    const late = `<?xml version="1.0"?>\n${ROOT_OPEN}<cbc:ID>1</cbc:ID></Invoice>`;
    const tail = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>`;
    const parsed = failureOf(
      parseEInvoice(Buffer.from(late), [Buffer.from(tail + late)], {
        maxXmlBytes: 1 << 20,
        maxXmlDepth: 64,
        maxXmlElements: 1000,
      }),
    );
    expect(await parsed).toMatchObject({ code: "UNSUPPORTED_DOCUMENT" });
  });

  it("treats an entity reference without a declaration as malformed XML", async () => {
    const xml = `<?xml version="1.0"?>\n${ROOT_OPEN}<cbc:ID>&undeclared;</cbc:ID></Invoice>`;
    expect(await failureOf(read(await xmlFile("undeclared.xml", xml)))).toMatchObject({
      code: "CORRUPT_DOCUMENT",
    });
  });

  it("refuses 200,000 levels of nesting at the depth cap, without a stack overflow", async () => {
    const depth = 200_000;
    const xml = `${ROOT_OPEN}${"<a>".repeat(depth)}${"</a>".repeat(depth)}</Invoice>`;
    const err = await failureOf(read(await xmlFile("deep.xml", xml)));
    expect(err).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      details: { reason: "xml-depth", maxXmlDepth: 64 },
    });
  });

  it("refuses a wide XML of tiny elements at the element cap, before it fills the memory", async () => {
    const xml = `${ROOT_OPEN}${"<a/>".repeat(300_000)}</Invoice>`;
    const err = await failureOf(read(await xmlFile("wide.xml", xml)));
    expect(err).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      details: { reason: "xml-elements", maxXmlElements: 250_000 },
    });
  });

  it("refuses a 100 MB XML by its size before parsing it, and a stream that outgrows the cap while read", async () => {
    const path = await xmlFile("huge.xml", `<?xml version="1.0"?>\n${ROOT_OPEN}<cbc:Note>`);
    await truncate(path, 100 * 1024 * 1024);
    const err = await failureOf(read(path));
    expect(err).toMatchObject({ code: "DOCUMENT_TOO_LARGE", details: { reason: "xml-size" } });
    // The count while streaming holds too, for sources whose size is not known up front.
    const head = Buffer.from(`${ROOT_OPEN}<cbc:Note>`);
    const chunks = function* () {
      yield head;
      for (let i = 0; i < 100; i++) yield Buffer.alloc(64 * 1024, 0x61);
    };
    expect(
      await failureOf(
        parseEInvoice(head, chunks(), { maxXmlBytes: 1024 * 1024, maxXmlDepth: 64, maxXmlElements: 1000 }),
      ),
    ).toMatchObject({ code: "DOCUMENT_TOO_LARGE", details: { reason: "xml-size" } });
  });

  it("refuses encodings other than UTF-8, and bytes that are not UTF-8", async () => {
    const latin = `<?xml version="1.0" encoding="ISO-8859-1"?>\n${ROOT_OPEN}<cbc:ID>1</cbc:ID></Invoice>`;
    expect(await failureOf(read(await xmlFile("latin.xml", latin)))).toMatchObject({
      code: "UNSUPPORTED_DOCUMENT",
      details: { reason: "xml-encoding" },
    });
    const path = scratch.path("bad-bytes.xml");
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from(`${ROOT_OPEN}<cbc:ID>`),
        Buffer.from([0xff, 0xfe, 0xfd]),
        Buffer.from("</cbc:ID></Invoice>"),
      ]),
    );
    expect(await failureOf(read(path))).toMatchObject({ code: "CORRUPT_DOCUMENT" });
  });

  it("refuses malformed XML as CORRUPT_DOCUMENT", async () => {
    const path = await xmlFile("truncated.xml", ublInvoiceXml(invoice).slice(0, 2000));
    expect(await failureOf(read(path))).toMatchObject({ code: "CORRUPT_DOCUMENT" });
  });
});

describe("Factur-X / ZUGFeRD: the XML attached to a PDF", () => {
  /** A hybrid PDF (pdfkit: PDF/A-3b, the XML as an associated file with AFRelationship). */
  async function hybrid(
    name: string,
    lines: string[],
    attachments: Parameters<typeof writeHybridInvoicePdf>[2],
  ) {
    const path = scratch.path(name);
    await writeHybridInvoicePdf(path, lines, attachments);
    return path;
  }

  /** The result parts of a hybrid PDF: its attachment read, its visible text checked against it. */
  async function hybridResult(path: string) {
    const head = await headOf(path);
    const reading = await readEInvoice({ path, head });
    expect(reading).toBeDefined();
    const visible = await checkVisibleText(
      reading!.invoice,
      readDocument({ path, head }, { pdfEngine: "pdfjs" }).pages,
    );
    return { reading: reading!, visible, parts: eInvoiceResultParts(reading!.invoice, visible.agreement) };
  }

  it.each([
    ["factur-x.xml", "Alternative"],
    ["zugferd-invoice.xml", "Data"],
    ["ZUGFeRD-invoice.xml", "Alternative"],
    ["xrechnung.xml", "Data"],
  ] as const)(
    "reads the attachment %s (AFRelationship %s) exactly, and the visible text agrees",
    async (name, relationship) => {
      const path = await hybrid(`hybrid-${name}.pdf`, printedInvoiceLines(invoice), [
        { name, xml: ciiInvoiceXml(invoice), relationship },
      ]);
      const { reading, visible, parts } = await hybridResult(path);
      expect(reading.attachment).toBe(name);
      expectExactRead(parts);
      expect(visible.agreement).toEqual([
        { field: "invoiceNumber", agrees: true, page: 1 },
        { field: "invoiceDate", agrees: true, page: 1 },
        { field: "totalAmount", agrees: true, page: 1 },
      ]);
      expect(visible.characters).toBeGreaterThan(100);
    },
  );

  it("flags a total the visible text does not show for review, and keeps the XML's value", async () => {
    const printed = printedInvoiceLines({ ...invoice, total: "1408.43" });
    const path = await hybrid("mismatch.pdf", printed, [
      { name: "factur-x.xml", xml: ciiInvoiceXml(invoice) },
    ]);
    const { parts } = await hybridResult(path);
    expect(parts.needsReview).toBe(true);
    expect(parts.fields.totalAmount).toMatchObject({
      value: "1480.43",
      confidence: 1,
      needsReview: true,
      reviewReasons: ["e-invoice-mismatch"],
    });
    expect(parts.fields.invoiceNumber?.needsReview).toBeUndefined();
    expect(parts.fields.invoiceDate?.needsReview).toBeUndefined();
  });

  it("flags a number and date printed differently from the XML's", async () => {
    const printed = printedInvoiceLines({ ...invoice, number: "RE-2026-00418", issueDate: "2026-11-29" });
    const path = await hybrid("other-number.pdf", printed, [
      { name: "factur-x.xml", xml: ciiInvoiceXml(invoice) },
    ]);
    const { parts } = await hybridResult(path);
    expect(parts.fields.invoiceNumber?.reviewReasons).toEqual(["e-invoice-mismatch"]);
    expect(parts.fields.invoiceDate?.reviewReasons).toEqual(["e-invoice-mismatch"]);
    expect(parts.fields.totalAmount?.needsReview).toBeUndefined();
  });

  it("finds a UBL attachment under another name by its root element", async () => {
    const path = await hybrid("ubl-attached.pdf", printedInvoiceLines(invoice), [
      { name: "notes.xml", xml: `<?xml version="1.0"?><notes>none</notes>` },
      { name: "invoice-data.xml", xml: ublInvoiceXml(invoice) },
    ]);
    const { reading, parts } = await hybridResult(path);
    expect(reading.attachment).toBe("invoice-data.xml");
    expect(reading.invoice.syntax).toBe("ubl");
    expect(parts.needsReview).toBe(false);
  });

  it("has none in a PDF without attachments, a PDF with other XML, or a damaged PDF", async () => {
    const plain = scratch.path("plain.pdf");
    await writeTextPdf(plain, [printedInvoiceLines(invoice)]);
    expect(await read(plain)).toBeUndefined();
    const other = await hybrid("other-xml.pdf", ["Hello"], [{ name: "data.xml", xml: "<data/>" }]);
    expect(await read(other)).toBeUndefined();
    const corrupt = scratch.path("corrupt.pdf");
    await writeCorruptPdf(corrupt);
    expect(await read(corrupt)).toBeUndefined();
  });

  it("reads a PDF with a hostile attachment as a PDF, reporting the attachment's code", async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&a;</rsm:CrossIndustryInvoice>`;
    const path = await hybrid(
      "hostile-attachment.pdf",
      ["Rechnung"],
      [{ name: "factur-x.xml", xml: laughs }],
    );
    const unreadable: Array<[string, string]> = [];
    const reading = await read(path, {
      onUnreadableAttachment: (name, err) => unreadable.push([name, err.code]),
    });
    expect(reading).toBeUndefined();
    expect(unreadable).toEqual([["factur-x.xml", "UNSUPPORTED_DOCUMENT"]]);
  });

  it("never reads an attachment over the size cap", async () => {
    const path = await hybrid(
      "big-attachment.pdf",
      ["Rechnung"],
      [{ name: "factur-x.xml", xml: ciiInvoiceXml(invoice) }],
    );
    const codes: string[] = [];
    const reading = await read(path, {
      limits: { maxXmlBytes: 1000 },
      onUnreadableAttachment: (_, err) => codes.push(err.code),
    });
    expect(reading).toBeUndefined();
    expect(codes).toEqual(["DOCUMENT_TOO_LARGE"]);
  });
});

describe("a Factur-X PDF made by factur-x-kit (a generator from the npm registry)", () => {
  // Poppler is skipped only where poppler-utils is missing; CI installs it (see pdf.test.ts).
  it.each(havePoppler ? (["pdfjs", "poppler"] as const) : (["pdfjs"] as const))(
    "is read exactly from its XML, and its own layout agrees (%s)",
    async (pdfEngine) => {
      const path = scratch.path(`factur-x-kit-${pdfEngine}.pdf`);
      const totals = await writeFacturXKitPdf(path, invoice);
      const head = await headOf(path);
      const reading = await readEInvoice({ path, head });
      expect(reading?.attachment).toBe("factur-x.xml");
      expect(reading?.invoice.syntax).toBe("cii");
      const result = await eInvoiceReadResult(
        reading!.invoice,
        readDocument({ path, head }, { pdfEngine }).pages,
      );
      expect(result.needsReview).toBe(false);
      expect(result.source).toBe("e-invoice");
      // What the generator computed from the lines, read back to the cent.
      expect(Number(result.fields.subtotal?.value)).toBe(totals.subtotal);
      expect(Number(result.fields.taxAmount?.value)).toBe(totals.tax);
      expect(Number(result.fields.totalAmount?.value)).toBe(totals.total);
      expect(Number(result.fields.amountDue?.value)).toBe(totals.due);
      // Every term of the sample, as the generator wrote it into its own XML.
      expect(values(result.fields)).toEqual(EXPECTED_FIELDS);
      expect(result.lineItems?.map((line) => values(line))).toEqual(EXPECTED_LINES);
    },
  );
});

describe("the visible-text check recognises the usual printings", () => {
  async function agreementFor(lines: string[]) {
    const path = scratch.path("printing.xml");
    await writeFile(path, ciiInvoiceXml(invoice));
    const reading = await read(path);
    const pages = (async function* () {
      yield { number: 1, source: "text-layer" as const, lines: [] };
      yield {
        number: 2,
        source: "text-layer" as const,
        lines: lines.map((text, index) => ({
          text,
          page: 2,
          index,
          x: 0,
          y: index / 10,
          width: 1,
          height: 0.01,
        })),
      };
    })();
    const { agreement } = await checkVisibleText(reading!.invoice, pages);
    return Object.fromEntries(agreement.map((a) => [a.field, a.agrees ? a.page : false]));
  }

  it.each([
    ["Invoice RE-2026-00417", "30.11.2026", "EUR 1.480,43"],
    ["No. re-2026-00417", "11/30/2026", "$1,480.43"],
    ["RE-2026-00417", "2026-11-30", "1480.43"],
    ["RE-2026-00417", "30. November 2026", "1 480,43 €"],
    ["RE-2026-00417", "Nov 30, 2026", "1'480.43"],
    ["RE-2026-00417", "30 novembre 2026", "1\u00a0480,43"],
    ["RE-2026-00417", "30.11.26", "1480,43"],
  ])("finds %s / %s / %s on the page that shows them", async (number, date, total) => {
    expect(await agreementFor([number, `Date: ${date}`, `Total: ${total}`])).toEqual({
      invoiceNumber: 2,
      invoiceDate: 2,
      totalAmount: 2,
    });
  });

  it.each([
    ["RE-2026-004170", "30.11.2025", "11.480,43"],
    ["XRE-2026-00417", "130.11.2026", "1.480,44"],
    ["RE-2026-0041", "31.11.2026", "1480.4"],
  ])("does not take near misses %s / %s / %s for the value", async (number, date, total) => {
    expect(await agreementFor([number, date, total])).toEqual({
      invoiceNumber: false,
      invoiceDate: false,
      totalAmount: false,
    });
  });
});

describe("sniffing", () => {
  it("needs the whole root start tag in the first 4 KiB, after any prolog", async () => {
    const prolog = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- generated -->\n<?xml-stylesheet href="x.xsl"?>\n`;
    const path = await xmlFile(
      "prolog.xml",
      `\uFEFF${prolog}${ublInvoiceXml(invoice).split("\n").slice(1).join("\n")}`,
    );
    expect(sniffDocumentKind(await headOf(path))).toBe("xml");
    const late = await xmlFile(
      "late.xml",
      `<!-- ${"x".repeat(5000)} -->${ublInvoiceXml(invoice).split("\n").slice(1).join("\n")}`,
    );
    expect(sniffDocumentKind(await headOf(late))).toBe("text");
  });
});
