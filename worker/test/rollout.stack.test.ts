import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobModelStore, createBlobServiceClient } from "@docsift/adapters";
import { JobResultSchema, applyRolloutChange, rollbackRollout } from "@docsift/core";
import type { Rollout } from "@docsift/core";
import { FsModelRegistry, artifactsRoot } from "@docsift/model";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { Harness } from "./helpers/harness.js";

const NAME = "docsift-kie";
const CANDIDATE = "4.2.0-strict";
let harness: Harness;
let dir: string;
let store: BlobModelStore;
let container: string;
let current: { version: string; sha256: string };

/**
 * The registry in Azurite holds the committed model as current and, as the candidate, the same
 * weights under another version with some fields' decoder thresholds at 1: a candidate that
 * drops fields the current one finds, so the two can be seen to disagree.
 */
beforeAll(async () => {
  harness = await Harness.start();
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-rollout-"));
  container = `models-${randomUUID().slice(0, 8)}`;
  store = new BlobModelStore(createBlobServiceClient(harness.config().storage), container);
  const committed = await new FsModelRegistry(artifactsRoot()).resolve(NAME, "current");
  current = { version: committed.manifest.version, sha256: committed.manifest.sha256 };
  const committedManifest = path.join(path.dirname(committed.onnxPath), "manifest.json");
  await store.publish(
    { onnxPath: committed.onnxPath, manifestPath: committedManifest },
    { setCurrent: true },
  );
  const strict = {
    ...committed.manifest,
    version: CANDIDATE,
    decoder: {
      ...committed.manifest.decoder,
      fieldThresholds: {
        ...committed.manifest.decoder.fieldThresholds,
        invoiceNumber: 1,
        invoiceDate: 1,
        vendorName: 1,
        totalAmount: 1,
      },
    },
  };
  const candidateManifest = path.join(dir, "manifest.json");
  await writeFile(candidateManifest, JSON.stringify(strict));
  await store.publish(
    { onnxPath: committed.onnxPath, manifestPath: candidateManifest },
    { setCurrent: false },
  );
});

afterAll(async () => {
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function withWorker(rollout: Rollout, body: (worker: RunningWorker) => Promise<void>): Promise<void> {
  await store.writeRollout(NAME, rollout);
  const cacheDir = await mkdtemp(path.join(dir, "cache-"));
  const worker = await startWorker(
    harness.config({
      MODEL_SOURCE: "blob",
      MODELS_CONTAINER: container,
      MODEL_CACHE_DIR: cacheDir,
      MODEL_ROLLOUT_REFRESH_SECONDS: "1",
    }),
  );
  try {
    await body(worker);
  } finally {
    await worker.close();
  }
}

async function completeInvoices(seeds: number[]) {
  const results = [];
  for (const seed of seeds) {
    const { file } = await writeInvoice(dir, "pdf", seed);
    const { job } = await harness.submitFile(file, "pdf");
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
    expect(done.status).toBe("COMPLETED");
    results.push(JobResultSchema.parse(done.result));
  }
  return results;
}

/** The value of one series in Prometheus text, 0 when absent. */
function sample(metrics: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = metrics.split("\n").find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

const base = (): Rollout => ({ current: current.version, updatedAt: new Date().toISOString() });

describe("model rollout on the local stack", () => {
  it("shadow: users get current's results, and /metrics counts per field whether the candidate agreed", async () => {
    const rollout = applyRolloutChange(
      base(),
      { kind: "try", version: CANDIDATE, mode: "shadow", share: 1 },
      new Date(),
    );
    await withWorker(rollout, async (worker) => {
      const results = await completeInvoices([111, 222, 333]);
      for (const result of results) expect(result.model).toMatchObject({ name: NAME, ...current });

      const url = `http://127.0.0.1:${worker.healthPort}/metrics`;
      const versions = { served_version: current.version, shadow_version: CANDIDATE };
      // Shadow scoring runs after each job is settled: wait for the third comparison.
      let metrics = "";
      for (let i = 0; i < 120; i++) {
        metrics = await (await fetch(url)).text();
        if (sample(metrics, "docsift_worker_shadow_jobs_total", { ...versions, outcome: "compared" }) >= 3)
          break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(sample(metrics, "docsift_worker_shadow_jobs_total", { ...versions, outcome: "compared" })).toBe(
        3,
      );
      for (const field of ["documentType", "invoiceNumber", "totalAmount", "currency"]) {
        const agree = sample(metrics, "docsift_worker_shadow_field_agreement_total", {
          ...versions,
          field,
          agreement: "agree",
        });
        const disagree = sample(metrics, "docsift_worker_shadow_field_agreement_total", {
          ...versions,
          field,
          agreement: "disagree",
        });
        expect(agree + disagree, field).toBe(3);
      }
      // Same weights, same document type; the candidate's thresholds of 1 drop fields current found.
      expect(
        sample(metrics, "docsift_worker_shadow_field_agreement_total", {
          ...versions,
          field: "documentType",
          agreement: "agree",
        }),
      ).toBe(3);
      const disagreements = ["invoiceNumber", "invoiceDate", "vendorName", "totalAmount"].reduce(
        (sum, field) =>
          sum +
          sample(metrics, "docsift_worker_shadow_field_agreement_total", {
            ...versions,
            field,
            agreement: "disagree",
          }),
        0,
      );
      expect(disagreements).toBeGreaterThan(0);
      expect(
        sample(metrics, "docsift_worker_model_jobs_total", {
          model_version: current.version,
          role: "served",
        }),
      ).toBe(3);
      expect(
        sample(metrics, "docsift_worker_model_jobs_total", { model_version: CANDIDATE, role: "shadow" }),
      ).toBe(3);
      expect(metrics).toMatch(
        new RegExp(`docsift_worker_field_confidence_count\\{model_version="${current.version}"`),
      );
    });
  });

  it("canary at 100%: results carry the candidate's name, version and sha256; a rollback reaches the running worker", async () => {
    const rollout = applyRolloutChange(
      base(),
      { kind: "try", version: CANDIDATE, mode: "canary", share: 1 },
      new Date(),
    );
    await withWorker(rollout, async (worker) => {
      const [result] = await completeInvoices([444]);
      expect(result!.model).toEqual({ name: NAME, version: CANDIDATE, sha256: current.sha256 });
      const metrics = await (await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`)).text();
      expect(
        sample(metrics, "docsift_worker_model_jobs_total", { model_version: CANDIDATE, role: "served" }),
      ).toBe(1);

      // `docsift model rollback` during the canary: the worker re-reads the document (every
      // second here) and serves current again, without a restart.
      await store.writeRollout(NAME, rollbackRollout(rollout, new Date()));
      let served: string | undefined;
      for (let seed = 500; seed < 520 && served !== current.version; seed++) {
        await new Promise((r) => setTimeout(r, 500));
        const [next] = await completeInvoices([seed]);
        served = next!.model.version;
      }
      expect(served).toBe(current.version);
    });
  });
});
