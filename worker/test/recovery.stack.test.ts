import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CosmosJobRepository,
  ServiceBusEventPublisher,
  ServiceBusTaskQueue,
  cosmosContainers,
  createCosmosClient,
} from "@docsift/adapters";
import { FunctionsConfigSchema, QUEUES, parseConfig, systemClock, transitionJob } from "@docsift/core";
import type { Job, JobRepository } from "@docsift/core";
import { InvocationContext, recoverySweep } from "@docsift/functions";
import type { FunctionDeps } from "@docsift/functions";
import { startWorker } from "../src/index.js";
import type { RunningWorker } from "../src/index.js";
import { writeInvoice } from "./helpers/documents.js";
import { Harness, waitUntil } from "./helpers/harness.js";
import { OutageProxy } from "./helpers/outage-proxy.js";

// Recovery of what a broker restart or a dying process loses, end to end: the functions' recovery
// sweep and a worker over this file's Service Bus emulator and the stack's Cosmos DB.

let harness: Harness;
let dir: string;
let tasks: ServiceBusTaskQueue;
let events: ServiceBusEventPublisher;

beforeAll(async () => {
  harness = await Harness.start();
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-recovery-"));
  tasks = new ServiceBusTaskQueue(harness.serviceBus, QUEUES.tasks);
  events = new ServiceBusEventPublisher(harness.serviceBus, QUEUES.events);
});

afterAll(async () => {
  await tasks?.close();
  await events?.close();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The stack's Cosmos DB is shared with other test files, whose jobs the sweep would find too:
 * its listings are narrowed to this file's user (read past the others' jobs, which could fill a
 * page before this file's appear), every other call goes to Cosmos unchanged.
 */
function onlyOurs(jobs: JobRepository, userId: string): JobRepository {
  const ours = (list: Job[]) => list.filter((j) => j.userId === userId);
  const scoped: Partial<JobRepository> = {
    listUndispatched: async (olderThan, limit) =>
      ours(await jobs.listUndispatched(olderThan, 100_000)).slice(0, limit),
    listStalled: async (options) =>
      ours(await jobs.listStalled({ ...options, limit: 100_000 })).slice(0, options.limit),
    listPendingEvents: async (olderThan, limit) =>
      ours(await jobs.listPendingEvents(olderThan, 100_000)).slice(0, limit),
  };
  return Object.assign(Object.create(jobs) as JobRepository, scoped);
}

/** The sweep as the timer runs it, with what it uses of the Function App's dependencies. */
async function sweep() {
  const deps = {
    config: parseConfig("functions (test)", FunctionsConfigSchema, { ...harness.env, AUTH_MODE: "dev" }),
    jobs: onlyOurs(harness.jobs, harness.userId),
    tasks,
    events,
    clock: systemClock,
    logger: pino({ level: "silent" }),
  } as Partial<FunctionDeps> as FunctionDeps;
  return recoverySweep(
    deps,
    new InvocationContext({ invocationId: "sweep", functionName: "redispatchTasks" }),
  );
}

/** Rewrites the stored job (a test's way to age it, or to record what a lost process did). */
async function rewrite(jobId: string, change: (job: Job) => Job): Promise<Job> {
  const current = (await harness.jobs.get(harness.userId, jobId))!;
  return (await harness.jobs.replace(change(current.value), current.etag)).value;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const settled = () =>
  waitUntil("the queue to empty", () => harness.runtime().activeMessageCount === 0, 30_000);

describe("a task lost after the job was queued", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(harness.config());
  });
  afterAll(async () => worker?.close());

  it("is re-dispatched by the sweep; the job completes once and the late original is dropped", async () => {
    const { file } = await writeInvoice(dir, "text", 41);
    const { job, task } = await harness.submitFile(file, "text", { send: false });
    // The task was sent and recorded, then lost with the broker; nothing has moved for 20 minutes.
    await rewrite(job.id, (j) => ({ ...j, dispatched: j.submissions, updatedAt: minutesAgo(20) }));

    const result = await sweep();
    expect(result.redispatched).toBe(1);
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
    expect(done.status).toBe("COMPLETED");
    expect(done.dispatch).toBe(2);
    expect(done.history.map((h) => [h.from, h.to, h.reason])).toEqual([
      [null, "AWAITING_UPLOAD", undefined],
      ["AWAITING_UPLOAD", "QUEUED", undefined],
      ["QUEUED", "QUEUED", "task presumed lost"],
      ["QUEUED", "PROCESSING", undefined],
      ["PROCESSING", "COMPLETED", undefined],
    ]);
    await settled();

    // The original turns up after all (the broker kept it after all, or a send was retried).
    const skippedBefore = await worker.metrics.count("skipped");
    await harness.send(task);
    await waitUntil("the stale original to be dropped", async () => {
      return (await worker.metrics.count("skipped")) > skippedBefore;
    });
    await settled();
    expect(await harness.job(job.id)).toEqual(done);
    const published = (await harness.eventsOf(job.id)).map((e) => e.type);
    expect(published).toEqual(["job.queued", "job.processing", "job.completed"]);
    // A second sweep finds nothing left to do for it.
    expect(await sweep()).toEqual({ sent: 0, redispatched: 0, republished: 0 });
    expect(await harness.takeDeadLetters(300)).toEqual([]);
  });

  it("a job whose worker died while processing it is re-dispatched once its lease is over", async () => {
    const { file } = await writeInvoice(dir, "text", 42);
    const { job } = await harness.submitFile(file, "text", { send: false });
    // A worker took it and died with its message gone; its lease ended a minute ago.
    await rewrite(job.id, (j) => ({ ...j, dispatched: j.submissions }));
    await transitionJob({ jobs: harness.jobs }, harness.userId, job.id, {
      type: "start",
      at: new Date(),
      attempt: 1,
      leaseUntil: new Date(Date.now() - 60_000),
    });

    expect((await sweep()).redispatched).toBe(1);
    const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"]);
    expect(done.status).toBe("COMPLETED");
    expect(done.history.filter((h) => h.to === "COMPLETED")).toHaveLength(1);
    expect(done.history.find((h) => h.reason === "processing lease expired")).toMatchObject({
      from: "PROCESSING",
      to: "QUEUED",
    });
    await settled();
  });
});

