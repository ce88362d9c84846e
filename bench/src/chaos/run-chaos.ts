import { execFileSync } from "node:child_process";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { CosmosJobRepository, cosmosContainers, createCosmosClient } from "@docsift/adapters";
import { LocalStackConfigSchema, QUEUES, encodePrincipal, parseConfig } from "@docsift/core";
import type { Job, JobEvent } from "@docsift/core";
import { writeCorruptPdf } from "@docsift/extraction/testing";
import { cosmosConnectionString, serviceBusConnectionString, startLocalStack } from "@docsift/local";
import { generateDocument, renderPdf, renderText } from "@docsift/model/synthetic";
import pino from "pino";
import { FaultProxy, freePort } from "./fault-proxy.js";
import { judgeRun } from "./judge.js";
import type { Verdict } from "./judge.js";

export interface ChaosOptions {
  jobs: number;
  /** CI's form: fewer jobs, each fault once, a shorter schedule. */
  short: boolean;
  workers: number;
  /** Progress lines (faults, drain); the summary is returned, not printed. */
  log?: (line: string) => void;
}

type FaultKind = "kill-worker" | "broker-restart" | "cosmos-outage" | "drop-connections";

interface Fault {
  atMs: number;
  kind: FaultKind;
  /** How long the service stays away (outages and restarts). */
  forMs?: number;
}

export interface ChaosReport extends Verdict {
  faults: string[];
  restarts: number;
  drainAfterLastFaultMs: number;
}

const USER = "chaos-run";
const FINAL = new Set(["COMPLETED", "FAILED"]);
const POISON_EVERY = 10;
const HOST = "127.0.0.1";

// Short timers so that what a fault loses is found again within a minute or two, not 15 min.
const CHAOS_ENV: Record<string, string> = {
  MAX_JOBS_PER_MINUTE: "100000",
  MAX_OPEN_UPLOADS: "100000",
  REDISPATCH_AFTER_SECONDS: "20",
  OUTBOX_GRACE_SECONDS: "5",
  AUTO_RETRY_DELAY_SECONDS: "5",
  DEAD_LETTER_RETRY_BASE_SECONDS: "1",
  DEAD_LETTER_RETRY_MAX_SECONDS: "10",
  JOB_TIMEOUT_SECONDS: "60",
  EXTRACTION_TIMEOUT_SECONDS: "45",
  TASK_RETRY_BASE_SECONDS: "1",
  TASK_RETRY_MAX_SECONDS: "10",
  BREAKER_COOLDOWN_SECONDS: "5",
};

function schedule(short: boolean): { faults: Fault[]; submitOverMs: number } {
  if (short)
    return {
      submitOverMs: 30_000,
      faults: [
        { atMs: 5_000, kind: "kill-worker" },
        { atMs: 12_000, kind: "broker-restart", forMs: 5_000 },
        { atMs: 20_000, kind: "cosmos-outage", forMs: 20_000 },
        // Right after Cosmos DB is back, when the backlog it held up is being worked.
        { atMs: 41_000, kind: "drop-connections" },
      ],
    };
  return {
    submitOverMs: 75_000,
    faults: [
      { atMs: 8_000, kind: "kill-worker" },
      { atMs: 20_000, kind: "broker-restart", forMs: 5_000 },
      { atMs: 32_000, kind: "cosmos-outage", forMs: 20_000 },
      { atMs: 58_000, kind: "drop-connections" },
      { atMs: 66_000, kind: "kill-worker" },
      { atMs: 72_000, kind: "broker-restart", forMs: 3_000 },
      { atMs: 80_000, kind: "drop-connections" },
    ],
  };
}

/** Tasks a broker cut takes off the queue for good, at most. */
const LOST_TASKS = 3;

/**
 * Competes with the workers for tasks for `forMs` and drops up to `count` of those it gets:
 * tasks sent and then gone, as with a broker that lost them.
 */
