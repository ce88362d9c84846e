import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import { inject } from "vitest";
import {
  BlobDocumentStore,
  CosmosJobRepository,
  ServiceBusTaskQueue,
  cosmosContainers,
  createCosmosClient,
  createServiceBusClient,
  taskMessage,
} from "@docsift/adapters";
import {
  BLOB_CONTAINERS,
  MESSAGE_SCHEMA_VERSION,
  QUEUES,
  WorkerConfigSchema,
  createJob,
  kindOfContentType,
  parseConfig,
  transitionJob,
  uploadBlobName,
} from "@docsift/core";
import type { InferenceTask, Job, JobEvent, JobStatus, WorkerConfig } from "@docsift/core";
import { ensureLocalTls, startServiceBusEmulator, type ServiceBusEmulator } from "@docsift/local";

export const CONTENT_TYPES = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  text: "text/plain",
  png: "image/png",
  xml: "application/xml",
} as const;

export interface HarnessOptions {
  lockDurationMs?: number;
  maxDeliveryCount?: number;
}

export interface Submitted {
  job: Job;
  task: InferenceTask;
}

/**
 * What a worker test needs around a worker: the stack's Azurite and Cosmos, and a Service Bus
 * emulator of its own. Its own because these tests set the queue's lock duration and maximum
 * delivery count (a 2 s lock to outlast; 3 deliveries to exhaust), which a shared namespace
 * configured once for the whole run cannot give each file.
 */
export class Harness {
  readonly userId = `worker-test-${randomUUID().slice(0, 8)}`;
  readonly documents: BlobDocumentStore;
  readonly jobs: CosmosJobRepository;
  readonly serviceBus: ServiceBusClient;
  private readonly tasks: ServiceBusTaskQueue;
  private readonly cosmosDispose: () => void;
  private readonly eventBuffer: JobEvent[] = [];
  private eventReceiver: ServiceBusReceiver | undefined;

  private constructor(
    readonly env: Record<string, string>,
    readonly emulator: ServiceBusEmulator,
  ) {
    this.documents = BlobDocumentStore.fromConnection({
      kind: "connectionString",
      connectionString: env.STORAGE_CONNECTION_STRING!,
    });
    const cosmos = createCosmosClient({
      kind: "connectionString",
      connectionString: env.COSMOS_CONNECTION_STRING!,
      database: env.COSMOS_DATABASE!,
      caCertFile: env.COSMOS_CA_CERT_FILE!,
    });
    this.cosmosDispose = () => cosmos.dispose();
    this.jobs = new CosmosJobRepository(cosmosContainers(cosmos, env.COSMOS_DATABASE!).jobs);
    this.serviceBus = createServiceBusClient({
      kind: "connectionString",
      connectionString: emulator.connectionString,
    });
    this.tasks = new ServiceBusTaskQueue(this.serviceBus, QUEUES.tasks);
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const stackEnv = inject("stackEnv");
    const tls = await ensureLocalTls(inject("tlsDir"));
    const emulator = await startServiceBusEmulator({
      queues: [
        {
          name: QUEUES.tasks,
          lockDurationMs: options.lockDurationMs ?? 30_000,
          maxDeliveryCount: options.maxDeliveryCount ?? 5,
        },
        { name: QUEUES.events },
      ],
      tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
    });
    const env: Record<string, string> = {
      ...stackEnv,
      SERVICEBUS_CONNECTION_STRING: emulator.connectionString,
      MODEL_SOURCE: "bundled",
      OCR_ENABLED: "false",
      HEALTH_PORT: "0",
      // Retries and the breaker's pause short enough to watch within a test.
      TASK_RETRY_BASE_SECONDS: "1",
      TASK_RETRY_MAX_SECONDS: "2",
      BREAKER_COOLDOWN_SECONDS: "1",
      LOG_LEVEL: process.env.WORKER_TEST_LOG_LEVEL ?? "warn",
    };
    return new Harness(env, emulator);
  }

  config(overrides: Record<string, string> = {}): WorkerConfig {
    return parseConfig("worker (test)", WorkerConfigSchema, { ...this.env, ...overrides });
  }

