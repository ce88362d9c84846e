import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api.js";
import type { PendingStore, PendingUpload } from "../src/offline/pending.js";
import { fetchTransport } from "../src/upload/transport.js";
import { Uploads } from "../src/uploads.js";
import type { UploadItem } from "../src/uploads.js";
import { startBlockBlobServer } from "./block-blob-server.js";
import type { BlockBlobServer } from "./block-blob-server.js";

/**
 * A job API that keeps jobs by Idempotency-Key as the functions host does: a repeated key
 * answers with that key's job (200, an upload grant only while it awaits its document; 404 once
 * it was deleted), a new key creates a job (201 with a grant).
 */
interface FakeJob {
  id: string;
  status: "AWAITING_UPLOAD" | "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED" | "EXPIRED" | "DELETED";
}
async function startJobApi(uploadUrl: () => string) {
  const byKey = new Map<string, FakeJob>();
  /** Jobs whose submit the server refuses after reading the document (422). */
  const refuse = new Set<string>();
  /** The user's limit of jobs waiting for their upload, as MAX_OPEN_UPLOADS (429 beyond it). */
  const limits = { openUploads: Infinity };
  const calls: Array<{ method: string; path: string; key?: string }> = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = req.headers["idempotency-key"] as string | undefined;
      calls.push({ method: req.method!, path: req.url!, ...(key ? { key } : {}) });
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.method === "POST" && req.url === "/api/jobs") {
        const existing = key ? byKey.get(key) : undefined;
        if (existing?.status === "DELETED")
          return json(404, {
            type: "https://docsift.dev/problems/not-found",
            title: "Not found",
            status: 404,
          });
        const open = [...byKey.values()].filter((j) => j.status === "AWAITING_UPLOAD").length;
        if (!existing && open >= limits.openUploads)
          return res
            .writeHead(429, { "content-type": "application/problem+json", "retry-after": "1800" })
            .end(
              JSON.stringify({
                type: "https://docsift.dev/problems/too-many-requests",
                title: "Too many requests; try again later",
                status: 429,
                code: "TOO_MANY_OPEN_UPLOADS",
                detail: "At most 1 jobs can wait for an upload at once.",
              }),
            );
        const job = existing ?? { id: randomUUID(), status: "AWAITING_UPLOAD" as const };
        if (key) byKey.set(key, job);
        const base = { jobId: job.id, status: job.status, statusUrl: `/api/jobs/${job.id}` };
        if (job.status !== "AWAITING_UPLOAD") return json(200, base);
        return json(existing ? 200 : 201, {
          ...base,
          submitUrl: `/api/jobs/${job.id}/submit`,
          upload: {
            url: uploadUrl(),
            method: "PUT",
            expiresAt: new Date(Date.now() + 600_000).toISOString(),
            blockSizeBytes: 16 * 1024,
            headers: { "x-ms-blob-type": "BlockBlob" },
          },
        });
      }
      const submit = /^\/api\/jobs\/([^/]+)\/submit$/.exec(req.url ?? "");
      if (req.method === "POST" && submit) {
        const job = [...byKey.values()].find((j) => j.id === submit[1]);
        if (!job)
          return json(404, {
            type: "https://docsift.dev/problems/not-found",
            title: "Not found",
            status: 404,
          });
        if (refuse.has(job.id))
          return res.writeHead(422, { "content-type": "application/problem+json" }).end(
            JSON.stringify({
              type: "https://docsift.dev/problems/document-rejected",
              title: "Document rejected",
              status: 422,
              detail: "The file content is not a PDF.",
            }),
          );
        if (job.status === "AWAITING_UPLOAD") job.status = "QUEUED";
        return json(202, { jobId: job.id, status: job.status });
      }
      const del = /^\/api\/jobs\/([^/]+)$/.exec(req.url ?? "");
      if (req.method === "DELETE" && del) {
        const job = [...byKey.values()].find((j) => j.id === del[1]);
        if (job) job.status = "DELETED";
        return res.writeHead(204).end();
      }
      json(404, { type: "https://docsift.dev/problems/not-found", title: "Not found", status: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    byKey,
    refuse,
    limits,
    calls,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

class MemoryPending implements PendingStore {
  readonly items = new Map<string, PendingUpload>();
  async put(item: PendingUpload) {
    this.items.set(item.id, item);
  }
  async list() {
    return [...this.items.values()];
  }
  async remove(id: string) {
    this.items.delete(id);
  }
}

describe("uploads: a retry with the same Idempotency-Key", () => {
  let blobs: BlockBlobServer;
  let jobs: Awaited<ReturnType<typeof startJobApi>>;
  let pending: MemoryPending;
  let uploads: Uploads;
  const submitted: string[] = [];

  beforeEach(async () => {
    blobs = await startBlockBlobServer();
    jobs = await startJobApi(() => blobs.url);
    pending = new MemoryPending();
    submitted.length = 0;
    uploads = new Uploads({
      api: createApiClient({ baseUrl: jobs.url }),
      transport: fetchTransport,
      pending,
      isOnline: () => true,
      userId: () => "alice",
      onSubmitted: (id) => submitted.push(id),
    });
  });
  afterEach(async () => {
    await jobs.close();
    await blobs.close();
  });

  const settled = (item: UploadItem, of: Uploads = uploads) =>
    new Promise<UploadItem>((resolve) => {
      const check = () => {
        if (["done", "failed", "waiting", "cancelled"].includes(item.state) && !item.controller) {
          stop();
          resolve(item);
        }
      };
      const stop = of.subscribe(check);
      check();
    });
  const file = () => new File([randomBytes(40 * 1024)], "invoice.pdf", { type: "application/pdf" });
  const submits = () => jobs.calls.filter((c) => c.path.endsWith("/submit")).map((c) => c.path.split("/")[3]);

  /** An item whose first run failed after its job was created: retried by the user. */
  async function failedItemWithJob(status: FakeJob["status"]): Promise<UploadItem> {
    const item = uploads.add(file(), "application/pdf");
    await settled(item);
    expect(item.state).toBe("done");
    // Put the item back as the user would see it after a submit whose answer never came.
    const job = jobs.byKey.get(item.idempotencyKey)!;
    job.status = status;
    item.state = "failed";
    jobs.calls.length = 0;
    submitted.length = 0;
    return item;
  }

  it("deletes the job when the server refuses the document at submit, leaving no job waiting for an upload", async () => {
    const item = uploads.add(file(), "application/pdf");
    // The job exists once the upload starts: have the server refuse what it then reads.
    const stop = uploads.subscribe(() => {
      const job = jobs.byKey.get(item.idempotencyKey);
      if (job) jobs.refuse.add(job.id);
    });
    await settled(item);
    stop();
    expect(item.state).toBe("failed");
    expect(item.error).toBe("The file content is not a PDF.");
    const job = jobs.byKey.get(item.idempotencyKey)!;
    expect(jobs.calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual([
      `/api/jobs/${job.id}`,
    ]);
    expect(job.status).toBe("DELETED");
  });

  it("submits a job that is QUEUED (its task may never have been sent) before calling it done", async () => {
    const item = await failedItemWithJob("QUEUED");
    const key = item.idempotencyKey;
    uploads.retry(item.id);
    await settled(item);
    expect(item.state).toBe("done");
    expect(item.idempotencyKey).toBe(key);
    expect(submits()).toEqual([item.jobId]);
    expect(blobs.log.filter((l) => l.comp === "blocklist")).toHaveLength(1); // no second upload
    expect(submitted).toEqual([item.jobId]);
  });

  it("uploads and submits when the key's job still waits for its document", async () => {
    const item = await failedItemWithJob("AWAITING_UPLOAD");
    const commits = blobs.log.filter((l) => l.comp === "blocklist").length;
    uploads.retry(item.id);
    await settled(item);
    expect(item.state).toBe("done");
    expect(blobs.log.filter((l) => l.comp === "blocklist")).toHaveLength(commits + 1);
    expect(submits()).toEqual([item.jobId]);
  });

  it("does not submit a job a worker already finished", async () => {
    const item = await failedItemWithJob("COMPLETED");
    uploads.retry(item.id);
    await settled(item);
    expect(item.state).toBe("done");
    expect(submits()).toEqual([]);
    expect(submitted).toEqual([item.jobId]);
  });

  for (const status of ["DELETED", "EXPIRED"] as const)
    it(`starts over with a new key when the key's job is ${status}`, async () => {
      const item = await failedItemWithJob(status);
      const oldKey = item.idempotencyKey;
      const oldJob = item.jobId;
      uploads.retry(item.id);
      await settled(item);
      expect(item.state).toBe("done");
      expect(item.idempotencyKey).not.toBe(oldKey);
      expect(item.jobId).not.toBe(oldJob);
      expect(jobs.calls.filter((c) => c.path === "/api/jobs").map((c) => c.key)).toEqual([
        oldKey,
        item.idempotencyKey,
      ]);
      expect(submits()).toEqual([item.jobId]);
      expect(jobs.byKey.get(item.idempotencyKey)!.status).toBe("QUEUED");
    });

  it("lets documents past the open-upload limit wait, then sends each as an earlier one is submitted", async () => {
    jobs.limits.openUploads = 1;
    const shown: string[] = [];
    uploads.subscribe((i) => i?.state === "waiting" && i.error && shown.push(i.error));
    const items = [file(), file(), file()].map((f) => uploads.add(f, "application/pdf"));
    // Retry-After says 30 minutes: finishing well before that means they went on as room was made.
    await expect.poll(() => items.map((i) => i.state), { timeout: 20_000 }).toEqual(["done", "done", "done"]);
    expect(new Set(submits())).toEqual(new Set(items.map((i) => i.jobId)));
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown[0]).toBe("At most 1 jobs can wait for an upload at once. It continues by itself.");
    // Kept like an offline document until sent, so a reload does not lose it; removed once sent.
    expect(pending.items.size).toBe(0);
  });

  it("queues an offline document for its user and does not send another user's", async () => {
    let online = false;
    const offline = new Uploads({
      api: createApiClient({ baseUrl: jobs.url }),
      transport: fetchTransport,
      pending,
      isOnline: () => online,
      userId: () => "alice",
      onSubmitted: (id) => submitted.push(id),
    });
    const mine = offline.add(file(), "application/pdf");
    await settled(mine, offline);
    expect(mine.state).toBe("waiting");
    await expect.poll(() => pending.items.get(mine.id)?.userId).toBe("alice");
    await pending.put({
      id: "bobs",
      file: file(),
      contentType: "application/pdf",
      idempotencyKey: randomUUID(),
      addedAt: new Date().toISOString(),
      userId: "bob",
    });
    online = true;
    await offline.resumePending();
    expect(offline.list().map((i) => i.id)).toEqual([mine.id]);
  });
});
