import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDocument, renderPng } from "@docsift/model/synthetic";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { Harness } from "./helpers/harness.js";

// OCR through the worker: a scanned invoice page (PNG) read by PP-OCR, then the model.
let harness: Harness;
let worker: RunningWorker;
let dir: string;

beforeAll(async () => {
  harness = await Harness.start({ lockDurationMs: 30_000 });
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-ocr-"));
  worker = await startWorker(harness.config({ OCR_ENABLED: "true", OCR_MAX_PAGES: "2" }));
});

afterAll(async () => {
  await worker?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a worker with OCR enabled", () => {
  it("reads a scanned invoice image (PNG) and finds its fields", async () => {
    const doc = generateDocument(4242, { docType: "invoice", locale: "en", split: "heldout" });
    const file = path.join(dir, "scan.png");
    await writeFile(file, await renderPng(doc, 1, 150));
    const { job } = await harness.submitFile(file, "png");
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 120_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe("COMPLETED");
    expect(done.result!.ocrPages).toBe(1);
    expect(done.result!.characters).toBeGreaterThan(100);
    const found = Object.entries(done.result!.fields).filter(
      ([f, v]) => v.value === doc.truth.fields[f as keyof typeof doc.truth.fields],
    );
    expect(found.length, `found ${found.map(([f]) => f).join(", ")}`).toBeGreaterThanOrEqual(1);
  });
});
