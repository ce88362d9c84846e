import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResultSchema } from "@docsift/core";
import { generateDocument, renderPdf } from "@docsift/model/synthetic";
import type { Truth } from "@docsift/model/synthetic";
import { runCaptured } from "./capture.js";

// `docsift extract` over several files and folders: one model load, one answer per file in order,
// a failure reported in its place without stopping the others.
let dir: string;
const truths = new Map<string, Truth>();

async function invoice(folder: string, seed: number): Promise<string> {
  const doc = generateDocument(seed, { docType: "invoice", locale: "en", split: "train" });
  const file = path.join(folder, `invoice-${seed}.pdf`);
  await renderPdf(doc, file);
  truths.set(file, doc.truth);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-extract-many-"));
  await mkdir(path.join(dir, "inbox", "2026"), { recursive: true });
  await mkdir(path.join(dir, "inbox", ".cache"), { recursive: true });
  await invoice(path.join(dir, "inbox"), 100_051);
  await invoice(path.join(dir, "inbox", "2026"), 100_052);
  // Not documents by their names, or hidden: a folder does not offer them.
  await writeFile(path.join(dir, "inbox", "notes.md"), "# not a document\n");
  await writeFile(path.join(dir, "inbox", ".cache", "old.pdf"), "%PDF-1.7\n");
  // A document by its name that cannot be read: reported in its turn.
  await writeFile(path.join(dir, "inbox", "broken.pdf"), "%PDF-1.7\nthis is not a PDF body\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("docsift extract over several files", () => {
  it("reads a folder recursively in name order, as JSON lines, and exits 1 when one failed", async () => {
    const inbox = path.join(dir, "inbox");
    const r = await runCaptured(["--json", "extract", inbox]);
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => path.relative(inbox, l.file as string))).toEqual([
      path.join("2026", "invoice-100052.pdf"),
      "broken.pdf",
      "invoice-100051.pdf",
    ]);
    expect(lines[1]!.error).toMatchObject({ code: "CORRUPT_DOCUMENT" });
    for (const line of [lines[0]!, lines[2]!]) {
      const result = JobResultSchema.parse(line.result);
      const truth = truths.get(line.file as string)!;
      expect(result.fields.invoiceNumber?.value).toBe(truth.fields.invoiceNumber);
      expect(result.fields.totalAmount?.value).toBe(truth.fields.totalAmount);
    }
  });

  it("writes one CSV row per file with each field's value and confidence", async () => {
    const files = [...truths.keys()].sort();
    const r = await runCaptured(["extract", "--csv", ...files, path.join(dir, "missing.pdf")]);
    expect(r.code).toBe(1);
    const rows = r.stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(4);
    const header = rows[0]!.split(",");
    expect(header.slice(0, 4)).toEqual(["file", "status", "error", "documentType"]);
    const total = header.indexOf("totalAmount");
    expect(header[total + 1]).toBe("totalAmountConfidence");
    for (const [i, file] of files.entries()) {
      const cells = rows[i + 1]!.split(",");
      expect(cells.slice(0, 2)).toEqual([file, "ok"]);
      expect(cells[total]).toBe(truths.get(file)!.fields.totalAmount);
      expect(Number(cells[total + 1])).toBeGreaterThan(0);
    }
    expect(rows[3]).toContain("failed,FILE_UNREADABLE:");
  });

  it("says so when a folder holds no document", async () => {
    const empty = path.join(dir, "empty");
    await mkdir(empty);
    const r = await runCaptured(["--json", "extract", empty]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "NO_DOCUMENTS" });
  });
});
