import net from "node:net";
import { ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { QUEUES } from "@docsift/core";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { PDF_BYTES, apiClient, eventually, functionsConfig } from "./helpers.js";

const env = inject("stackEnv");
let host: LocalFunctionsHost;
let admin: ServiceBusAdministrationClient;

/** A port nothing listens on: every push fails as if Web PubSub were down. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  const port = await closedPort();
  host = await startFunctionsHost({
    config: functionsConfig(env, {
      WEBPUBSUB_CONNECTION_STRING: `Endpoint=http://127.0.0.1;Port=${port};AccessKey=${Buffer.from("k".repeat(32)).toString("base64")};Version=1.0;`,
    }),
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "silent" }),
    timers: false,
  });
  admin = new ServiceBusAdministrationClient(env.SERVICEBUS_CONNECTION_STRING!);
});

afterAll(async () => {
  await host?.stop();
  // The dead-lettered events of this file are not for other files' counts.
  const sb = new ServiceBusClient(env.SERVICEBUS_CONNECTION_STRING!);
  const dlq = sb.createReceiver(QUEUES.events, {
    subQueueType: "deadLetter",
    receiveMode: "receiveAndDelete",
  });
  while ((await dlq.receiveMessages(100, { maxWaitTimeInMs: 300 })).length);
  await sb.close();
});

describe("push when Web PubSub is down", () => {
  it("retries the event through the trigger and finally dead-letters it: never dropped silently", async () => {
    const before = (await admin.getQueueRuntimeProperties(QUEUES.events)).deadLetterMessageCount;
    const alice = apiClient(host.url, `alice-${Date.now()}`);
    const created = await alice("POST", "/api/jobs", {
      fileName: "a.pdf",
      contentType: "application/pdf",
      sizeBytes: PDF_BYTES.length,
    });
    await fetch(created.json.upload.url, {
      method: "PUT",
      body: PDF_BYTES,
      headers: created.json.upload.headers,
    });
    expect((await alice("POST", `/api/jobs/${created.json.jobId}/submit`)).status).toBe(202);
    const after = await eventually(
      async () => {
        const n = (await admin.getQueueRuntimeProperties(QUEUES.events)).deadLetterMessageCount;
        return n > before ? n : undefined;
      },
      60_000,
      "the job.queued event in the job-events dead-letter queue",
    );
    expect(after).toBe(before + 1);
    // The job itself moved on regardless: push is a hint, the API is the truth.
    expect((await alice("GET", `/api/jobs/${created.json.jobId}`)).json.status).toBe("QUEUED");
  });
});
