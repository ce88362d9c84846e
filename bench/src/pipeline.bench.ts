import { mkdir, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { generateDocument, renderPdf } from "@docsift/model/synthetic";
import { percentile, type BenchReport, isMain, runStandalone } from "./report.js";
import { principalHeader, startBenchStack } from "./stack-for-bench.js";

const DOCUMENTS = Number(process.env.BENCH_PIPELINE_DOCS ?? 200);
// The first jobs pay for cold caches (JIT, connection set-up, model warm-up): not measured.
const WARM_UP = 5;

interface JobView {
  status: string;
  result?: { timings: { downloadMs: number; extractMs: number; inferMs: number; totalMs: number } };
}

/**
 * Pipeline overhead: one-page PDFs submitted one at a time through the HTTP API of the local
 * stack (functions host + one worker), timed from the submit call to the `job.completed` push
 * arriving over Web PubSub, minus the job's own extraction and inference time as the worker
 * recorded it. What is left is queueing, messaging, state writes, blob download and the push.
 */
export async function run(): Promise<BenchReport> {
  const dir = path.join(os.tmpdir(), "docsift-bench-docs", "one-page");
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < DOCUMENTS + WARM_UP; i++) {
    const file = path.join(dir, `doc-${i}.pdf`);
    if (!(await stat(file).catch(() => undefined)))
      await renderPdf(generateDocument(10_000 + i, { docType: "invoice" }), file);
    files.push(file);
  }

  const stack = await startBenchStack({ workers: 1 });
  const userId = "bench-pipeline";
  const headers = { "x-ms-client-principal": principalHeader(userId) };
  const api = `${stack.urls.app}/api`;
  const completed = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const client = new WebPubSubClient({
    getClientAccessUrl: async () =>
      ((await (await fetch(`${api}/negotiate`, { method: "POST", headers })).json()) as { url: string }).url,
  });
  client.on("server-message", (e) => {
    const event = e.message.data as { jobId: string; type: string };
    if (event.type !== "job.completed" && event.type !== "job.failed") return;
    completed.set(event.jobId, performance.now());
    waiters.get(event.jobId)?.();
  });
  await client.start();

  const overheads: number[] = [];
  const endToEnd: number[] = [];
  let failed = 0;
  try {
    for (const [index, file] of files.entries()) {
      const body = await readFile(file);
      const created = (await (
        await fetch(`${api}/jobs`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({
            fileName: path.basename(file),
            contentType: "application/pdf",
            sizeBytes: body.length,
          }),
        })
      ).json()) as { jobId: string; upload: { url: string; headers: Record<string, string> } };
      await fetch(created.upload.url, { method: "PUT", body, headers: created.upload.headers });
      const done = new Promise<void>((resolve) => waiters.set(created.jobId, resolve));
      const t0 = performance.now();
      await fetch(`${api}/jobs/${created.jobId}/submit`, { method: "POST", headers });
      await Promise.race([
        done,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`job ${created.jobId} not completed in 60 s`)), 60_000),
        ),
      ]);
      const elapsed = completed.get(created.jobId)! - t0;
      const job = (await (await fetch(`${api}/jobs/${created.jobId}`, { headers })).json()) as JobView;
      if (job.status !== "COMPLETED" || !job.result) {
        failed++;
        continue;
      }
      if (index < WARM_UP) continue;
      const own = job.result.timings.extractMs + job.result.timings.inferMs;
      endToEnd.push(elapsed);
      overheads.push(elapsed - own);
    }
  } finally {
    await client.stop();
    await stack.stop();
  }
  return {
    name: "pipeline overhead (submit → pushed job.completed, minus extract + infer)",
    metrics: {
      documents: overheads.length,
      failed,
      overheadP50Ms: percentile(overheads, 50),
      overheadP95Ms: percentile(overheads, 95),
      overheadP99Ms: percentile(overheads, 99),
      endToEndP50Ms: percentile(endToEnd, 50),
      endToEndP95Ms: percentile(endToEnd, 95),
    },
    notes: [
      `one job in flight at a time, one worker, after ${WARM_UP} warm-up jobs; goal overhead p95 ≤ 150 ms`,
    ],
  };
}

if (isMain(import.meta.url)) runStandalone(run);
