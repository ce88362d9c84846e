import { ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import Long from "long";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { InferenceTaskSchema, QUEUES } from "@docsift/core";
import { cosmosContainers, createCosmosClient } from "@docsift/adapters";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { PDF_BYTES, apiClient, eventually, functionsConfig } from "./helpers.js";

const env = inject("stackEnv");
let host: LocalFunctionsHost;
let sb: ServiceBusClient;
let admin: ServiceBusAdministrationClient;
let alice: ReturnType<typeof apiClient>;
let bob: ReturnType<typeof apiClient>;
let ops: ReturnType<typeof apiClient>;

beforeAll(async () => {
  host = await startFunctionsHost({
    config: functionsConfig(env, { AUTO_RETRY_DELAY_SECONDS: "1", MAX_UPLOAD_BYTES: String(1024 * 1024) }),
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "warn" }),
    timers: false,
  });
  alice = apiClient(host.url, `alice-${Date.now()}`);
  bob = apiClient(host.url, `bob-${Date.now()}`);
  ops = apiClient(host.url, "oncall", ["docsift.admin"]);
  sb = new ServiceBusClient(env.SERVICEBUS_CONNECTION_STRING!);
  admin = new ServiceBusAdministrationClient(env.SERVICEBUS_CONNECTION_STRING!);
  await drain(QUEUES.tasks);
});

afterAll(async () => {
  await sb?.close();
  await host?.stop();
});

/** Empties the tasks queue so counts in this file are its own. */
async function drain(queue: string) {
  const r = sb.createReceiver(queue, { receiveMode: "receiveAndDelete" });
  while ((await r.receiveMessages(100, { maxWaitTimeInMs: 300 })).length);
  await r.close();
}

async function createUploaded(
  client: typeof alice,
  body: Buffer = PDF_BYTES,
  contentType = "application/pdf",
) {
  const created = await client("POST", "/api/jobs", {
    fileName: "inv.pdf",
    contentType,
    sizeBytes: body.length,
  });
  expect(created.status).toBe(201);
  const put = await fetch(created.json.upload.url, {
    method: "PUT",
    body,
    headers: created.json.upload.headers,
  });
  expect(put.status).toBe(201);
  return created.json.jobId as string;
}

const activeTasks = async () => (await admin.getQueueRuntimeProperties(QUEUES.tasks)).activeMessageCount;

