import { describe, expect, it } from "vitest";
import { sniffDocumentKind } from "@docsift/extraction";

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

describe("sniffDocumentKind", () => {
  it.each([
    ["pdf", bytes("%PDF-1.7\n%âãÏÓ\n1 0 obj")],
    ["docx", bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])],
    ["png", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ["jpeg", bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46])],
    ["tiff", bytes([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00])],
    ["tiff", bytes([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08])],
    ["text", bytes("Invoice 42\nTotal: 10.00 EUR\n")],
    ["text", Buffer.from("Größe: 3 × 4 — naïve café\n", "utf8")],
    ["text", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Rechnung Nr. 7\r\n", "utf16le")])],
    ["text", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("BOM text\n")])],
    ["text", Buffer.from("Cette facture est réglée à réception. Montant dû : 120 €\n".repeat(4), "latin1")],
  ] as const)("recognises %s", (kind, head) => {
    expect(sniffDocumentKind(head)).toBe(kind);
  });

  it("accepts UTF-8 cut in the middle of a character at the end of the head", () => {
    const head = Buffer.from("Prix : 12 €", "utf8");
    expect(sniffDocumentKind(head.subarray(0, head.length - 1))).toBe("text");
  });

  it.each([
    ["an executable", bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])],
    ["GIF", bytes("GIF89a", [1, 0, 1, 0, 0x80, 0, 0])],
    ["UTF-16 without BOM (has NULs)", Buffer.from("plain words", "utf16le")],
    ["binary without NULs", Buffer.from(Array.from({ length: 512 }, (_, i) => 1 + (i % 31)))],
    ["a truncated PNG signature", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a])],
  ])("rejects %s", (_name, head) => {
    expect(sniffDocumentKind(head)).toBeUndefined();
  });

  it("takes a PDF signature that is not at the start for text, not for a PDF", () => {
    expect(sniffDocumentKind(bytes("see %PDF-1.4 header"))).toBe("text");
  });

  it("throws EMPTY_DOCUMENT for zero bytes", () => {
    expect(() => sniffDocumentKind(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: "EMPTY_DOCUMENT" }),
    );
  });
});
