import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobModelStore, createBlobServiceClient } from "@docsift/adapters";
import { JobEventSchema, JobResultSchema } from "@docsift/core";
import { defaultModelLocation } from "@docsift/model";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { correctFields, writeInvoice } from "./helpers/documents.js";
import { Harness } from "./helpers/harness.js";

let harness: Harness;
let worker: RunningWorker;
let dir: string;
let tempDir: string;

beforeAll(async () => {
  harness = await Harness.start();
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-happy-"));
  tempDir = await mkdtemp(path.join(os.tmpdir(), "worker-happy-tmp-"));
  worker = await startWorker(harness.config({ TEMP_DIR: tempDir, PROGRESS_EVERY_PAGES: "1" }));
});

afterAll(async () => {
  await worker?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(tempDir, { recursive: true, force: true });
});

describe("a worker in process against the emulators", () => {
  it("is ready and serves health, readiness and metrics", async () => {
    expect(worker.ready).toBe(true);
    const base = `http://127.0.0.1:${worker.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('docsift_worker_jobs_total{outcome="completed"} 0');
    expect(metrics).toContain("docsift_worker_jobs_in_flight 0");
    expect(metrics).toContain("docsift_worker_lock_renewals_total");
  });

  for (const [kind, seed] of [
    ["pdf", 101],
    ["docx", 202],
    ["text", 303],
  ] as const) {
    it(`completes a ${kind} invoice with its fields, timings and events`, async () => {
      const { file, truth } = await writeInvoice(dir, kind, seed);
      const { job } = await harness.submitFile(file, kind);
      const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
      expect(done.error).toBeUndefined();
      expect(done.status).toBe("COMPLETED");
      const result = JobResultSchema.parse(done.result);
      expect(result.documentType).toBe("invoice");
      const right = correctFields(result, truth);
      expect(
        right.length,
        `found ${right.join(", ")} of ${Object.keys(truth.fields).join(", ")}`,
      ).toBeGreaterThanOrEqual(Math.ceil(Object.keys(truth.fields).length / 2));
      expect(result.pages).toBeGreaterThanOrEqual(1);
      expect(result.model.name).toBe("docsift-kie");
      expect(result.timings.totalMs).toBeGreaterThanOrEqual(
        result.timings.extractMs + result.timings.inferMs,
      );
      expect(done.attempt).toBe(1);
      expect(done.history.map((h) => h.to)).toEqual(["AWAITING_UPLOAD", "QUEUED", "PROCESSING", "COMPLETED"]);

      const events = await harness.eventsOf(job.id);
      for (const e of events) JobEventSchema.parse(e);
      const types = events.map((e) => e.type);
      expect(types[0]).toBe("job.processing");
      expect(types.at(-1)).toBe("job.completed");
      expect(types.filter((t) => t === "job.completed")).toHaveLength(1);
      expect(events.at(-1)?.summary.fieldsFound).toBe(Object.keys(result.fields).length);
      // The temp file went away with the job.
      expect(await readdir(tempDir)).toEqual([]);
    });
  }

  it("loads the model from the Blob registry (MODEL_SOURCE=blob), verified, into its cache", async () => {
    const bundled = defaultModelLocation();
    const container = `models-${randomUUID().slice(0, 8)}`;
    const store = new BlobModelStore(createBlobServiceClient(harness.config().storage), container);
    await store.publish(bundled, { setCurrent: true });
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), "worker-models-"));
    const fromBlob = await startWorker(
      harness.config({ MODEL_SOURCE: "blob", MODELS_CONTAINER: container, MODEL_CACHE_DIR: cacheDir }),
    );
    try {
      expect(fromBlob.ready).toBe(true);
      const cached = path.join(cacheDir, "docsift-kie", bundled.version, "model.onnx");
      expect(await readFile(cached)).toEqual(await readFile(bundled.onnxPath));
    } finally {
      await fromBlob.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("counted the jobs in its metrics", async () => {
    expect(await worker.metrics.count("completed")).toBe(3);
    expect(worker.inFlight).toBe(0);
  });
});