async function loseTasks(connectionString: string, count: number, forMs: number): Promise<number> {
  const client = new ServiceBusClient(connectionString);
  const deadline = Date.now() + forMs;
  let lost = 0;
  try {
    const receiver = client.createReceiver(QUEUES.tasks, { receiveMode: "receiveAndDelete" });
    while (lost < count && Date.now() < deadline)
      lost += (await receiver.receiveMessages(count - lost, { maxWaitTimeInMs: 500 })).length;
    await receiver.close();
    return lost;
  } finally {
    await client.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker processes this process started (the supervisor runs each as one node process). */
function workerPids(): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" }).trim().split("\n");
  const parsed = rows.map((row) => {
    const [pid, ppid, ...args] = row.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), args: args.join(" ") };
  });
  const ours = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of parsed)
      if (ours.has(p.ppid) && !ours.has(p.pid)) {
        ours.add(p.pid);
        grew = true;
      }
  }
  return parsed.filter((p) => ours.has(p.pid) && p.args.includes("worker/dist/main.js")).map((p) => p.pid);
}

interface Doc {
  index: number;
  file: string;
  contentType: string;
  poison: boolean;
}

async function writeDocuments(dir: string, count: number): Promise<Doc[]> {
  await mkdir(dir, { recursive: true });
  const docs: Doc[] = [];
  for (let index = 0; index < count; index++) {
    const poison = index % POISON_EVERY === POISON_EVERY - 1;
    const pdf = poison || index % 4 === 0;
    const file = path.join(dir, `doc-${index}.${pdf ? "pdf" : "txt"}`);
    if (poison) await writeCorruptPdf(file);
    else {
      const doc = generateDocument(50_000 + index, { docType: "invoice", locale: "en", split: "heldout" });
      if (pdf) await renderPdf(doc, file);
      else await writeFile(file, renderText(doc), "utf8");
    }
    docs.push({ index, file, contentType: pdf ? "application/pdf" : "text/plain", poison });
  }
  return docs;
}

/**
 * A client as a person's would behave while the service has a bad minute: a 5xx or a refused
 * connection is tried again after a second, for up to `forMs`.
 */
async function persistently(what: string, call: () => Promise<Response>, forMs = 120_000): Promise<Response> {
  const deadline = Date.now() + forMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await call();
      if (res.status < 500) return res;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(1000);
  }
  throw new Error(`${what} kept failing for ${forMs / 1000} s: ${last}`);
}

