import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { copyFile, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOCUMENT_TYPES, JobResultSchema } from "@docsift/core";
import { IN_HOUSE_FAMILIES } from "../src/generator/sources.js";
import {
  defaultModelLocation,
  FsModelRegistry,
  loadKeyInfoModel,
  parseManifest,
  type KeyInfoModel,
} from "../src/index.js";
import { sha256File } from "../src/runtime/sha256.js";
import { generateDocument, renderPages } from "../src/synthetic.js";
import { evaluateSplit } from "../src/eval/evaluate.js";

const loc = defaultModelLocation();
const manifestOf = async () => parseManifest(JSON.parse(await readFile(loc.manifestPath, "utf8")));

describe("committed default model", () => {
  let model: KeyInfoModel;
  beforeAll(async () => {
    model = await loadKeyInfoModel({ onnxPath: loc.onnxPath, manifest: await manifestOf() });
  });
  afterAll(async () => model?.close());

  it("matches the sha256 in its manifest and is small", async () => {
    const manifest = await manifestOf();
    expect(await sha256File(loc.onnxPath)).toBe(manifest.sha256);
    expect(manifest.sizeBytes).toBeLessThan(5_000_000);
    expect(model.ref).toEqual({ name: manifest.name, version: manifest.version, sha256: manifest.sha256 });
  });

  it("carries a confidence calibration for its fields and document type, and trains on every in-house family", async () => {
    const manifest = await manifestOf();
    const calibrated = Object.keys(manifest.decoder.calibration ?? {});
    // Fields the calibration set reports often enough to fit a map (the rest keep their raw score).
    for (const f of ["invoiceNumber", "invoiceDate", "vendorName", "customerName", "totalAmount", "currency"])
      expect(calibrated, f).toContain(f);
    expect(manifest.decoder.documentTypeCalibration?.x.length).toBeGreaterThan(0);
    expect(manifest.decoder.reviewBelow).toBe(0.9);
    expect(manifest.documentTypes).toEqual([...DOCUMENT_TYPES]);
    expect([...(manifest.training.families ?? [])].sort()).toEqual([...IN_HOUSE_FAMILIES].sort());
  });

  it("has an evaluation whose headline is its worst family, with families written by others among them", async () => {
    const manifest = await manifestOf();
    const evaluation = JSON.parse(await readFile(join(loc.manifestPath, "..", "eval.json"), "utf8")) as {
      model: { sha256: string };
      headline: { family: string; microF1: number };
      families: Array<{ family: string; origin: string; metrics: { micro: { f1: number } } }>;
    };
    expect(evaluation.model.sha256).toBe(manifest.sha256);
    expect(evaluation.families.length).toBeGreaterThanOrEqual(6);
    expect(
      evaluation.families.filter((f) => f.origin.startsWith("written by others")).length,
    ).toBeGreaterThanOrEqual(2);
    const worst = Math.min(...evaluation.families.map((f) => f.metrics.micro.f1));
    expect(evaluation.headline.microF1).toBe(worst);
    expect(manifest.evaluation?.headline).toBe(`family:${evaluation.headline.family}`);
  });

  it("refuses a model file whose sha256 differs from the manifest", async () => {
    const manifest = await manifestOf();
    await expect(
      loadKeyInfoModel({ onnxPath: loc.onnxPath, manifest: { ...manifest, sha256: "0".repeat(64) } }),
    ).rejects.toThrow(/sha256/);
  });

  it("extracts the expected fields from held-out documents end to end", async () => {
    const doc = generateDocument(4242, { split: "heldout", docType: "invoice", locale: "en" });
    const result = await model.extract(renderPages(doc), { onPage: () => undefined });
    expect(result.documentType).toBe("invoice");
    expect(result.pages).toBe(doc.pages.length);
    expect(result.candidates).toBeGreaterThan(10);
    expect(result.fields.vendorName?.value).toBe(doc.truth.fields.vendorName);
    expect(result.fields.iban?.value).toBe(doc.truth.fields.iban);
    // The result fits the job contract the worker stores.
    const job = {
      documentType: result.documentType,
      documentTypeConfidence: result.documentTypeConfidence,
      fields: result.fields,
      pages: result.pages,
      ocrPages: 0,
      characters: result.characters,
      documentSha256: "a".repeat(64),
      model: model.ref,
      timings: { downloadMs: 0, extractMs: 0, inferMs: result.inferMs, totalMs: result.inferMs },
    };
    expect(JobResultSchema.safeParse(job).success).toBe(true);

    // Across a sample of the held-out split, most fields come out right.
    const r = await evaluateSplit(model, {
      key: "b",
      label: "",
      split: "heldout",
      documents: 40,
      seed: 99,
      pages: "clean",
    });
    expect(r.metrics.micro.precision).toBeGreaterThan(0.85);
    expect(r.metrics.micro.f1).toBeGreaterThan(0.75);
    expect(r.metrics.perField.iban!.f1).toBeGreaterThan(0.9);
  });

  it("consumes async page streams and reports an empty document as having no fields", async () => {
    const doc = generateDocument(77, { docType: "receipt" });
    async function* stream() {
      for (const p of renderPages(doc)) yield p;
    }
    const fromStream = await model.extract(stream());
    const fromArray = await model.extract(renderPages(doc));
    expect(fromStream.fields).toEqual(fromArray.fields);
    const empty = await model.extract([]);
    expect(empty.pages).toBe(0);
    expect(empty.fields).toEqual({});
  });
});

