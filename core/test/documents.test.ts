import { describe, expect, it } from "vitest";
import {
  classifyDeadLetter,
  contentTypeOfKind,
  kindOfContentType,
  maxBytesOfKind,
  MAX_XML_INVOICE_BYTES,
  problem,
  problemFromZod,
  sanitizeFileName,
  sniffKind,
  xmlInvoiceHead,
  CreateJobRequestSchema,
  UserIdSchema,
} from "../src/index.js";

const bytes = (...b: number[]) => Uint8Array.from(b);

describe("document rules", () => {
  it("sniffs kinds by magic bytes, not by name", () => {
    expect(sniffKind(Buffer.from("%PDF-1.7\n"))).toBe("pdf");
    expect(sniffKind(bytes(0x50, 0x4b, 0x03, 0x04, 0x14))).toBe("docx");
    expect(sniffKind(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe("png");
    expect(sniffKind(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("jpeg");
    expect(sniffKind(bytes(0x49, 0x49, 0x2a, 0x00))).toBe("tiff");
    expect(sniffKind(bytes(0x4d, 0x4d, 0x00, 0x2a))).toBe("tiff");
    expect(sniffKind(bytes(0xff, 0xfe, 0x41, 0x00))).toBe("text");
    expect(sniffKind(Buffer.from("Invoice 42\nTotal 10.00"))).toBe("text");
    expect(sniffKind(bytes(0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00))).toBeUndefined();
    expect(sniffKind(bytes())).toBeUndefined();
  });

  it("sniffs an XML e-invoice by its root element and namespace; other XML stays text", () => {
    const ubl = `<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:x">`;
    expect(sniffKind(Buffer.from(ubl))).toBe("xml");
    expect(xmlInvoiceHead(Buffer.from(ubl))).toEqual({ syntax: "ubl", root: "Invoice", doctype: false });
    const credit = `<ubl:CreditNote xmlns:ubl='urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2'>`;
    expect(xmlInvoiceHead(Buffer.from(credit))).toMatchObject({ syntax: "ubl", root: "CreditNote" });
    const cii = `\uFEFF<!-- Factur-X --><rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">`;
    expect(xmlInvoiceHead(Buffer.from(cii))).toMatchObject({ syntax: "cii" });
    const withDtd = `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "b">]>${ubl.split("\n")[1]}`;
    expect(xmlInvoiceHead(Buffer.from(withDtd))).toMatchObject({ doctype: true });
    // Wrong namespace for the name, a prefix bound elsewhere, a tag cut off by the head: not an invoice.
    expect(
      sniffKind(Buffer.from(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2">`)),
    ).toBe("text");
    expect(
      sniffKind(Buffer.from(`<a:Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`)),
    ).toBe("text");
    expect(
      sniffKind(Buffer.from(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"`)),
    ).toBe("text");
    expect(sniffKind(Buffer.from(`<html><body>Invoice</body></html>`))).toBe("text");
  });

  it("caps XML invoices far below the upload cap, other kinds at it", () => {
    expect(maxBytesOfKind("xml", 100 * 1024 * 1024)).toBe(MAX_XML_INVOICE_BYTES);
    expect(maxBytesOfKind("xml", 1024)).toBe(1024);
    expect(maxBytesOfKind("docx", 100 * 1024 * 1024)).toBe(100 * 1024 * 1024);
    expect(maxBytesOfKind(undefined, 5)).toBe(5);
  });

  it("maps declared content types to kinds, ignoring parameters and case", () => {
    expect(kindOfContentType("application/xml")).toBe("xml");
    expect(kindOfContentType("text/xml; charset=utf-8")).toBe("xml");
    expect(contentTypeOfKind("xml")).toBe("application/xml");
    expect(kindOfContentType("Application/PDF")).toBe("pdf");
    expect(kindOfContentType("text/plain; charset=utf-8")).toBe("text");
    expect(kindOfContentType("application/zip")).toBeUndefined();
  });

  it("sanitises file names", () => {
    expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFileName("C:\\Users\\x\\inv<1>.pdf")).toBe("inv_1_.pdf");
    expect(sanitizeFileName("a\u0000b\nc.pdf")).toBe("a_b_c.pdf");
    expect(sanitizeFileName("...")).toBe("document");
    const long = sanitizeFileName(`${"x".repeat(300)}.docx`);
    expect(long).toHaveLength(200);
    expect(long.endsWith(".docx")).toBe(true);
  });

  it("validates the create-job body strictly, with field paths in the problem", () => {
    const bad = CreateJobRequestSchema.safeParse({
      fileName: "",
      contentType: "application/zip",
      sizeBytes: 1.5,
      extra: 1,
    });
    expect(bad.success).toBe(false);
    if (bad.success) return;
    const p = problemFromZod(bad.error);
    expect(p.status).toBe(400);
    expect(p.type).toBe("https://docsift.dev/problems/validation-failed");
    expect(p.errors?.map((e) => e.field).sort()).toEqual(["(body)", "contentType", "fileName", "sizeBytes"]);
    expect(problem("not-found").status).toBe(404);
  });

  it("classifies dead-letter reasons into permanent and transient", () => {
    expect(classifyDeadLetter("InvalidMessage")).toEqual({ code: "INVALID_MESSAGE", transient: false });
    expect(classifyDeadLetter("CORRUPT_DOCUMENT")).toEqual({ code: "CORRUPT_DOCUMENT", transient: false });
    expect(classifyDeadLetter("MaxDeliveryCountExceeded")).toEqual({
      code: "MAX_DELIVERY_EXCEEDED",
      transient: true,
    });
    expect(classifyDeadLetter("MaxDeliveryCountExceeded", "TOO_MANY_PAGES")).toEqual({
      code: "TOO_MANY_PAGES",
      transient: false,
    });
    expect(classifyDeadLetter("MaxDeliveryCountExceeded", "LOCK_LOST")).toEqual({
      code: "MAX_DELIVERY_EXCEEDED",
      transient: true,
    });
    expect(classifyDeadLetter("DEPENDENCY_UNAVAILABLE")).toEqual({
      code: "DEPENDENCY_UNAVAILABLE",
      transient: true,
    });
    expect(classifyDeadLetter("SomethingElse")).toEqual({ code: "INTERNAL", transient: false });
  });
});

describe("user ids", () => {
  it("refuses . and .., which would turn the user's blob prefix into another path", () => {
    for (const id of [".", ".."]) expect(UserIdSchema.safeParse(id).success, id).toBe(false);
    for (const id of ["a.b", "..x", "alice@contoso.com", "6f1c-42"])
      expect(UserIdSchema.safeParse(id).success, id).toBe(true);
    expect(UserIdSchema.safeParse("a/b").success).toBe(false);
  });

  it("keeps to characters safe in a blob path and a partition key", () => {
    const unsafe = ["alice.", "a..", "a b", "a\\b", "a?b", "a#b", "a%2e", "ä", "a\nb", "", "x".repeat(129)];
    for (const id of unsafe) expect(UserIdSchema.safeParse(id).success, JSON.stringify(id)).toBe(false);
    expect(UserIdSchema.safeParse("x".repeat(128)).success).toBe(true);
  });
});

describe("dead-letter classification edge cases", () => {
  it("does not mistake inherited property names for reasons, and does not retry repeated timeouts", () => {
    expect(classifyDeadLetter("constructor")).toEqual({ code: "INTERNAL", transient: false });
    expect(classifyDeadLetter("toString")).toEqual({ code: "INTERNAL", transient: false });
    expect(classifyDeadLetter("MaxDeliveryCountExceeded", "JOB_TIMEOUT")).toEqual({
      code: "JOB_TIMEOUT",
      transient: false,
    });
  });
});
