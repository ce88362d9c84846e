import { ServiceBusClient } from "@azure/service-bus";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Container } from "@azure/cosmos";
import { QUEUES, decide } from "@docsift/core";
import type { ErrorCode, Job } from "@docsift/core";
import { newUploadJob } from "@docsift/core/testing";
import { cosmosContainers, createCosmosClient } from "@docsift/adapters";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { apiClient, functionsConfig } from "./helpers.js";

const env = inject("stackEnv");
let host: LocalFunctionsHost;
let cosmos: ReturnType<typeof createCosmosClient>;
let jobs: Container;
let sb: ServiceBusClient;
let alice: ReturnType<typeof apiClient>;
let bob: ReturnType<typeof apiClient>;

beforeAll(async () => {
  host = await startFunctionsHost({
    config: functionsConfig(env),
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "warn" }),
    timers: false,
  });
  alice = apiClient(host.url, `alice-${randomUUID().slice(0, 8)}`);
  bob = apiClient(host.url, `bob-${randomUUID().slice(0, 8)}`);
  cosmos = createCosmosClient({
    kind: "connectionString",
    connectionString: env.COSMOS_CONNECTION_STRING!,
    database: env.COSMOS_DATABASE!,
    caCertFile: env.COSMOS_CA_CERT_FILE!,
  });
  jobs = cosmosContainers(cosmos, env.COSMOS_DATABASE!).jobs;
  sb = new ServiceBusClient(env.SERVICEBUS_CONNECTION_STRING!);
  // Empties the tasks queue (other files leave tasks behind) so the peeks below see this file's.
  const drain = sb.createReceiver(QUEUES.tasks, { receiveMode: "receiveAndDelete" });
  while ((await drain.receiveMessages(100, { maxWaitTimeInMs: 300 })).length);
  await drain.close();
});

afterAll(async () => {
  await sb?.close();
  cosmos?.dispose();
  await host?.stop();
});

/** A job that was submitted, started and failed with `code`, as the worker leaves it. */
async function storeFailed(userId: string, code: ErrorCode, permanent: boolean): Promise<Job> {
  const at = new Date();
  let job = newUploadJob(userId, { at });
  job = decide(job, { type: "submit", at }).job;
  job = { ...decide(job, { type: "start", at, attempt: 1 }).job, dispatched: job.submissions };
  job = decide(job, { type: "fail", at, error: { code, message: "failed", permanent } }).job;
  await jobs.items.create(job);
  return job;
}

/** The task messages on the queue for one job (peeked, left in place). */
async function tasksOf(jobId: string): Promise<string[]> {
  const peeked = await sb.createReceiver(QUEUES.tasks).peekMessages(500);
  return peeked.filter((m) => (m.body as { jobId?: string }).jobId === jobId).map((m) => String(m.messageId));
}

describe("a failed job's owner retries it", () => {
  it("puts a job that failed for a passing cause back on the queue once, however often the request is repeated", async () => {
    const job = await storeFailed(alice.userId, "DEPENDENCY_UNAVAILABLE", false);
    const view = await alice("GET", `/api/jobs/${job.id}`);
    expect(view.json.retryable).toBe(true);

    const retried = await alice("POST", `/api/jobs/${job.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.json).toMatchObject({ jobId: job.id, status: "QUEUED" });
    const again = await alice("POST", `/api/jobs/${job.id}/retry`);
    expect(again.status).toBe(202);
    expect(again.json.status).toBe("QUEUED");
    expect(await tasksOf(job.id)).toEqual([`${job.id}:2`]);

    const after = await alice("GET", `/api/jobs/${job.id}`);
    expect(after.json.history.at(-1)).toMatchObject({
      from: "FAILED",
      to: "QUEUED",
      reason: "retried by the owner",
    });
    expect(after.json.error).toBeUndefined();
  });

  it("is not offered, and refused with 409, for a cause that cannot succeed", async () => {
    const job = await storeFailed(alice.userId, "CORRUPT_DOCUMENT", true);
    expect((await alice("GET", `/api/jobs/${job.id}`)).json.retryable).toBe(false);
    const res = await alice("POST", `/api/jobs/${job.id}/retry`);
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.json).toMatchObject({
      code: "CORRUPT_DOCUMENT",
      detail: expect.stringMatching(/cannot succeed/),
    });
    expect((await alice("GET", `/api/jobs/${job.id}`)).json.status).toBe("FAILED");
    expect(await tasksOf(job.id)).toEqual([]);
  });

  it("is only the owner's, and only for failed jobs", async () => {
    const job = await storeFailed(alice.userId, "WORKER_SHUTDOWN", false);
    expect((await bob("POST", `/api/jobs/${job.id}/retry`)).status).toBe(404);
    expect((await alice("GET", `/api/jobs/${job.id}`)).json.status).toBe("FAILED");
    const waiting = newUploadJob(alice.userId);
    await jobs.items.create(waiting);
    expect((await alice("POST", `/api/jobs/${waiting.id}/retry`)).status).toBe(409);
  });
});
