import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { MESSAGE_SCHEMA_VERSION } from "@docsift/core";
import type { InferenceTask } from "@docsift/core";
import { startHealthServer } from "../src/health-server.js";
import { WorkerMetrics } from "../src/metrics.js";
import { warmUpModel, warmUpPages } from "../src/model-warm-up.js";
import { ProgressReporter } from "../src/progress.js";
import { parseTaskBody } from "../src/task-message.js";

const silent = pino({ level: "silent" });

const task: InferenceTask = {
  schemaVersion: MESSAGE_SCHEMA_VERSION,
  jobId: "7f8888b9-9f84-44ed-9f3c-81924d475cf1",
  userId: "user-1",
  submission: 1,
  blob: {
    container: "uploads",
    name: "user-1/7f8888b9-9f84-44ed-9f3c-81924d475cf1",
    sizeBytes: 10,
    contentType: "text/plain",
  },
  documentKind: "text",
  model: { name: "docsift-kie" },
  submittedAt: new Date().toISOString(),
};

describe("parseTaskBody", () => {
  it("accepts the contract as an object, as JSON text and as JSON bytes", () => {
    for (const body of [task, JSON.stringify(task), Buffer.from(JSON.stringify(task))])
      expect(parseTaskBody(body)).toEqual({ ok: true, task });
  });

  it("names every field that breaks the contract", () => {
    const parsed = parseTaskBody({ ...task, jobId: "nope", submission: 0, extra: true });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.description).toMatch(/jobId/);
    expect(parsed.description).toMatch(/submission/);
    expect(parsed.description).toMatch(/extra/);
  });

  it("refuses text that is not JSON without echoing it", () => {
    const parsed = parseTaskBody("secret document text, not a task");
    expect(parsed).toEqual({ ok: false, description: "body is not JSON (32 characters of text)" });
  });
});

describe("ProgressReporter", () => {
  it("stays quiet for a job that ends within the minimum interval", async () => {
    const sent: number[] = [];
    const reporter = new ProgressReporter(10, 60_000, async (n) => void sent.push(n), silent);
    for (let page = 1; page <= 500; page++) reporter.page(page);
    await reporter.stop();
    expect(sent).toEqual([]);
  });

  it("reports every N pages, one write at a time, and waits for the last on stop", async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    const reporter = new ProgressReporter(
      10,
      0,
      (n) => {
        sent.push(n);
        return new Promise<void>((r) => (release = r));
      },
      silent,
    );
    for (let page = 1; page <= 25; page++) reporter.page(page);
    // Page 10 started a write; pages 11..25 arrived while it was pending and were skipped.
    expect(sent).toEqual([10]);
    release();
    await new Promise((r) => setImmediate(r));
    reporter.page(26);
    expect(sent).toEqual([10, 26]);
    let stopped = false;
    const stopping = reporter.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    reporter.page(100);
    expect(sent).toEqual([10, 26]);
  });

  it("keeps at least the minimum interval between writes, and survives a failed write", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const sent: number[] = [];
      const failing = new ProgressReporter(
        1,
        1000,
        async (n) => {
          sent.push(n);
          throw new Error("store unavailable");
        },
        silent,
      );
      failing.page(1);
      vi.advanceTimersByTime(1000);
      failing.page(2);
      await failing.stop();
      expect(sent).toEqual([2]);

      const again = new ProgressReporter(1, 1000, async (n) => void sent.push(n), silent);
      vi.advanceTimersByTime(1000);
      again.page(1);
      await new Promise((r) => setImmediate(r));
      again.page(2);
      vi.advanceTimersByTime(999);
      again.page(3);
      vi.advanceTimersByTime(1);
      again.page(4);
      await again.stop();
      expect(sent).toEqual([2, 1, 4]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("health server", () => {
  it("answers liveness always, readiness by reason, and Prometheus metrics", async () => {
    let reason: string | undefined = "model not loaded";
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    metrics.outcome("completed");
    metrics.stage("download", 1500);
    const server = await startHealthServer(
      0,
      { notReadyReason: () => reason },
      metrics.registry,
      "127.0.0.1",
    );
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.text()).toContain("model not loaded");
      reason = undefined;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const body = await (await fetch(`${base}/metrics`)).text();
      expect(body).toContain('docsift_worker_jobs_total{outcome="completed"} 1');
      expect(body).toContain('docsift_worker_jobs_total{outcome="dead_lettered"} 0');
      expect(body).toContain('docsift_worker_stage_duration_seconds_bucket{le="2.5",stage="download"} 1');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});

describe("worker process start-up", () => {
  it("refuses a bad configuration at once, naming every problem, with exit code 2", () => {
    const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/main.js");
    const run = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? "", DOCSIFT_ENVIRONMENT: "local", WORKER_CONCURRENCY: "0" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Invalid configuration for worker");
    expect(run.stderr).toContain("WORKER_CONCURRENCY");
    expect(run.stderr).toContain("STORAGE_ACCOUNT_URL");
    expect(run.stderr).toContain("SERVICEBUS_NAMESPACE");
  });
});

describe("model warm-up", () => {
  it("runs made-up pages and the warm-up documents through the committed model, within its rounds and time budget", async () => {
    const { loadDefaultKeyInfoModel } = await import("@docsift/model");
    const model = await loadDefaultKeyInfoModel();
    try {
      const seen: number[] = [];
      const counting = {
        ...model,
        extract: async (...args: Parameters<typeof model.extract>) => {
          const result = await model.extract(...args);
          seen.push(result.pages);
          return result;
        },
      };
      expect(await warmUpModel(counting, { rounds: 3, documentRounds: 2 })).toEqual({
        pageRounds: 3,
        documentRounds: 2,
      });
      // 40 made-up pages per round, then the 13-page PDF and the DOCX (2 pages as read) through the readers.
      expect(seen).toEqual([40, 40, 40, 13, 2, 13, 2]);
      // A budget already spent still becomes ready: nothing is run.
      expect(await warmUpModel(counting, { budgetMs: 0 })).toEqual({ pageRounds: 0, documentRounds: 0 });
      // The made-up invoice carries the fields the model extracts from it.
      const result = await model.extract(warmUpPages(1));
      expect(result.fields.invoiceNumber?.value).toBe("INV-2024-0042");
      expect(result.fields.iban?.value).toBe("GB29NWBK60161331926819");
    } finally {
      await model.close();
    }
  });
});