describe("FsModelRegistry", () => {
  it("publishes, resolves by version and by the current pointer, and rejects bad names", async () => {
    const root = await mkdtemp(join(tmpdir(), "docsift-registry-"));
    try {
      const registry = new FsModelRegistry(root);
      const manifest = await manifestOf();
      await registry.publish({ onnxPath: loc.onnxPath, manifest }, { makeCurrent: true });
      const byVersion = await registry.resolve(manifest.name, manifest.version);
      const current = await registry.resolve(manifest.name, "current");
      expect(current.manifest.sha256).toBe(manifest.sha256);
      expect(byVersion.onnxPath).toBe(join(root, manifest.name, manifest.version, "model.onnx"));
      expect(existsSync(current.onnxPath)).toBe(true);
      await expect(registry.resolve("../etc", "current")).rejects.toThrow(/invalid model name/);
      await expect(registry.resolve(manifest.name, "9.9.9")).rejects.toThrow(/not found/);

      // A tampered file is refused at publish time and at load time.
      const bad = join(root, "tampered");
      await mkdir(bad);
      await copyFile(loc.onnxPath, join(bad, "model.onnx"));
      await writeFile(join(bad, "model.onnx"), Buffer.from("not a model"), { flag: "a" });
      await expect(
        registry.publish(
          { onnxPath: join(bad, "model.onnx"), manifest: { ...manifest, version: "9.0.0" } },
          { makeCurrent: true },
        ),
      ).rejects.toThrow(/sha256/);
      expect((await registry.current(manifest.name)).trim()).toBe(manifest.version);
      await expect(loadKeyInfoModel({ onnxPath: join(bad, "model.onnx"), manifest })).rejects.toThrow(
        /sha256/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("parseManifest", () => {
  it("checks the evaluation figures unless told loading does not need them", async () => {
    const raw = JSON.parse(await readFile(loc.manifestPath, "utf8")) as Record<string, unknown>;
    const full = parseManifest(raw);
    expect(full.evaluation?.splits).toBeDefined();
    const forLoading = parseManifest(raw, "m", { evaluation: false });
    expect(forLoading.evaluation).toBeUndefined();
    expect({ ...forLoading, evaluation: full.evaluation }).toEqual(full);
    // A broken evaluation fails the full check only; the rest is checked either way.
    const broken = { ...raw, evaluation: { headline: 3 } };
    expect(() => parseManifest(broken, "m")).toThrow(/invalid model m: evaluation/);
    expect(parseManifest(broken, "m", { evaluation: false }).sha256).toBe(full.sha256);
    expect(() => parseManifest({ ...broken, sha256: "x" }, "m", { evaluation: false })).toThrow(/sha256/);
  });
});
