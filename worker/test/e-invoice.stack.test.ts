import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEventSchema, JobResultSchema, type JobResult } from "@docsift/core";
import {
  CII_GUIDELINES,
  ciiInvoiceXml,
  printedInvoiceLines,
  sampleInvoice,
  ublInvoiceXml,
  writeHybridInvoicePdf,
  writeTextPdf,
} from "@docsift/extraction/testing";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { Harness } from "./helpers/harness.js";

// E-invoices through the real worker: blob → temp file → XML (and a PDF's visible text) → result
// in Cosmos, with the model never asked.
let harness: Harness;
let worker: RunningWorker;
let dir: string;
let tempDir: string;
const invoice = sampleInvoice();

beforeAll(async () => {
  harness = await Harness.start();
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-einvoice-"));
  tempDir = await mkdtemp(path.join(os.tmpdir(), "worker-einvoice-tmp-"));
  worker = await startWorker(harness.config({ TEMP_DIR: tempDir }));
});

afterAll(async () => {
  await worker?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(tempDir, { recursive: true, force: true });
});

async function runJob(file: string, kind: "xml" | "pdf") {
  const { job } = await harness.submitFile(file, kind);
  return harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
}

async function completed(file: string, kind: "xml" | "pdf"): Promise<{ id: string; result: JobResult }> {
  const done = await runJob(file, kind);
  expect(done.error).toBeUndefined();
  expect(done.status).toBe("COMPLETED");
  return { id: done.id, result: JobResultSchema.parse(done.result) };
}

async function xmlFile(name: string, xml: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, xml);
  return file;
}

describe("e-invoices in the worker", () => {
  it("completes an uploaded XRechnung (UBL) from its XML: every field and line, confidence 1, no model time", async () => {
    const xml = ublInvoiceXml(invoice, {
      customizationId: "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    });
    const { id, result } = await completed(await xmlFile("xrechnung.xml", xml), "xml");
    expect(result.source).toBe("e-invoice");
    expect(result.documentType).toBe("invoice");
    expect(result.documentTypeConfidence).toBe(1);
    expect(result.needsReview).toBe(false);
    expect(result.pages).toBe(1);
    expect(result.timings.inferMs).toBe(0);
    expect(result.fields.invoiceNumber?.value).toBe("RE-2026-00417");
    expect(result.fields.totalAmount).toEqual({
      value: "1480.43",
      confidence: 1,
      page: 1,
      sourceText: "1480.43",
    });
    expect(result.fields.customerAddress?.value).toBe("Marktplatz 3, 80331 München");
    expect(result.fields.vendorTaxId?.value).toBe("DE123456789");
    expect(result.fields.paymentTermsDays?.value).toBe("30");
    expect(result.lineItems?.map((l) => [l.description?.value, l.quantity?.value, l.amount?.value])).toEqual([
      ["Softwarewartung November 2026", "1", "1200.00"],
      ['Fachbuch "Brot & Steuern"', "2", "49.00"],
    ]);
    const events = await harness.eventsOf(id);
    for (const e of events) JobEventSchema.parse(e);
    expect(events.at(-1)?.type).toBe("job.completed");
    expect(events.at(-1)?.summary.fieldsFound).toBe(Object.keys(result.fields).length);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("completes a Factur-X PDF from its attached XML, and finds the number, date and total on its page", async () => {
    const file = path.join(dir, "factur-x.pdf");
    await writeHybridInvoicePdf(file, printedInvoiceLines(invoice), [
      { name: "factur-x.xml", xml: ciiInvoiceXml(invoice, CII_GUIDELINES.en16931) },
    ]);
    const { result } = await completed(file, "pdf");
    expect(result.source).toBe("e-invoice");
    expect(result.needsReview).toBe(false);
    expect(result.pages).toBe(1);
    expect(result.characters).toBeGreaterThan(100);
    expect(result.fields.invoiceDate).toMatchObject({ value: "2026-11-30", confidence: 1, page: 1 });
    expect(result.fields.servicePeriod?.value).toBe("2026-11-01/2026-11-30");
    expect(result.lineItems).toHaveLength(2);
  });

  it("flags a Factur-X PDF whose printed total differs from its XML for review, keeping the XML's value", async () => {
    const file = path.join(dir, "factur-x-mismatch.pdf");
    await writeHybridInvoicePdf(file, printedInvoiceLines({ ...invoice, total: "1408.43" }), [
      { name: "factur-x.xml", xml: ciiInvoiceXml(invoice) },
    ]);
    const { result } = await completed(file, "pdf");
    expect(result.source).toBe("e-invoice");
    expect(result.needsReview).toBe(true);
    expect(result.fields.totalAmount).toMatchObject({
      value: "1480.43",
      needsReview: true,
      reviewReasons: ["e-invoice-mismatch"],
    });
  });

  it("reads a PDF without an attached invoice with the model, as before", async () => {
    const file = path.join(dir, "plain.pdf");
    await writeTextPdf(file, [printedInvoiceLines(invoice)]);
    const { result } = await completed(file, "pdf");
    expect(result.source).toBe("model");
    expect(result.lineItems).toBeUndefined();
  });

  it("fails hostile XML permanently with its code: billion laughs, 200,000 levels of nesting", async () => {
    const root = `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`;
    const entities = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
    ).join("");
    const laughs = await xmlFile(
      "laughs.xml",
      `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY l0 "lol">${entities}]>${root}&l9;</Invoice>`,
    );
    const failedLaughs = await runJob(laughs, "xml");
    expect(failedLaughs.status).toBe("FAILED");
    expect(failedLaughs.error).toMatchObject({ code: "UNSUPPORTED_DOCUMENT" });
    expect(failedLaughs.attempt).toBe(1);

    const deep = await xmlFile(
      "deep.xml",
      `${root}${"<a>".repeat(200_000)}${"</a>".repeat(200_000)}</Invoice>`,
    );
    const failedDeep = await runJob(deep, "xml");
    expect(failedDeep.status).toBe("FAILED");
    expect(failedDeep.error).toMatchObject({ code: "DOCUMENT_TOO_LARGE" });
    expect(await readdir(tempDir)).toEqual([]);
  });
});