/** Creates, uploads and submits one document through the API; the time its submit was accepted. */
async function submit(api: string, doc: Doc): Promise<{ jobId: string; submittedAt: number }> {
  const headers = { "x-ms-client-principal": encodePrincipal(USER), "content-type": "application/json" };
  const body = await readFile(doc.file);
  const created = await persistently("create", () =>
    fetch(`${api}/jobs`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        fileName: path.basename(doc.file),
        contentType: doc.contentType,
        sizeBytes: body.length,
      }),
    }),
  );
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${await created.text()}`);
  const job = (await created.json()) as {
    jobId: string;
    upload: { url: string; headers: Record<string, string> };
  };
  const put = await persistently("upload", () =>
    fetch(job.upload.url, { method: "PUT", body, headers: job.upload.headers }),
  );
  if (put.status !== 201) throw new Error(`upload answered ${put.status}`);
  const submitted = await persistently("submit", () =>
    fetch(`${api}/jobs/${job.jobId}/submit`, { method: "POST", headers }),
  );
  // 409: an earlier try went through after all (its answer was a 5xx while the send was retried).
  if (submitted.status !== 202 && submitted.status !== 409)
    throw new Error(`submit of ${job.jobId} answered ${submitted.status}: ${await submitted.text()}`);
  return { jobId: job.jobId, submittedAt: Date.now() };
}

/**
 * Runs the local stack (functions host, `workers` workers) with Cosmos DB and Service Bus behind
 * fault proxies, submits jobs through the API while faults hit it on a schedule, waits for the
 * jobs to drain and checks what must hold after any such run. Violations are in the report.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const { faults, submitOverMs } = schedule(options.short);
  const stateDir = path.join(os.tmpdir(), `docsift-chaos-${process.pid}`);
  await rm(stateDir, { recursive: true, force: true });
  const tempDir = path.join(stateDir, "tmp");
  const docs = await writeDocuments(path.join(stateDir, "docs"), options.jobs);

  // The services listen on ports chosen here; the apps reach them through the proxies, the
  // stack itself and this run's checks directly.
  const [cosmosPort, serviceBusPort] = [await freePort(HOST), await freePort(HOST)];
  const cosmosProxy = await FaultProxy.start({ host: HOST, port: cosmosPort });
  const serviceBusProxy = await FaultProxy.start({ host: HOST, port: serviceBusPort });
  const restarts: string[] = [];
  const config = parseConfig("chaos stack", LocalStackConfigSchema, {
    LOCAL_BLOB_PORT: "0",
    LOCAL_COSMOS_PORT: String(cosmosPort),
    LOCAL_SERVICEBUS_PORT: String(serviceBusPort),
    LOCAL_WEBPUBSUB_PORT: "0",
    LOCAL_HTTP_PORT: "0",
    LOCAL_STATE_DIR: stateDir,
    // Every fault kind restarts nothing but the killed workers; the default allowance suffices.
    LOG_LEVEL: "error",
  });
  const stack = await startLocalStack(config, {
    logger: pino({ level: "error" }),
    report: (line) => {
      if (/is running again/.test(line)) restarts.push(line);
      log(`  stack: ${line}`);
    },
    apps: {
      functions: true,
      workers: options.workers,
      env: {
        ...CHAOS_ENV,
        COSMOS_CONNECTION_STRING: cosmosConnectionString(HOST, cosmosProxy.port),
        SERVICEBUS_CONNECTION_STRING: serviceBusConnectionString(HOST, serviceBusProxy.port),
      },
    },
  });
  const cosmos = createCosmosClient({
    kind: "connectionString",
    connectionString: stack.env.COSMOS_CONNECTION_STRING!,
    database: stack.env.COSMOS_DATABASE!,
    caCertFile: stack.env.COSMOS_CA_CERT_FILE!,
  });
  const jobs = new CosmosJobRepository(cosmosContainers(cosmos, stack.env.COSMOS_DATABASE!).jobs);
  const api = `${stack.urls.app}/api`;
  const violations: string[] = [];
  let stackGaveUp: Error | undefined;
  void stack.failed.then((err) => (stackGaveUp = err));

  // What a user's browser sees: the final events pushed over Web PubSub.
  const finalEvents = new Map<string, { eventId: string; type: string; at: number }[]>();
  const events = new WebPubSubClient({
    getClientAccessUrl: async () =>
      (
        (await (
          await fetch(`${api}/negotiate`, {
            method: "POST",
            headers: { "x-ms-client-principal": encodePrincipal(USER) },
          })
        ).json()) as { url: string }
      ).url,
  });
  events.on("server-message", (e) => {
    const event = e.message.data as JobEvent;
    if (event.type !== "job.completed" && event.type !== "job.failed") return;
    const seen = finalEvents.get(event.jobId) ?? [];
    seen.push({ eventId: event.eventId, type: event.type, at: Date.now() });
    finalEvents.set(event.jobId, seen);
  });
  await events.start();

  const submitted = new Map<string, { doc: Doc; submittedAt: number }>();
  const faultLines: string[] = [];
  const killTimes: number[] = [];
  let lastFaultEnd = 0;
  try {
    const t0 = Date.now();
    const injector = (async () => {
      for (const fault of faults) {
        await sleep(Math.max(0, t0 + fault.atMs - Date.now()));
        const at = ((Date.now() - t0) / 1000).toFixed(1);
        if (fault.kind === "kill-worker") {
          // The longest-running worker: successive kills hit different workers, not a restarted one.
          const pids = workerPids();
          if (pids.length === 0) throw new Error("no worker process to kill");
          const victim = Math.min(...pids);
          killTimes.push(Date.now());
          process.kill(victim, "SIGKILL");
          faultLines.push(`${at} s kill -9 worker pid ${victim}`);
        } else if (fault.kind === "broker-restart") {
          serviceBusProxy.down();
          await sleep(fault.forMs!);
          serviceBusProxy.up();
          // The emulator keeps its queues across the cut; a broker that comes back without some of
          // its messages is what the recovery sweep is for: a few tasks sent now go for good.
          const lost = await loseTasks(stack.env.SERVICEBUS_CONNECTION_STRING!, LOST_TASKS, 5_000);
          faultLines.push(
            `${at} s Service Bus gone for ${fault.forMs! / 1000} s (connections reset, refused), then ${lost} tasks lost`,
          );
        } else if (fault.kind === "cosmos-outage") {
          cosmosProxy.down();
          faultLines.push(`${at} s Cosmos DB gone for ${fault.forMs! / 1000} s`);
          await sleep(fault.forMs!);
          cosmosProxy.up();
        } else {
          const dropped = cosmosProxy.dropConnections() + serviceBusProxy.dropConnections();
          faultLines.push(`${at} s ${dropped} open Cosmos DB and Service Bus connections reset`);
        }
        log(`  fault: ${faultLines.at(-1)}`);
        lastFaultEnd = Date.now();
      }
    })();

    // Submissions spread over the fault window, a few at a time as several users' clients would.
    const gap = submitOverMs / docs.length;
    const submissions = docs.map(async (doc) => {
      await sleep(doc.index * gap);
      const { jobId, submittedAt } = await submit(api, doc);
      submitted.set(jobId, { doc, submittedAt });
    });
    const outcomes = await Promise.allSettled([injector, ...submissions]);
    for (const o of outcomes) if (o.status === "rejected") violations.push(`run: ${String(o.reason)}`);
    log(`  ${submitted.size} jobs submitted; waiting for them to drain`);

    // Drain: every job final in the store and its final event received, within a bound.
    const bound = options.short ? 300_000 : 600_000;
    const deadline = Date.now() + bound;
    let stored = new Map<string, Job>();
    while (Date.now() < deadline && !stackGaveUp) {
      stored = new Map();
      for (const jobId of submitted.keys()) {
        const job = (await jobs.get(USER, jobId))?.value;
        if (job) stored.set(jobId, job);
      }
      const open = [...submitted.keys()].filter(
        (id) => !FINAL.has(stored.get(id)?.status ?? "") || !finalEvents.has(id),
      );
      if (open.length === 0) break;
      await sleep(2000);
    }
    const drainedAt = Date.now();
    // Late duplicates (a republished outbox, a redelivered push) would turn up within seconds.
    await sleep(options.short ? 5_000 : 10_000);
    if (stackGaveUp) violations.push(`the stack gave up: ${stackGaveUp.message}`);

    const tempEntries: { name: string; mtimeMs: number }[] = [];
    for (const name of await readdir(tempDir).catch(() => [])) {
      const info = await stat(path.join(tempDir, name)).catch(() => undefined);
      if (info) tempEntries.push({ name, mtimeMs: info.mtimeMs });
    }
    const labelled = new Map(
      [...submitted].map(([id, s]) => [
        id,
        { label: path.basename(s.doc.file), poison: s.doc.poison, submittedAt: s.submittedAt },
      ]),
    );
    const verdict = judgeRun({
      submitted: labelled,
      stored,
      finalEvents,
      tempEntries,
      killTimes,
      drainBoundMs: bound,
    });
    return {
      ...verdict,
      faults: faultLines,
      restarts: restarts.length,
      drainAfterLastFaultMs: drainedAt - lastFaultEnd,
      violations: [...violations, ...verdict.violations],
    };
  } finally {
    await events.stop();
    cosmos.dispose();
    await stack.stop();
    await cosmosProxy.stop();
    await serviceBusProxy.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** The report as the table `npm run chaos` prints. */
export function formatChaosReport(r: ChaosReport): string {
  const failed = Object.values(r.failedByCause).reduce((a, b) => a + b, 0);
  const rows: [string, string][] = [
    ["jobs", String(r.jobs)],
    ["completed", String(r.completed)],
    [
      "failed (by cause)",
      `${failed}${
        failed
          ? ` (${Object.entries(r.failedByCause)
              .map(([c, n]) => `${c} ${n}`)
              .join(", ")})`
          : ""
      }`,
    ],
    ["poison documents", String(r.poison)],
    ["duplicated final events", String(r.duplicateFinalDeliveries)],
    ["jobs with several final events", String(r.jobsWithSeveralFinalEvents)],
    ["worker restarts", String(r.restarts)],
    ["jobs re-dispatched by the sweep", String(r.redispatched)],
    ["jobs started more than once", String(r.startedMoreThanOnce)],
    ["time to final, median", `${(r.timeToFinalMedianMs / 1000).toFixed(1)} s`],
    ["time to final, max", `${(r.timeToFinalMaxMs / 1000).toFixed(1)} s`],
    ["drain after the last fault", `${(r.drainAfterLastFaultMs / 1000).toFixed(1)} s`],
    ["temp entries left by kill -9", String(r.tempLeftByKills)],
    ["violations", String(r.violations.length)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    "faults:",
    ...r.faults.map((f) => `  ${f}`),
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    ...r.violations.map((v) => `VIOLATION: ${v}`),
  ].join("\n");
}
