// Checks the capacity planner's model (`docsift capacity`, cli/src/capacity) against the local
// stack: a KEDA-like loop reads the Service Bus emulator's ActiveMessageCount, runs the HPA's
// arithmetic, and starts and stops real worker processes (`node worker/dist/main.js`, SIGTERM to
// scale in, so they drain) while a short bursty trace of text PDFs is sent. Then the realised
// trace (each job's send time, and its run from its last PROCESSING to COMPLETED in the job
// record) and the measured pod start go through the simulator with the same settings, and the two
// are printed side by side. Time is scaled: one model second is TICK_MS of real time, so a short
// run covers many polls, syncs and pod lifetimes.
// Run: npm run build && node bench/dist/run.js capacity
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hpaDecision, metricReplicas, percentile, simulate } from "@docsift/cli/capacity";
import type { AutoscalerModel, Recommendation, ScaleEvent, TraceJob } from "@docsift/cli/capacity";
import {
  BLOB_CONTAINERS,
  MESSAGE_SCHEMA_VERSION,
  QUEUES,
  createJob,
  transitionJob,
  uploadBlobName,
} from "@docsift/core";
import { writeTextPdf } from "@docsift/extraction/testing";
import type { BenchReport } from "./report.js";
import { stackClients, startBenchStack } from "./stack-for-bench.js";

const TICK_MS = 250;
const WORKER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../worker/dist/main.js");
const CACHE_DIR = path.join(os.tmpdir(), "docsift-bench-capacity");

/** The settings under test, in model seconds (ticks). */
const SCALER: AutoscalerModel = {
  messageCount: 1,
  activationMessageCount: 0,
  pollingIntervalSeconds: 4,
  cooldownPeriodSeconds: 8,
  maxReplicas: 3,
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 4 },
        { type: "Percent", value: 100, periodSeconds: 4 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: 8,
      selectPolicy: "Min",
      policies: [{ type: "Percent", value: 100, periodSeconds: 4 }],
    },
  },
};
const HPA_SYNC_TICKS = 4;

/**
 * `BENCH_CAPACITY_DRAIN_GRACE_SECONDS=2` gives the workers a drain grace shorter than most jobs,
 * to compare kills by scale-in; unset, the worker's default (job timeout + 30 s) kills none.
 */
function drainGraceSeconds(): number | undefined {
  const raw = process.env.BENCH_CAPACITY_DRAIN_GRACE_SECONDS;
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw))
    throw new Error(`BENCH_CAPACITY_DRAIN_GRACE_SECONDS must be whole seconds, got "${raw}"`);
  return Number(raw);
}

/** Bursts of documents and a few lone ones: [send at, in ticks; pages]. */
function shortTrace(): Array<{ at: number; pages: number }> {
  const jobs: Array<{ at: number; pages: number }> = [];
  const burst = (at: number, n: number) => {
    for (let i = 0; i < n; i++) jobs.push({ at: at + (i % 3), pages: i % 2 ? 1500 : 600 });
  };
  burst(0, 6);
  jobs.push({ at: 90, pages: 600 });
  burst(140, 8);
  jobs.push({ at: 230, pages: 1500 }, { at: 300, pages: 600 });
  burst(330, 5);
  return jobs.sort((a, b) => a.at - b.at);
}

async function textPdf(pages: number): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `text-${pages}p.pdf`);
  if (!existsSync(file)) {
    await writeTextPdf(
      `${file}.part`,
      Array.from({ length: pages }, (_, p) =>
        Array.from({ length: 40 }, (_, i) => `Invoice INV-${p}-${i}  item ${i}  amount ${p},${i}50.00 EUR`),
      ),
    );
    await rename(`${file}.part`, file);
  }
  return file;
}

interface Pod {
  child: ChildProcess;
  createdAt: number;
  readyAt?: number;
  stoppingAt?: number;
  exitedAt?: number;
  ready: Promise<void>;
  exited: Promise<void>;
}

