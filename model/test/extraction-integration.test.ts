import { describe, expect, it, afterAll, beforeAll } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDocument, readFileHead } from "@docsift/extraction";
import { loadDefaultKeyInfoModel, type KeyInfoModel } from "../src/index.js";
import { generateDocument, renderDocx, renderPdf, renderText } from "../src/synthetic.js";

describe("rendered documents read through @docsift/extraction", () => {
  let dir: string;
  let model: KeyInfoModel;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "docsift-model-int-"));
    model = await loadDefaultKeyInfoModel();
  });
  afterAll(async () => {
    await model?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("extracts key fields from a real PDF text layer, a DOCX and a text file", async () => {
    const doc = generateDocument(31337, { split: "heldout", docType: "invoice", locale: "de" });
    const pdf = join(dir, "invoice.pdf");
    const docx = join(dir, "invoice.docx");
    const txt = join(dir, "invoice.txt");
    await renderPdf(doc, pdf);
    await renderDocx(doc, docx);
    await writeFile(txt, renderText(doc));
    for (const path of [pdf, docx, txt]) {
      const reading = readDocument({ path, head: await readFileHead(path) }, { pdfEngine: "pdfjs" });
      const result = await model.extract(reading.pages);
      expect(result.pages, path).toBe(doc.pages.length);
      expect(result.characters, path).toBeGreaterThan(200);
      expect(result.fields.iban?.value, path).toBe(doc.truth.fields.iban);
      expect(result.fields.vendorName?.value, path).toBe(doc.truth.fields.vendorName);
      expect(result.fields.totalAmount?.value, path).toBe(doc.truth.fields.totalAmount);
    }
  });
});