describe("intake → SAS upload → submit → queue", () => {
  it("creates a job with a write-only SAS for exactly its blob and queues one task on submit", async () => {
    const created = await alice("POST", "/api/jobs", {
      fileName: "../x/Invoice 7.pdf",
      contentType: "application/pdf",
      sizeBytes: PDF_BYTES.length,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/api/jobs/${created.json.jobId}`);
    const { jobId, upload } = created.json;
    expect(upload.blockSizeBytes).toBeGreaterThan(0);
    expect(new Date(upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(new URL(upload.url).pathname).toMatch(new RegExp(`/uploads/alice-\\d+/${jobId}$`));
    expect(new URL(upload.url).searchParams.get("sp")).toBe("cw");

    const status = await alice("GET", `/api/jobs/${jobId}`);
    expect(status.json).toMatchObject({ id: jobId, status: "AWAITING_UPLOAD", fileName: "Invoice 7.pdf" });

    expect(
      (await fetch(upload.url, { method: "PUT", body: PDF_BYTES, headers: upload.headers })).status,
    ).toBe(201);
    const before = await activeTasks();
    const submitted = await alice("POST", `/api/jobs/${jobId}/submit`);
    expect(submitted.status).toBe(202);
    expect(submitted.json.status).toBe("QUEUED");
    expect(await activeTasks()).toBe(before + 1);

    const again = await alice("POST", `/api/jobs/${jobId}/submit`);
    expect(again.status).toBe(202);
    expect(again.json).toEqual(submitted.json);
    expect(await activeTasks()).toBe(before + 1);

    const peeked = await sb.createReceiver(QUEUES.tasks).peekMessages(50);
    const task = peeked.map((m) => InferenceTaskSchema.parse(m.body)).find((t) => t.jobId === jobId);
    expect(task).toMatchObject({
      submission: 1,
      documentKind: "pdf",
      blob: { container: "uploads", sizeBytes: PDF_BYTES.length },
    });
    expect(peeked.find((m) => (m.body as { jobId: string }).jobId === jobId)?.messageId).toBe(`${jobId}:1`);
  });

  it("returns the same job for a retried create with the same Idempotency-Key", async () => {
    const body = { fileName: "a.pdf", contentType: "application/pdf", sizeBytes: 10 };
    const a = await alice("POST", "/api/jobs", body, {
      "idempotency-key": "k-123",
      "content-type": "application/json",
    });
    const b = await alice("POST", "/api/jobs", body, {
      "idempotency-key": "k-123",
      "content-type": "application/json",
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.json.jobId).toBe(a.json.jobId);
    const other = await alice(
      "POST",
      "/api/jobs",
      { ...body, sizeBytes: 11 },
      {
        "idempotency-key": "k-123",
        "content-type": "application/json",
      },
    );
    expect(other.status).toBe(422);
    expect(other.json.type).toBe("https://docsift.dev/problems/idempotency-key-reused");
  });

  it("streams the one-shot multipart form into Blob and queues it", async () => {
    const form = new FormData();
    form.append("document", new Blob([PDF_BYTES], { type: "application/pdf" }), "scan.pdf");
    const res = await alice("POST", "/api/jobs", form);
    expect(res.status).toBe(202);
    const job = await alice("GET", `/api/jobs/${res.json.jobId}`);
    expect(job.json).toMatchObject({ status: "QUEUED", fileName: "scan.pdf", sizeBytes: PDF_BYTES.length });
  });

  it("lists a user's jobs newest first with a continuation token", async () => {
    const carol = apiClient(host.url, `carol-${Date.now()}`);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await carol("POST", "/api/jobs", {
            fileName: `${i}.pdf`,
            contentType: "application/pdf",
            sizeBytes: 5,
          })
        ).json.jobId,
      );
    const first = await carol("GET", "/api/jobs?limit=2");
    expect(first.json.items.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    const second = await carol(
      "GET",
      `/api/jobs?limit=2&continuationToken=${encodeURIComponent(first.json.continuationToken)}`,
    );
    expect(second.json.items.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
  });

  it("deletes a job and its document; the job is gone for its owner", async () => {
    const jobId = await createUploaded(alice);
    expect((await alice("DELETE", `/api/jobs/${jobId}`)).status).toBe(204);
    expect((await alice("GET", `/api/jobs/${jobId}`)).status).toBe(404);
    // The document's bytes are gone: an empty, leased tombstone holds its name (ADR 0023).
    expect(await host.deps.documents.properties("uploads", `${alice.userId}/${jobId}`)).toMatchObject({
      sizeBytes: 0,
    });
  });
});

describe("bad input is a 4xx problem, never a 500", () => {
  const cases: Array<[string, () => ReturnType<typeof alice>, number, string]> = [
    [
      "malformed JSON",
      () => alice("POST", "/api/jobs", "{nope", { "content-type": "application/json" }),
      400,
      "malformed-json",
    ],
    [
      "wrong content type",
      () => alice("POST", "/api/jobs", "a=b", { "content-type": "application/x-www-form-urlencoded" }),
      415,
      "unsupported-media-type",
    ],
    [
      "unknown field",
      () =>
        alice("POST", "/api/jobs", {
          fileName: "a.pdf",
          contentType: "application/pdf",
          sizeBytes: 1,
          admin: true,
        }),
      400,
      "validation-failed",
    ],
    [
      "unsupported type",
      () =>
        alice("POST", "/api/jobs", {
          fileName: "a.exe",
          contentType: "application/x-msdownload",
          sizeBytes: 1,
        }),
      400,
      "validation-failed",
    ],
    [
      "too large",
      () =>
        alice("POST", "/api/jobs", {
          fileName: "a.pdf",
          contentType: "application/pdf",
          sizeBytes: 2 * 1024 * 1024,
        }),
      400,
      "validation-failed",
    ],
    [
      "oversize body",
      () =>
        alice("POST", "/api/jobs", JSON.stringify({ fileName: "x".repeat(100_000) }), {
          "content-type": "application/json",
        }),
      413,
      "payload-too-large",
    ],
    ["bad id", () => alice("GET", "/api/jobs/not-a-uuid"), 400, "validation-failed"],
    ["unknown job", () => alice("GET", "/api/jobs/0f8fad5b-d9cb-469f-a165-70867728950e"), 404, "not-found"],
    ["unknown route", () => alice("GET", "/api/nope"), 404, "not-found"],
    ["wrong method", () => alice("PUT", "/api/jobs"), 405, "method-not-allowed"],
    ["bad list query", () => alice("GET", "/api/jobs?limit=5000"), 400, "validation-failed"],
    [
      "forged continuation token",
      () => alice("GET", "/api/jobs?continuationToken=garbage"),
      400,
      "validation-failed",
    ],
    [
      "multipart without a boundary",
      () => alice("POST", "/api/jobs", "x", { "content-type": "multipart/form-data" }),
      400,
      "validation-failed",
    ],
    [
      "malformed percent-encoding in an id",
      () => alice("GET", "/api/jobs/%E0%A4%A"),
      400,
      "validation-failed",
    ],
    [
      "forged dead-letter continuation token",
      () => ops("GET", "/api/ops/dead-letters?continuationToken=garbage"),
      400,
      "validation-failed",
    ],
    [
      "multipart without document",
      () => {
        const f = new FormData();
        f.append("other", "x");
        return alice("POST", "/api/jobs", f);
      },
      400,
      "validation-failed",
    ],
  ];
  for (const [name, call, status, type] of cases) {
    it(name, async () => {
      const res = await call();
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.json.type).toBe(`https://docsift.dev/problems/${type}`);
      expect(res.json.title).toBeTruthy();
    });
  }

  it("answers a Host header that is no host and a malformed path outside the API with 400, and keeps serving", async () => {
    const { port } = new URL(host.url);
    const raw = (path: string, hostHeader: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: "127.0.0.1",
            port: Number(port),
            path,
            method: "GET",
            setHost: false,
            headers: { Host: hostHeader },
          },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const badHost = await raw("/api/health", "a b");
    expect(badHost.status).toBe(400);
    expect(JSON.parse(badHost.body).type).toBe("https://docsift.dev/problems/validation-failed");
    const badPath = await raw("/app/%E0%A4%A", "127.0.0.1");
    expect(badPath.status).toBe(400);
    // Still up: the next request is served as usual.
    expect((await alice("GET", "/api/jobs?limit=1")).status).toBe(200);
  });

  it("answers 500 with a reference, not the caller's 400, when a stored job no longer matches its schema", async () => {
    const userId = `carol-${randomUUID().slice(0, 8)}`;
    const carol = apiClient(host.url, userId);
    const cosmos = createCosmosClient({
      kind: "connectionString",
      connectionString: env.COSMOS_CONNECTION_STRING!,
      database: env.COSMOS_DATABASE!,
      caCertFile: env.COSMOS_CA_CERT_FILE!,
    });
    const id = randomUUID();
    await cosmosContainers(cosmos, env.COSMOS_DATABASE!).jobs.items.create({
      id,
      userId,
      status: "MISPLACED",
      createdAt: new Date().toISOString(),
    });
    for (const path of [`/api/jobs/${id}`, "/api/jobs"]) {
      const res = await carol("GET", path);
      expect(res.status, path).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.json.type).toBe("https://docsift.dev/problems/internal");
      expect(res.json.detail).toMatch(/reference \S+/);
      // What is wrong with the stored document is for the logs, not for the caller.
      expect(JSON.stringify(res.json)).not.toContain("MISPLACED");
    }
    cosmos.dispose();
  });

  it("submit before the upload → 409, wrong size → 409, wrong magic bytes → 422; the job stays visible", async () => {
    const created = await alice("POST", "/api/jobs", {
      fileName: "a.pdf",
      contentType: "application/pdf",
      sizeBytes: PDF_BYTES.length,
    });
    const { jobId, upload } = created.json;
    expect((await alice("POST", `/api/jobs/${jobId}/submit`)).status).toBe(409);
    await fetch(upload.url, { method: "PUT", body: PDF_BYTES.subarray(0, 10), headers: upload.headers });
    const wrongSize = await alice("POST", `/api/jobs/${jobId}/submit`);
    expect(wrongSize.status).toBe(409);
    expect(wrongSize.json.type).toMatch(/upload-incomplete$/);
    const exe = Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0x00]), Buffer.alloc(PDF_BYTES.length - 4)]);
    await fetch(upload.url, { method: "PUT", body: exe, headers: upload.headers });
    const wrongMagic = await alice("POST", `/api/jobs/${jobId}/submit`);
    expect(wrongMagic.status).toBe(422);
    expect(wrongMagic.json.code).toBe("UNSUPPORTED_DOCUMENT");
    expect((await alice("GET", `/api/jobs/${jobId}`)).json.status).toBe("AWAITING_UPLOAD");
  });
});