export async function run(): Promise<BenchReport> {
  const trace = shortTrace();
  const grace = drainGraceSeconds();
  const files = new Map<number, string>();
  for (const pages of new Set(trace.map((j) => j.pages))) files.set(pages, await textPdf(pages));

  const stack = await startBenchStack({ workers: 0, functions: false });
  const env = stack.env;
  const { documents, cosmos, jobs, serviceBus, tasks } = stackClients(env);
  const userId = "bench-capacity";
  const workerEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ...env,
    MODEL_SOURCE: "bundled",
    OCR_ENABLED: "false",
    HEALTH_PORT: "0",
    LOG_LEVEL: "info",
    HELPER_CPU_AFFINITY: "off",
    TEMP_DIR: path.join(os.tmpdir(), "docsift-bench-capacity-tmp"),
    ...(grace === undefined ? {} : { DRAIN_GRACE_SECONDS: String(grace) }),
  };

  // Uploaded before the clock starts; each send only enqueues its task.
  const prepared: Array<{ at: number; send: () => Promise<void>; id: string; sentAt?: number }> = [];
  for (const item of trace) {
    const file = files.get(item.pages)!;
    const sizeBytes = (await stat(file)).size;
    const id = randomUUID();
    const job = createJob({
      id,
      userId,
      fileName: path.basename(file),
      contentType: "application/pdf",
      sizeBytes,
      blob: { container: BLOB_CONTAINERS.uploads, name: uploadBlobName(userId, id) },
      uploadWindowMs: 3600_000,
      at: new Date(),
    });
    await jobs.create(job);
    await documents.upload(job.blob.container, job.blob.name, createReadStream(file), {
      contentType: "application/pdf",
      maxBytes: 50 * 1024 * 1024,
    });
    prepared.push({
      at: item.at,
      id,
      send: async () => {
        const queued = await transitionJob({ jobs }, userId, id, { type: "submit", at: new Date() });
        await tasks.enqueue({
          schemaVersion: MESSAGE_SCHEMA_VERSION,
          jobId: id,
          userId,
          submission: queued.job.value.submissions,
          blob: {
            container: job.blob.container,
            name: job.blob.name,
            sizeBytes,
            contentType: "application/pdf",
          },
          documentKind: "pdf",
          model: { name: "docsift-kie" },
          submittedAt: new Date().toISOString(),
        });
      },
    });
  }

  const t0 = Date.now();
  const tickOf = (ms: number) => (ms - t0) / TICK_MS;
  const pods: Pod[] = [];
  const startPod = (t: number): Pod => {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: workerEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pod = { child, createdAt: t } as Pod;
    pod.ready = new Promise<void>((resolve) => {
      let buffered = "";
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        buffered = (buffered + chunk).slice(-8192);
        if (pod.readyAt === undefined && buffered.includes('"msg":"worker ready"')) {
          pod.readyAt = tickOf(Date.now());
          resolve();
        }
      });
    });
    pod.exited = new Promise<void>((resolve) =>
      child.once("exit", () => {
        pod.exitedAt = tickOf(Date.now());
        resolve();
      }),
    );
    pods.push(pod);
    return pod;
  };

  let spec = 0;
  let lastActive = -Infinity;
  const history: Recommendation[] = [];
  const upEvents: ScaleEvent[] = [];
  const downEvents: ScaleEvent[] = [];
  let next = 0;
  const sends: Promise<void>[] = [];
  const metrics: Record<string, number> = {};
  const notes: string[] = [];
  try {
    for (let t = 0; ; t++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + t * TICK_MS - Date.now())));
      while (next < prepared.length && prepared[next]!.at <= t) {
        const p = prepared[next++]!;
        p.sentAt = tickOf(Date.now());
        sends.push(p.send());
      }
      const metric = stack.serviceBus.runtimeProperties(QUEUES.tasks).activeMessageCount;
      if (t % SCALER.pollingIntervalSeconds === 0) {
        if (metric > SCALER.activationMessageCount) {
          lastActive = t;
          if (spec === 0) spec = 1;
        } else if (spec > 0 && t - lastActive >= SCALER.cooldownPeriodSeconds) spec = 0;
      }
      const live = pods.filter((p) => p.stoppingAt === undefined && p.exitedAt === undefined);
      if (t % HPA_SYNC_TICKS === 0 && spec > 0) {
        const desired = live.length === 0 ? metric : metricReplicas(metric, SCALER.messageCount, live.length);
        const decided = hpaDecision({
          now: t,
          current: spec,
          desired,
          min: 1,
          max: SCALER.maxReplicas,
          behavior: SCALER.behavior,
          history,
          upEvents,
          downEvents,
        });
        history.push({ at: t, replicas: desired });
        if (decided > spec) upEvents.push({ at: t, change: decided - spec });
        if (decided < spec) downEvents.push({ at: t, change: spec - decided });
        spec = decided;
      }
      if (live.length < spec) for (let i = live.length; i < spec; i++) startPod(t);
      else if (live.length > spec) {
        // As the ReplicaSet ranks them: not ready first, then the most recently ready.
        const order = [...live].sort(
          (a, b) =>
            Number(a.readyAt !== undefined) - Number(b.readyAt !== undefined) ||
            (b.readyAt ?? b.createdAt) - (a.readyAt ?? a.createdAt),
        );
        for (const pod of order.slice(0, live.length - spec)) {
          pod.stoppingAt = t;
          pod.child.kill("SIGTERM");
        }
      }
      const done = next >= prepared.length && metric === 0 && pods.every((p) => p.exitedAt !== undefined);
      if (done || t > (4 * 60_000) / TICK_MS) break;
    }
    await Promise.all(sends);

    // The realised trace, in ticks.
    const realised: TraceJob[] = [];
    const realWaits: number[] = [];
    let restarted = 0;
    for (const p of prepared) {
      const job = (await jobs.get(userId, p.id))?.value;
      const processing = job?.history.filter((h) => h.to === "PROCESSING") ?? [];
      const end = job?.history.find((h) => h.to === "COMPLETED");
      if (!job || !end || processing.length === 0)
        throw new Error(`job ${p.id} did not complete: ${job?.status}`);
      if (processing.length > 1) restarted++;
      const startedAt = tickOf(Date.parse(processing[processing.length - 1]!.at));
      realised.push({
        arrival: Math.round(p.sentAt!),
        duration: Math.max(1, Math.round(tickOf(Date.parse(end.at)) - startedAt)),
      });
      realWaits.push(startedAt - p.sentAt!);
    }
    const starts = pods.filter((p) => p.readyAt !== undefined).map((p) => p.readyAt! - p.createdAt);
    const podStart = Math.round(starts.reduce((a, b) => a + b, 0) / starts.length);
    const podTicks = pods.reduce((sum, p) => sum + (p.exitedAt! - p.createdAt), 0);
    const model = simulate(
      [...realised].sort((a, b) => a.arrival - b.arrival),
      SCALER,
      {
        concurrency: 1,
        podStartSeconds: podStart,
        drainGraceSeconds: grace === undefined ? 10_000 : (grace * 1000) / TICK_MS,
        // The worker abandons what its drain stops: the message is back at once.
        requeueAfterKillSeconds: 0,
      },
      { hpaSyncSeconds: HPA_SYNC_TICKS, tailSeconds: 2000 },
    );
    const sorted = [...realWaits].sort((a, b) => a - b);
    const seconds = (ticks: number) => (ticks * TICK_MS) / 1000;
    Object.assign(metrics, {
      jobs: realised.length,
      measuredWaitP50S: seconds(percentile(sorted, 50)),
      modelWaitP50S: seconds(model.waitP50),
      measuredWaitP95S: seconds(percentile(sorted, 95)),
      modelWaitP95S: seconds(model.waitP95),
      measuredPodStarts: pods.length,
      modelPodStarts: model.podStarts,
      measuredPodSeconds: seconds(podTicks),
      modelPodSeconds: model.podHours * 3600 * (TICK_MS / 1000),
      measuredRestartedJobs: restarted,
      modelKilledJobs: model.killedJobs,
      podStartS: seconds(podStart),
      meanJobS: seconds(realised.reduce((a, j) => a + j.duration, 0) / realised.length),
    });
    notes.push(
      `drain grace ${grace === undefined ? "the worker's default" : `${grace} s`}; one model second = ${TICK_MS} ms; poll ${SCALER.pollingIntervalSeconds}, HPA sync ${HPA_SYNC_TICKS}, cooldown ${SCALER.cooldownPeriodSeconds}, scale-down window ${SCALER.behavior.scaleDown.stabilizationWindowSeconds} ticks; max ${SCALER.maxReplicas} workers`,
    );
  } finally {
    await Promise.all(
      pods.filter((p) => p.exitedAt === undefined).map((p) => (p.child.kill("SIGTERM"), p.exited)),
    );
    await serviceBus.close().catch(() => undefined);
    cosmos.dispose();
    await stack.stop();
  }
  return { name: "capacity", metrics, notes };
}
