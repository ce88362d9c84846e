import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResultSchema } from "@docsift/core";
import {
  ciiInvoiceXml,
  printedInvoiceLines,
  sampleInvoice,
  ublInvoiceXml,
  writeHybridInvoicePdf,
} from "@docsift/extraction/testing";
import { runCaptured } from "./capture.js";

// `docsift extract` on e-invoices: the same result the worker stores, read from the XML.
let dir: string;
let xml: string;
let facturX: string;
let mismatch: string;
const invoice = sampleInvoice();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-extract-einvoice-"));
  xml = path.join(dir, "peppol.xml");
  await writeFile(xml, ublInvoiceXml(invoice));
  facturX = path.join(dir, "factur-x.pdf");
  await writeHybridInvoicePdf(facturX, printedInvoiceLines(invoice), [
    { name: "factur-x.xml", xml: ciiInvoiceXml(invoice) },
  ]);
  mismatch = path.join(dir, "mismatch.pdf");
  await writeHybridInvoicePdf(mismatch, printedInvoiceLines({ ...invoice, number: "RE-2026-99999" }), [
    { name: "factur-x.xml", xml: ciiInvoiceXml(invoice) },
  ]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The cells of one CSV line (addresses hold commas, so their cells are quoted). */
function csvCells(line: string): string[] {
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!,
  );
}

describe("docsift extract on e-invoices", () => {
  it("prints an XML invoice's result with --json: every field, the line items, source e-invoice", async () => {
    const r = await runCaptured(["--json", "extract", xml]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JobResultSchema.parse(JSON.parse(r.stdout));
    expect(result.source).toBe("e-invoice");
    expect(result.fields.vendorAddress?.value).toBe("Hafenstraße 12, 20457 Hamburg");
    expect(result.fields.bic?.value).toBe("BYLADEM1001");
    expect(result.lineItems?.[1]).toMatchObject({
      description: { value: 'Fachbuch "Brot & Steuern"', confidence: 1 },
      unitPrice: { value: "24.50" },
      taxRate: { value: "7" },
    });
    expect(result.timings.inferMs).toBe(0);
  });

  it("shows a Factur-X PDF's fields and line items in its table", async () => {
    const r = await runCaptured(["extract", facturX]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("source: e-invoice");
    expect(r.stdout).not.toContain("needs review");
    const row = (start: string) => r.stdout.split("\n").find((l) => l.startsWith(start)) ?? "";
    expect(row("customerTaxId")).toMatch(/DE987654321\s+1\.00\s+1\s+DE987654321/);
    expect(row("LINE")).toMatch(/DESCRIPTION\s+QUANTITY\s+UNIT\s+UNIT PRICE\s+AMOUNT\s+TAX %/);
    expect(row("1  ")).toMatch(/Softwarewartung November 2026\s+1\s+C62\s+1200\.00\s+1200\.00\s+19/);
    expect(row("2  ")).toMatch(/Fachbuch "Brot & Steuern"\s+2\s+H87\s+24\.50\s+49\.00\s+7/);
  });

  it("flags a number the PDF prints differently from its XML", async () => {
    const r = await runCaptured(["extract", mismatch]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("needs review: yes");
    const row = r.stdout.split("\n").find((l) => l.startsWith("invoiceNumber")) ?? "";
    expect(row).toMatch(/RE-2026-00417\s+1\.00\s+e-invoice-mismatch/);
  });

  it("finds XML invoices in a folder and says each row's source in CSV", async () => {
    const r = await runCaptured(["extract", "--csv", dir]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split("\n").map(csvCells);
    const header = rows[0]!;
    const cell = (file: string, column: string) =>
      rows.find((cells) => cells[0] === file)![header.indexOf(column)];
    expect(cell(xml, "source")).toBe("e-invoice");
    expect(cell(xml, "lineItems")).toBe("2");
    expect(cell(xml, "amountDue")).toBe("1480.43");
    expect(cell(facturX, "source")).toBe("e-invoice");
    expect(cell(mismatch, "needsReview")).toBe("true");
  });
});
