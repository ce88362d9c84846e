// The worker end to end on 5 MB and 100 MB PDF and DOCX documents (and a text-heavy 500-page
// PDF for a pages/s figure): each document uploaded to Azurite, its task sent through the
// Service Bus emulator, and a compiled worker process (`node worker/dist/main.js`, one fresh
// process per document so its peak RSS is that document's) downloads, extracts and infers.
// Figures come from the result's own timings; peak RSS from the process's VmHWM. The same PDFs
// go through `pdftotext` (poppler-utils) as the speed anchor (goal: worker ≥ 0.5× its speed).
// Each document goes to two fresh workers six times each; the median of the ten later jobs is the
// steady-state figure, the first jobs' median is reported beside it.
// Run: npm run build && node bench/dist/run.js worker
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  BLOB_CONTAINERS,
  MESSAGE_SCHEMA_VERSION,
  QUEUES,
  createJob,
  transitionJob,
  uploadBlobName,
} from "@docsift/core";
import type { Job, JobEvent } from "@docsift/core";
import { writeLargeDocx, writeLargePdf, writeTextPdf } from "@docsift/extraction/testing";
import { percentile, type BenchReport } from "./report.js";
import { stackClients, startBenchStack } from "./stack-for-bench.js";

const MB = 1024 * 1024;
const CACHE_DIR = path.join(os.tmpdir(), "docsift-bench-worker");
const WORKER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../worker/dist/main.js");
const run$ = promisify(execFile);
const WORKERS = 2;
const JOBS_PER_WORKER = 6;
const ANCHOR_RUNS = 5;

interface BenchDocument {
  name: string;
  kind: "pdf" | "docx";
  write(file: string): Promise<unknown>;
}

const DOCUMENTS: BenchDocument[] = [
  {
    name: "pdfText500p",
    kind: "pdf",
    write: (f) =>
      writeTextPdf(
        f,
        Array.from({ length: 500 }, (_, p) =>
          Array.from({ length: 40 }, (_, i) => `Invoice INV-${p}-${i}  item ${i}  amount ${p},${i}50.00 EUR`),
        ),
      ),
  },
  { name: "pdf5mb", kind: "pdf", write: (f) => writeLargePdf(f, 5 * MB) },
  { name: "pdf100mb", kind: "pdf", write: (f) => writeLargePdf(f, 100 * 1000 * 1000) },
  { name: "docx5mb", kind: "docx", write: (f) => writeLargeDocx(f, 5 * MB) },
  { name: "docx100mb", kind: "docx", write: (f) => writeLargeDocx(f, 100 * 1000 * 1000) },
];

const CONTENT_TYPE = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
} as const;

async function ensureDocument(doc: BenchDocument): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `${doc.name}.${doc.kind}`);
  if (!existsSync(file)) {
    await doc.write(`${file}.part`);
    await rename(`${file}.part`, file);
  }
  return file;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** What the worker said of its helper threads' CPUs at start (see worker/src/cpu-affinity.ts). */
let helperCpus = "not reported";

/** The worker's log line about its helper threads' CPUs, if `output` holds it whole. */
function helperCpusSaid(output: string): string | undefined {
  for (const line of output.split("\n").slice(0, -1)) {
    if (!line.includes('"msg":"helper threads') && !line.includes('"msg":"could not keep')) continue;
    try {
      const said = JSON.parse(line) as { msg: string; cpus?: number[]; reason?: string };
      return `${said.msg}${said.cpus ? ` (CPUs ${said.cpus.join(",")})` : ""}${said.reason ? ` (${said.reason})` : ""}`;
    } catch {
      continue; // The start of the line was cut off with the buffer.
    }
  }
  return undefined;
}

/** A worker process, ready when it logs "worker ready". */
async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error("worker not ready within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      helperCpus = helperCpusSaid(buffered) ?? helperCpus;
      if (buffered.includes('"msg":"worker ready"')) {
        clearTimeout(timer);
        resolve();
      }
      buffered = buffered.slice(-4096);
    });
  });
  return child;
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/**
 * Plain pdftotext's wall time as a user running it sees it: timed by a small shell around it,
 * not from this process, whose own size (it hosts the local stack) would make every fork of it
 * slower and flatter the worker.
 */
async function pdftotextMs(file: string): Promise<number> {
  const { stdout } = await run$("bash", [
    "-c",
    's=$EPOCHREALTIME; pdftotext -enc UTF-8 "$1" /dev/null; e=$EPOCHREALTIME; echo "$s $e"',
    "pdftotext-anchor",
    file,
  ]);
  const [start, end] = stdout.trim().split(" ").map(Number) as [number, number];
  return (end - start) * 1000;
}