describe("an event whose writer died before publishing it", () => {
  it("is published by the sweep from the job's outbox, final or not, and only once", async () => {
    const { file } = await writeInvoice(dir, "text", 43);
    const { job } = await harness.submitFile(file, "text", { send: false });
    await rewrite(job.id, (j) => ({ ...j, dispatched: j.submissions }));
    // A worker's start was written, then the process died before its publish.
    await transitionJob({ jobs: harness.jobs }, harness.userId, job.id, {
      type: "start",
      at: new Date(),
      attempt: 1,
      leaseUntil: new Date(Date.now() + 3_600_000),
    });
    let stored = await rewrite(job.id, (j) => ({ ...j, updatedAt: minutesAgo(2) }));
    expect(stored.outbox).toBeDefined();

    expect((await sweep()).republished).toBe(1);
    expect((await harness.eventsOf(job.id)).map((e) => e.type)).toEqual(["job.processing"]);
    expect((await harness.job(job.id)).outbox).toBeUndefined();

    // The same for a final event: the outcome was written, its publish never happened.
    await transitionJob({ jobs: harness.jobs }, harness.userId, job.id, {
      type: "fail",
      at: new Date(),
      error: { code: "CORRUPT_DOCUMENT", message: "The document could not be read.", permanent: true },
    });
    stored = await rewrite(job.id, (j) => ({ ...j, updatedAt: minutesAgo(2) }));
    expect((await sweep()).republished).toBe(1);
    const published = await harness.eventsOf(job.id);
    expect(published.map((e) => e.type)).toEqual(["job.processing", "job.failed"]);
    expect(published[1]!.eventId).toBe(`${job.id}:${stored.history.length}`);
    expect(await sweep()).toEqual({ sent: 0, redispatched: 0, republished: 0 });
    expect((await harness.eventsOf(job.id)).map((e) => e.type)).toEqual(["job.processing", "job.failed"]);
  });
});

describe("a Cosmos DB outage", () => {
  let proxy: OutageProxy;
  let worker: RunningWorker;
  let disposeCosmos: () => void;
  beforeAll(async () => {
    const endpoint = new URL(/AccountEndpoint=([^;]+)/.exec(harness.env.COSMOS_CONNECTION_STRING!)![1]!);
    proxy = await OutageProxy.start({ host: endpoint.hostname, port: Number(endpoint.port) });
    const through = new URL(endpoint);
    through.port = String(proxy.port);
    const cosmos = createCosmosClient({
      kind: "connectionString",
      connectionString: harness.env.COSMOS_CONNECTION_STRING!.replace(endpoint.href, through.href),
      database: harness.env.COSMOS_DATABASE!,
      caCertFile: harness.env.COSMOS_CA_CERT_FILE!,
    });
    disposeCosmos = () => cosmos.dispose();
    // Only the worker's job store goes through the proxy: the test's own reads stay direct.
    const jobs = new CosmosJobRepository(cosmosContainers(cosmos, harness.env.COSMOS_DATABASE!).jobs);
    worker = await startWorker(harness.config({ BREAKER_FAILURES: "2", TASK_MAX_RETRIES: "20" }), {
      deps: { jobs },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await proxy?.stop();
    disposeCosmos?.();
  });

  it("spends no deliveries: the worker backs off and stops taking tasks, and every job completes after", async () => {
    const files = await Promise.all([44, 45, 46].map((seed) => writeInvoice(dir, "text", seed)));
    const submitted = [];
    for (const { file } of files) submitted.push(await harness.submitFile(file, "text", { send: false }));
    proxy.down();
    for (const { task } of submitted) await harness.send(task);

    await waitUntil("the worker to report itself not ready", () => !worker.ready, 60_000);
    const notReady = await fetch(`http://127.0.0.1:${worker.healthPort}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toMatch(/dependency is unavailable/);
    // Tasks wait as scheduled copies while the store is down; nothing is dead-lettered.
    expect(harness.runtime().deadLetterMessageCount).toBe(0);

    proxy.up();
    for (const { job } of submitted) {
      const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 90_000);
      expect(done.status).toBe("COMPLETED");
      expect(done.history.filter((h) => h.to === "COMPLETED")).toHaveLength(1);
    }
    await waitUntil("the worker to be ready again", () => worker.ready, 30_000);
    await settled();
    expect(await harness.takeDeadLetters(300)).toEqual([]);
    for (const { job } of submitted)
      expect((await harness.eventsOf(job.id)).filter((e) => e.type === "job.completed")).toHaveLength(1);
  });
});