describe("XML e-invoices at intake", () => {
  const ubl = (body: string, prolog = `<?xml version="1.0" encoding="UTF-8"?>`) =>
    Buffer.from(
      `${prolog}\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">${body}</Invoice>\n`,
    );

  async function submitted(body: Buffer, contentType: string) {
    const jobId = await createUploaded(alice, body, contentType);
    return { jobId, res: await alice("POST", `/api/jobs/${jobId}/submit`) };
  }

  it("accepts a UBL or CII invoice declared as application/xml or text/xml, and queues it as xml", async () => {
    const { jobId, res } = await submitted(ubl("<cbc:ID>RE-1</cbc:ID>"), "application/xml");
    expect(res.status).toBe(202);
    const peeked = await sb.createReceiver(QUEUES.tasks).peekMessages(100);
    const task = peeked.map((m) => InferenceTaskSchema.parse(m.body)).find((t) => t.jobId === jobId);
    expect(task?.documentKind).toBe("xml");
    const cii = Buffer.from(
      `<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>`,
    );
    expect((await submitted(cii, "text/xml")).res.status).toBe(202);
  });

  it("refuses XML that is no invoice, and an invoice announced as another type, with 422", async () => {
    const feed = Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel/></rss>`);
    const notInvoice = await submitted(feed, "application/xml");
    expect(notInvoice.res.status).toBe(422);
    expect(notInvoice.res.json).toMatchObject({ code: "UNSUPPORTED_DOCUMENT" });
    const asPdf = await submitted(ubl("<cbc:ID>RE-2</cbc:ID>"), "application/pdf");
    expect(asPdf.res.status).toBe(422);
    expect(asPdf.res.json.detail).toBe("The file content is xml, but it was announced as application/pdf.");
  });

  it("refuses an XML invoice with a DTD (billion laughs, external entities) at submit", async () => {
    for (const doctype of [
      `<!DOCTYPE Invoice [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>`,
      `<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`,
    ]) {
      const { jobId, res } = await submitted(
        ubl("<cbc:ID>&b;</cbc:ID>", `<?xml version="1.0"?>${doctype}`),
        "application/xml",
      );
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({ code: "UNSUPPORTED_DOCUMENT" });
      expect(res.json.detail).toMatch(/document type declaration/);
      expect((await alice("GET", `/api/jobs/${jobId}`)).json.status).toBe("AWAITING_UPLOAD");
    }
  });

  it("takes an XML invoice through the one-shot multipart form", async () => {
    const form = new FormData();
    form.append(
      "document",
      new Blob([ubl("<cbc:ID>RE-3</cbc:ID>")], { type: "application/xml" }),
      "rechnung.xml",
    );
    const res = await alice("POST", "/api/jobs", form);
    expect(res.status).toBe(202);
    expect((await alice("GET", `/api/jobs/${res.json.jobId}`)).json).toMatchObject({
      status: "QUEUED",
      fileName: "rechnung.xml",
      contentType: "application/xml",
    });
  });
});

describe("users see only their own jobs", () => {
  it("answers 404 to another user's id on every route", async () => {
    const jobId = await createUploaded(alice);
    expect((await bob("GET", `/api/jobs/${jobId}`)).status).toBe(404);
    expect((await bob("POST", `/api/jobs/${jobId}/submit`)).status).toBe(404);
    expect((await bob("DELETE", `/api/jobs/${jobId}`)).status).toBe(404);
    expect((await bob("GET", "/api/jobs")).json.items.map((j: { id: string }) => j.id)).not.toContain(jobId);
    expect((await alice("GET", `/api/jobs/${jobId}`)).status).toBe(200);
  });

  it("keeps the ops routes to the admin role", async () => {
    for (const [method, path] of [
      ["GET", "/api/ops/dead-letters"],
      ["GET", "/api/ops/dead-letters/x:1"],
      ["POST", "/api/ops/dead-letters/x:1/resubmit"],
      ["POST", "/api/ops/dead-letters/x:1/dismiss"],
    ] as const) {
      const res = await alice(method, path, method === "POST" ? {} : undefined);
      expect(res.status).toBe(403);
      expect(res.json.type).toMatch(/forbidden$/);
    }
    expect((await ops("GET", "/api/ops/dead-letters")).status).toBe(200);
  });
});

describe("push through Web PubSub", () => {
  it("delivers a user's job events to that user's connection and not to another user's", async () => {
    const received: Record<string, Array<{ jobId: string; type: string }>> = { alice: [], bob: [] };
    const clients = await Promise.all(
      (["alice", "bob"] as const).map(async (who) => {
        const call = who === "alice" ? alice : bob;
        const client = new WebPubSubClient({
          getClientAccessUrl: async () => (await call("POST", "/api/negotiate")).json.url,
        });
        client.on(
          "server-message",
          (e) => void received[who]!.push(e.message.data as { jobId: string; type: string }),
        );
        await client.start();
        return client;
      }),
    );
    try {
      const jobId = await createUploaded(alice);
      await alice("POST", `/api/jobs/${jobId}/submit`);
      const event = await eventually(
        async () => received.alice!.find((e) => e.jobId === jobId && e.type === "job.queued"),
        15_000,
        "job.queued push",
      );
      expect(event).toMatchObject({ jobId, type: "job.queued" });
      await new Promise((r) => setTimeout(r, 500));
      expect(received.bob!.filter((e) => e.jobId === jobId)).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
    }
  });

  it("negotiates a short-lived URL for the caller", async () => {
    const res = await alice("POST", "/api/negotiate");
    expect(res.status).toBe(200);
    expect(res.json.url).toMatch(/^ws:\/\/.*\/client\/hubs\/docsift\?access_token=/);
    expect(new Date(res.json.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it("reports dependencies healthy", async () => {
    const res = await alice("GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.json.checks).toEqual({ cosmos: "ok", blob: "ok", webPubSub: "ok" });
  });
});

describe("dead-letter triage and on-call", () => {
  it("records a dead letter after max deliveries, fails the job, then retries it once automatically", async () => {
    await drain(QUEUES.tasks);
    const jobId = await createUploaded(alice);
    await alice("POST", `/api/jobs/${jobId}/submit`);
    // Play a worker that keeps failing transiently: abandon until the broker dead-letters.
    const receiver = sb.createReceiver(QUEUES.tasks);
    for (let i = 0; i < 5; i++) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      expect(m).toBeDefined();
      await receiver.abandonMessage(m!);
    }
    const record = await eventually(
      async () => {
        const list = await ops("GET", "/api/ops/dead-letters?reason=MaxDeliveryCountExceeded");
        return (list.json.items as Array<{ jobId: string; status: string; id: string }>).find(
          (r) => r.jobId === jobId && r.status === "auto-retried",
        );
      },
      20_000,
      "auto-retried dead letter",
    );
    const shown = await ops("GET", `/api/ops/dead-letters/${encodeURIComponent(record.id)}`);
    expect(shown.json).toMatchObject({
      reason: "MaxDeliveryCountExceeded",
      transient: true,
      deliveryCount: 5,
    });
    const job = await alice("GET", `/api/jobs/${jobId}`);
    expect(job.json.status).toBe("QUEUED");
    expect(job.json.history.map((h: { to: string }) => h.to)).toEqual([
      "AWAITING_UPLOAD",
      "QUEUED",
      "FAILED",
      "QUEUED",
    ]);
    // The retry is scheduled a second out, with the next submission's message id.
    const [retry] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(retry?.messageId).toBe(`${jobId}:2`);
    await receiver.completeMessage(retry!);
    await receiver.close();
  });

  it("fails the job on a permanent reason without retrying; on-call resubmits and dismisses", async () => {
    await drain(QUEUES.tasks);
    const jobId = await createUploaded(alice);
    await alice("POST", `/api/jobs/${jobId}/submit`);
    const receiver = sb.createReceiver(QUEUES.tasks);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deadLetterMessage(m!, {
      deadLetterReason: "CORRUPT_DOCUMENT",
      deadLetterErrorDescription: "xref table broken",
    });
    const job = await eventually(
      async () => {
        const j = await alice("GET", `/api/jobs/${jobId}`);
        return j.json.status === "FAILED" ? j.json : undefined;
      },
      15_000,
      "job FAILED",
    );
    expect(job.error).toMatchObject({ code: "CORRUPT_DOCUMENT", permanent: true });
    const list = await ops("GET", "/api/ops/dead-letters?reason=CORRUPT_DOCUMENT&status=open");
    const record = (list.json.items as Array<{ id: string; jobId: string; description: string }>).find(
      (r) => r.jobId === jobId,
    )!;
    expect(record.description).toBe("xref table broken");

    const resubmitted = await ops("POST", `/api/ops/dead-letters/${encodeURIComponent(record.id)}/resubmit`, {
      note: "fixed parser",
    });
    expect(resubmitted.status).toBe(202);
    expect(resubmitted.json.job).toMatchObject({ status: "QUEUED", submission: 2 });
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again?.messageId).toBe(`${jobId}:2`);
    expect(
      (await ops("POST", `/api/ops/dead-letters/${encodeURIComponent(record.id)}/resubmit`, {})).status,
    ).toBe(409);

    await receiver.deadLetterMessage(again!, {
      deadLetterReason: "CORRUPT_DOCUMENT",
      deadLetterErrorDescription: "still broken",
    });
    const second = await eventually(
      async () => {
        const l = await ops("GET", "/api/ops/dead-letters?reason=CORRUPT_DOCUMENT&status=open");
        return (l.json.items as Array<{ id: string; jobId: string }>).find((r) => r.jobId === jobId);
      },
      15_000,
      "second dead letter",
    );
    const dismissed = await ops("POST", `/api/ops/dead-letters/${encodeURIComponent(second.id)}/dismiss`, {
      note: "customer informed",
    });
    expect(dismissed.json).toMatchObject({
      status: "dismissed",
      actions: [{ action: "dismiss", by: "oncall", note: "customer informed" }],
    });
    await receiver.close();
  });

  it("records a message that is not a task without touching any job", async () => {
    const sender = sb.createSender(QUEUES.tasks);
    await sender.sendMessages({ body: { hello: "world" }, messageId: `junk-${Date.now()}` });
    await sender.close();
    const receiver = sb.createReceiver(QUEUES.tasks);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deadLetterMessage(m!, {
      deadLetterReason: "InvalidMessage",
      deadLetterErrorDescription: "schema",
    });
    await receiver.close();
    const rec = await eventually(
      async () => {
        const l = await ops("GET", "/api/ops/dead-letters?reason=InvalidMessage");
        return (l.json.items as Array<{ messageId: string; jobId: string; transient: boolean }>).find(
          (r) => r.messageId === m!.messageId,
        );
      },
      15_000,
      "invalid message record",
    );
    expect(rec).toMatchObject({ jobId: "unknown", transient: false });
  });
});

describe("upload expiry", () => {
  it("expires jobs whose upload never arrived and deletes the partial blob", async () => {
    const { expireUploadsHandler } = await import("../src/events/expire-uploads.js");
    const { InvocationContext } = await import("../src/index.js");
    const created = await alice("POST", "/api/jobs", {
      fileName: "late.pdf",
      contentType: "application/pdf",
      sizeBytes: 100,
    });
    const { jobId, upload } = created.json;
    // An upload that stopped short: fewer bytes than announced, never submitted.
    await fetch(upload.url, { method: "PUT", body: Buffer.alloc(10), headers: upload.headers });
    const later = { now: () => new Date(Date.now() + 31 * 60_000) };
    const context = new InvocationContext({ invocationId: "timer-1", functionName: "expireUploads" });
    const expired = await expireUploadsHandler({ ...host.deps, clock: later })({ isPastDue: false }, context);
    expect(expired).toBeGreaterThanOrEqual(1);
    const job = await alice("GET", `/api/jobs/${jobId}`);
    expect(job.json.status).toBe("EXPIRED");
    expect(await host.deps.documents.properties("uploads", `${alice.userId}/${jobId}`)).toBeUndefined();
    // An expired job cannot be submitted any more, and a second timer run leaves it alone.
    expect((await alice("POST", `/api/jobs/${jobId}/submit`)).status).toBe(409);
    await expireUploadsHandler({ ...host.deps, clock: later })({ isPastDue: false }, context);
    expect(
      (await alice("GET", `/api/jobs/${jobId}`)).json.history.filter(
        (h: { to: string }) => h.to === "EXPIRED",
      ),
    ).toHaveLength(1);
  });
});

describe("tasks that were never sent", () => {
  it("are re-sent by the timer for QUEUED jobs whose send did not happen", async () => {
    const { redispatchTasksHandler } = await import("../src/events/redispatch-tasks.js");
    const { InvocationContext } = await import("../src/index.js");
    const { transitionJob } = await import("@docsift/core");
    await drain(QUEUES.tasks);
    const jobId = await createUploaded(alice);
    // The QUEUED write happened, the process died before the send: no task, dispatched unset.
    await transitionJob({ jobs: host.deps.jobs }, alice.userId, jobId, { type: "submit", at: new Date() });
    expect(await activeTasks()).toBe(0);
    const later = { now: () => new Date(Date.now() + 2 * 60_000) };
    const context = new InvocationContext({ invocationId: "timer-2", functionName: "redispatchTasks" });
    expect(await redispatchTasksHandler({ ...host.deps, clock: later })({}, context)).toBeGreaterThanOrEqual(
      1,
    );
    // Other test files may leave QUEUED jobs of their own in the shared stack: count only ours.
    const ours = async () =>
      // Peeking resumes where the last peek of this queue stopped; start from the head each time.
      (
        await sb.createReceiver(QUEUES.tasks).peekMessages(100, { fromSequenceNumber: Long.fromNumber(0) })
      ).filter((m) => m.messageId === `${jobId}:1`).length;
    expect(await ours()).toBe(1);
    expect((await host.deps.jobs.get(alice.userId, jobId))?.value.dispatched).toBe(1);
    // A second tick finds nothing left to send for it.
    await redispatchTasksHandler({ ...host.deps, clock: later })({}, context);
    expect(await ours()).toBe(1);
    await drain(QUEUES.tasks);
  });
});

describe("a task lost after it was sent", () => {
  it("is sent again, under a new generation, by a re-submit once the job has been stuck long enough", async () => {
    await drain(QUEUES.tasks);
    const jobId = await createUploaded(alice);
    expect((await alice("POST", `/api/jobs/${jobId}/submit`)).status).toBe(202);
    // The broker loses the task.
    await drain(QUEUES.tasks);
    const peekIds = async () =>
      (
        await sb.createReceiver(QUEUES.tasks).peekMessages(100, { fromSequenceNumber: Long.fromNumber(0) })
      ).map((m) => m.messageId);

    // Soon after the submit, a repeat answers the same and sends nothing: the task may be on its way.
    expect((await alice("POST", `/api/jobs/${jobId}/submit`)).status).toBe(202);
    expect((await peekIds()).filter((id) => String(id).startsWith(jobId))).toEqual([]);

    // Twenty minutes later, with nothing moved, the repeat re-dispatches it.
    const current = (await host.deps.jobs.get(alice.userId, jobId))!;
    await host.deps.jobs.replace(
      { ...current.value, updatedAt: new Date(Date.now() - 20 * 60_000).toISOString() },
      current.etag,
    );
    const resubmitted = await alice("POST", `/api/jobs/${jobId}/submit`);
    expect(resubmitted.status).toBe(202);
    expect(resubmitted.json.status).toBe("QUEUED");
    expect((await peekIds()).filter((id) => String(id).startsWith(jobId))).toEqual([`${jobId}:1:g2`]);
    const stored = (await host.deps.jobs.get(alice.userId, jobId))!.value;
    expect(stored).toMatchObject({ dispatch: 2, dispatched: 1, submissions: 1 });
    expect(stored.history.at(-1)).toMatchObject({ from: "QUEUED", to: "QUEUED" });
    await drain(QUEUES.tasks);
  });
});

describe("a dead letter of an earlier submission", () => {
  it("is recorded but does not fail the job's current run", async () => {
    await drain(QUEUES.tasks);
    const jobId = await createUploaded(alice);
    await alice("POST", `/api/jobs/${jobId}/submit`);
    const receiver = sb.createReceiver(QUEUES.tasks);
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deadLetterMessage(first!, {
      deadLetterReason: "CORRUPT_DOCUMENT",
      deadLetterErrorDescription: "v1",
    });
    const record = await eventually(
      async () => {
        const l = await ops("GET", "/api/ops/dead-letters?reason=CORRUPT_DOCUMENT&status=open");
        return (l.json.items as Array<{ id: string; jobId: string }>).find((r) => r.jobId === jobId);
      },
      15_000,
      "dead letter",
    );
    await ops("POST", `/api/ops/dead-letters/${encodeURIComponent(record.id)}/resubmit`, {});
    // A stale copy of submission 1 dead-letters late (a duplicate that was still in flight).
    const sender = sb.createSender(QUEUES.tasks);
    await sender.sendMessages({ body: first!.body, messageId: `${jobId}:1-late` });
    await sender.close();
    const stale = await eventually(
      async () => {
        const ms = await receiver.receiveMessages(5, { maxWaitTimeInMs: 2000 });
        const found = ms.find((m) => m.messageId === `${jobId}:1-late`);
        for (const m of ms) if (m !== found) await receiver.abandonMessage(m);
        return found;
      },
      15_000,
      "the stale copy",
    );
    await receiver.deadLetterMessage(stale, {
      deadLetterReason: "CORRUPT_DOCUMENT",
      deadLetterErrorDescription: "stale",
    });
    await eventually(
      async () => {
        const l = await ops("GET", "/api/ops/dead-letters?reason=CORRUPT_DOCUMENT");
        return (l.json.items as Array<{ messageId: string }>).find((r) => r.messageId === `${jobId}:1-late`);
      },
      15_000,
      "the stale dead letter recorded",
    );
    const job = await alice("GET", `/api/jobs/${jobId}`);
    expect(job.json.status).toBe("QUEUED");
    await receiver.close();
    await drain(QUEUES.tasks);
  });
});