  /** Creates a job, uploads the file as its blob and submits it: what intake does. */
  async submitFile(
    file: string,
    kind: keyof typeof CONTENT_TYPES,
    options: { send?: boolean } = {},
  ): Promise<Submitted> {
    const contentType = CONTENT_TYPES[kind];
    const sizeBytes = (await stat(file)).size;
    const id = randomUUID();
    const job = createJob({
      id,
      userId: this.userId,
      fileName: `document.${kind === "text" ? "txt" : kind}`,
      contentType,
      sizeBytes: Math.max(1, sizeBytes),
      blob: { container: BLOB_CONTAINERS.uploads, name: uploadBlobName(this.userId, id) },
      uploadWindowMs: 30 * 60_000,
      at: new Date(),
    });
    await this.jobs.create(job);
    const uploaded = await this.documents.upload(job.blob.container, job.blob.name, createReadStream(file), {
      contentType,
      maxBytes: 200 * 1024 * 1024,
    });
    // Intake records the blob version it verified; the task carries it for the worker's If-Match.
    const queued = await transitionJob({ jobs: this.jobs }, this.userId, id, {
      type: "submit",
      at: new Date(),
      blobEtag: uploaded.etag,
    });
    const task: InferenceTask = {
      schemaVersion: MESSAGE_SCHEMA_VERSION,
      jobId: id,
      userId: this.userId,
      submission: queued.job.value.submissions,
      blob: {
        container: job.blob.container,
        name: job.blob.name,
        sizeBytes: job.sizeBytes,
        contentType,
        etag: uploaded.etag,
      },
      documentKind: kindOfContentType(contentType)!,
      model: { name: "docsift-kie" },
      submittedAt: new Date().toISOString(),
    };
    if (options.send ?? true) await this.tasks.enqueue(task);
    return { job: queued.job.value, task };
  }

  async send(task: InferenceTask): Promise<void> {
    await this.tasks.enqueue(task);
  }

  /** Sends a body as-is, bypassing the contract (for invalid-message tests). */
  async sendRaw(body: unknown, messageId = randomUUID()): Promise<void> {
    const sender = this.serviceBus.createSender(QUEUES.tasks);
    await sender.sendMessages({ body, messageId, contentType: "application/json" });
    await sender.close();
  }

  /** The same message twice, with one message id: what a retried send or a double submit produces. */
  async sendTwice(task: InferenceTask): Promise<void> {
    const sender = this.serviceBus.createSender(QUEUES.tasks);
    await sender.sendMessages(taskMessage(task));
    await sender.sendMessages(taskMessage(task));
    await sender.close();
  }

  async job(jobId: string): Promise<Job> {
    const found = await this.jobs.get(this.userId, jobId);
    if (!found) throw new Error(`job ${jobId} not found`);
    return found.value;
  }

  async waitForStatus(jobId: string, statuses: JobStatus[], timeoutMs = 60_000): Promise<Job> {
    return this.waitForJob(
      jobId,
      (job) => statuses.includes(job.status),
      timeoutMs,
      `status ${statuses.join("|")}`,
    );
  }

  async waitForJob(
    jobId: string,
    predicate: (job: Job) => boolean,
    timeoutMs = 60_000,
    what = "condition",
  ): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    let last: Job | undefined;
    while (Date.now() < deadline) {
      last = await this.job(jobId);
      if (predicate(last)) return last;
      await sleep(100);
    }
    throw new Error(`job ${jobId} did not reach ${what} within ${timeoutMs} ms; last status ${last?.status}`);
  }

  /** Takes every dead-lettered task off the DLQ (waits up to `waitMs` for the first). */
  async takeDeadLetters(waitMs = 5000): Promise<ServiceBusReceivedMessage[]> {
    const receiver = this.serviceBus.createReceiver(QUEUES.tasks, { subQueueType: "deadLetter" });
    try {
      return await drain(receiver, waitMs);
    } finally {
      await receiver.close();
    }
  }

  /** Every job event published so far (kept across calls), for one job. */
  async eventsOf(jobId: string, waitMs = 1000): Promise<JobEvent[]> {
    this.eventReceiver ??= this.serviceBus.createReceiver(QUEUES.events);
    this.eventBuffer.push(...(await drain(this.eventReceiver, waitMs)).map((m) => m.body as JobEvent));
    return this.eventBuffer.filter((e) => e.jobId === jobId);
  }

  runtime() {
    return this.emulator.runtimeProperties(QUEUES.tasks);
  }

  async stop(): Promise<void> {
    await this.eventReceiver?.close().catch(() => undefined);
    await this.tasks.close().catch(() => undefined);
    await this.serviceBus.close().catch(() => undefined);
    await this.emulator.stop();
    this.cosmosDispose();
  }
}

/**
 * Takes what a queue holds now. Peek-lock, because the SDK shortens the wait after the first
 * message only in that mode; each message is completed once read.
 */
async function drain(receiver: ServiceBusReceiver, waitMs: number): Promise<ServiceBusReceivedMessage[]> {
  const taken: ServiceBusReceivedMessage[] = [];
  for (let batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: waitMs }); batch.length;) {
    for (const m of batch) await receiver.completeMessage(m);
    taken.push(...batch);
    batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 200 });
  }
  return taken;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