/** `BENCH_WORKER_DOCUMENTS=pdf5mb,pdf100mb` runs only those documents (all by default). */
function selectedDocuments(): BenchDocument[] {
  const wanted = process.env.BENCH_WORKER_DOCUMENTS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!wanted?.length) return DOCUMENTS;
  const unknown = wanted.filter((w) => !DOCUMENTS.some((d) => d.name === w));
  if (unknown.length)
    throw new Error(
      `BENCH_WORKER_DOCUMENTS names ${unknown.join(", ")}; choose from ${DOCUMENTS.map((d) => d.name).join(", ")}`,
    );
  return DOCUMENTS.filter((d) => wanted.includes(d.name));
}

export async function run(): Promise<BenchReport> {
  const selected = selectedDocuments();
  const files = new Map<string, string>();
  for (const doc of selected) files.set(doc.name, await ensureDocument(doc));

  // Services only: this benchmark starts a worker process per document itself.
  const stack = await startBenchStack({ workers: 0, functions: false });
  const env = stack.env;
  const { documents, cosmos, jobs, serviceBus, tasks } = stackClients(env);
  const endWaiters = new Map<string, () => void>();
  const ended = (jobId: string) => new Promise<void>((resolve) => endWaiters.set(jobId, resolve));
  const events = serviceBus.createReceiver(QUEUES.events, { receiveMode: "receiveAndDelete" });
  events.subscribe({
    processMessage: async (message) => {
      const event = message.body as Partial<JobEvent>;
      if ((event.type === "job.completed" || event.type === "job.failed") && event.jobId) {
        endWaiters.get(event.jobId)?.();
        endWaiters.delete(event.jobId);
      }
    },
    processError: async () => undefined,
  });
  const userId = "bench-worker";
  const workerEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ...env,
    MODEL_SOURCE: "bundled",
    OCR_ENABLED: "false",
    HEALTH_PORT: "0",
    LOG_LEVEL: "info",
    TEMP_DIR: path.join(os.tmpdir(), "docsift-bench-worker-tmp"),
    // To compare: HELPER_CPU_AFFINITY=off npm run bench -- worker
    ...(process.env.HELPER_CPU_AFFINITY ? { HELPER_CPU_AFFINITY: process.env.HELPER_CPU_AFFINITY } : {}),
  };

  const metrics: Record<string, number> = {};
  const notes: string[] = [];
  try {
    /** One job for `doc`, processed by `worker`; resolves with the stored result. */
    const runJob = async (doc: BenchDocument, worker: ChildProcess) => {
      const file = files.get(doc.name)!;
      const sizeBytes = (await stat(file)).size;
      const id = randomUUID();
      const contentType = CONTENT_TYPE[doc.kind];
      const job = createJob({
        id,
        userId,
        fileName: path.basename(file),
        contentType,
        sizeBytes,
        blob: { container: BLOB_CONTAINERS.uploads, name: uploadBlobName(userId, id) },
        uploadWindowMs: 3600_000,
        at: new Date(),
      });
      await jobs.create(job);
      await documents.upload(job.blob.container, job.blob.name, createReadStream(file), {
        contentType,
        maxBytes: 200 * MB,
      });
      const queued = await transitionJob({ jobs }, userId, id, { type: "submit", at: new Date() });
      const end = ended(id);
      const sent = performance.now();
      await tasks.enqueue({
        schemaVersion: MESSAGE_SCHEMA_VERSION,
        jobId: id,
        userId,
        submission: queued.job.value.submissions,
        blob: { container: job.blob.container, name: job.blob.name, sizeBytes, contentType },
        documentKind: doc.kind,
        model: { name: "docsift-kie" },
        submittedAt: new Date().toISOString(),
      });
      // The worker's own job.completed / job.failed event says when to look: polling the job
      // (a TLS request to the Cosmos emulator in this process every few ms) would take CPU from
      // the worker being measured on a two-core machine.
      let timer: NodeJS.Timeout | undefined;
      let onExit: (() => void) | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          void end.then(resolve);
          timer = setTimeout(() => reject(new Error(`${doc.name}: no end event within 600 s`)), 600_000);
          onExit = () => reject(new Error(`${doc.name}: the worker exited`));
          worker.once("exit", onExit);
        });
      } finally {
        clearTimeout(timer);
        if (onExit) worker.off("exit", onExit);
      }
      const done: Job | undefined = (await jobs.get(userId, id))?.value;
      const wallMs = performance.now() - sent;
      if (done?.status !== "COMPLETED" || !done.result)
        throw new Error(
          `${doc.name}: job ended ${done?.status ?? "never"} ${JSON.stringify(done?.error ?? {})}`,
        );
      return { result: done.result, sizeBytes, wallMs };
    };
    type Run = Awaited<ReturnType<typeof runJob>>;
    const processMs = (r: Run) => r.result.timings.extractMs + r.result.timings.inferMs;
    const medianOf = (runs: Run[]): Run =>
      [...runs].sort((a, b) => processMs(a) - processMs(b))[Math.floor((runs.length - 1) / 2)]!;

    for (const doc of selected) {
      const file = files.get(doc.name)!;
      // WORKERS fresh worker processes (so peak RSS is this document's), each given the document
      // JOBS_PER_WORKER times: the first job after start, then the steady state a long-running
      // worker works at. Single runs of a few tens of milliseconds on two shared cores vary by ±30 %.
      const first: Run[] = [];
      const steady: Run[] = [];
      let peakMb = 0;
      let baselineMb = 0;
      for (let w = 0; w < WORKERS; w++) {
        const worker = await startWorkerProcess(workerEnv);
        try {
          baselineMb = await peakRssMb(worker.pid!);
          for (let j = 0; j < JOBS_PER_WORKER; j++)
            (j === 0 ? first : steady).push(await runJob(doc, worker));
          peakMb = Math.max(peakMb, await peakRssMb(worker.pid!));
        } finally {
          await stopWorkerProcess(worker);
        }
      }
      const median = medianOf(steady);
      const { result, sizeBytes, wallMs } = median;
      const { downloadMs, extractMs, inferMs, totalMs } = result.timings;
      const mb = sizeBytes / MB;
      const m = (key: string, value: number) =>
        (metrics[`${doc.name}.${key}`] = Math.round(value * 100) / 100);
      m("sizeMb", mb);
      m("pages", result.pages);
      m("downloadMs", downloadMs);
      m("extractMs", extractMs);
      m("inferMs", inferMs);
      m("processMs", processMs(median));
      m("processMsMin", Math.min(...steady.map(processMs)));
      m("processMsMax", Math.max(...steady.map(processMs)));
      m("firstJobProcessMs", processMs(medianOf(first)));
      m("jobTotalMs", totalMs);
      m("submitToCompletedMs", wallMs);
      m("pagesPerSec", result.pages / (processMs(median) / 1000));
      m("mbPerSec", mb / (totalMs / 1000));
      m("peakRssMb", peakMb);
      m("idleRssMb", baselineMb);
      if (doc.kind === "pdf") {
        const anchor: number[] = [];
        for (let i = 0; i < ANCHOR_RUNS; i++) anchor.push(await pdftotextMs(file));
        const anchorMs = percentile(anchor, 50);
        m("pdftotextMs", anchorMs);
        // Both read the same file from local disk: the worker's whole processing (reading,
        // featurizing and scoring, overlapped) against plain pdftotext's text extraction.
        m("speedVsPdftotext", anchorMs / processMs(median));
        m("firstJobSpeedVsPdftotext", anchorMs / processMs(medianOf(first)));
      }
      if (sizeBytes >= 90 * 1000 * 1000 && peakMb > 300)
        notes.push(`${doc.name}: peak RSS ${peakMb.toFixed(0)} MB exceeds the 300 MB goal`);
    }
  } finally {
    await events.close().catch(() => undefined);
    await tasks.close().catch(() => undefined);
    await serviceBus.close().catch(() => undefined);
    cosmos.dispose();
    await stack.stop();
  }
  notes.push(
    `each document ${JOBS_PER_WORKER} times in each of ${WORKERS} freshly started (and warmed-up) worker processes (MODEL_SOURCE=bundled, OCR off, PDF_ENGINE=auto → poppler when installed); the figures are the median of the later jobs (a long-running worker's steady state), firstJob* the median of the first job after start`,
    "processMs = extractMs + inferMs = the job's wall time from opening the document to its result (pages are read, featurized and scored overlapped); processMsMin/Max over the steady-state jobs",
    `speedVsPdftotext = plain pdftotext's wall time (median of ${ANCHOR_RUNS}) / processMs on the same PDF (goal ≥ 0.5)`,
    "peakRssMb = the highest VmHWM of the worker processes after their job (goal ≤ 300 MB at 100 MB); idleRssMb = before the task",
    `helper CPUs (HELPER_CPU_AFFINITY): ${helperCpus}`,
  );
  return { name: "worker", metrics, notes };
}
