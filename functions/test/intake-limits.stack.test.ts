import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { PDF_BYTES, apiClient, functionsConfig } from "./helpers.js";

// Intake limits and upload grants against the real stores: jobs counted in the Cosmos emulator,
// SAS writes refused by Azurite.

const env = inject("stackEnv");
let host: LocalFunctionsHost;
let n = 0;
const user = (what: string) => apiClient(host.url, `${what}-${Date.now()}-${++n}`);
const announce = { fileName: "inv.pdf", contentType: "application/pdf", sizeBytes: PDF_BYTES.length };

beforeAll(async () => {
  host = await startFunctionsHost({
    config: functionsConfig(env, { MAX_JOBS_PER_MINUTE: "4", MAX_OPEN_UPLOADS: "2" }),
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "warn" }),
    timers: false,
  });
});

afterAll(async () => {
  await host?.stop();
});

function expectTooManyRequests(
  res: Awaited<ReturnType<ReturnType<typeof user>>>,
  code: string,
  maxSeconds: number,
) {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.json).toMatchObject({
    type: "https://docsift.dev/problems/too-many-requests",
    status: 429,
    code,
  });
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

describe("per-user intake limits", () => {
  it("refuses a job while too many wait for their upload, and admits one again after a delete", async () => {
    const ann = user("ann");
    const first = await ann("POST", "/api/jobs", announce, { "idempotency-key": "first" });
    expect(first.status).toBe(201);
    expect((await ann("POST", "/api/jobs", announce)).status).toBe(201);

    // The upload window is 30 minutes: that is the longest the user could have to wait.
    expectTooManyRequests(await ann("POST", "/api/jobs", announce), "TOO_MANY_OPEN_UPLOADS", 30 * 60);
    // A retried create of a job that exists is still answered with that job.
    const retried = await ann("POST", "/api/jobs", announce, { "idempotency-key": "first" });
    expect(retried.status).toBe(200);
    expect(retried.json.jobId).toBe(first.json.jobId);
    // Another user is not affected.
    expect((await user("bea")("POST", "/api/jobs", announce)).status).toBe(201);

    expect((await ann("DELETE", `/api/jobs/${first.json.jobId}`)).status).toBe(204);
    expect((await ann("POST", "/api/jobs", announce)).status).toBe(201);
  });

  it("refuses the fifth job created within a minute, also on the one-shot form", async () => {
    const cid = user("cid");
    for (let i = 0; i < 4; i++) {
      const created = await cid("POST", "/api/jobs", announce);
      expect(created.status).toBe(201);
      // Deleted jobs no longer wait for an upload, but they were created.
      expect((await cid("DELETE", `/api/jobs/${created.json.jobId}`)).status).toBe(204);
    }
    expectTooManyRequests(await cid("POST", "/api/jobs", announce), "JOB_RATE_LIMITED", 60);
    const form = new FormData();
    form.append("document", new Blob([PDF_BYTES], { type: "application/pdf" }), "inv.pdf");
    expectTooManyRequests(await cid("POST", "/api/jobs", form), "JOB_RATE_LIMITED", 60);
    const listed = await cid("GET", "/api/jobs");
    expect(listed.json.items).toEqual([]);
  });
});

describe("a burst of parallel creates", () => {
  it("leaves no more jobs than the limits allow, and no trace of the ones refused", async () => {
    const eve = user("eve");
    const answers = await Promise.all(Array.from({ length: 12 }, () => eve("POST", "/api/jobs", announce)));
    const created = answers.filter((a) => a.status === 201).map((a) => a.json.jobId as string);
    // A racer's upload window may end a moment after 30 minutes from when this one looked.
    for (const a of answers.filter((x) => x.status !== 201))
      expectTooManyRequests(a, a.json.code, 30 * 60 + 5);
    // Each create saw every other one after its write: at most the open-upload limit (2) stay.
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.length).toBeLessThanOrEqual(2);
    const listed = await eve("GET", "/api/jobs");
    expect(listed.json.items.map((j: { id: string }) => j.id).sort()).toEqual(created.sort());
  });
});

describe("a deleted job's upload grant", () => {
  it("can no longer write the job's blob, whole or block by block", async () => {
    const dee = user("dee");
    const created = await dee("POST", "/api/jobs", announce);
    const { url, headers } = created.json.upload as { url: string; headers: Record<string, string> };
    expect((await fetch(url, { method: "PUT", body: PDF_BYTES, headers })).status).toBe(201);
    expect((await dee("DELETE", `/api/jobs/${created.json.jobId}`)).status).toBe(204);
    // A repeated delete (a retry after a lost answer) still succeeds.
    expect((await dee("DELETE", `/api/jobs/${created.json.jobId}`)).status).toBe(204);

    const put = await fetch(url, { method: "PUT", body: PDF_BYTES, headers });
    expect(put.status).toBe(412);
    expect(await put.text()).toContain("LeaseIdMissing");
    const block = await fetch(`${url}&comp=block&blockid=${encodeURIComponent(btoa("block-0001"))}`, {
      method: "PUT",
      body: PDF_BYTES,
    });
    expect(block.status).toBe(412);

    // What remains at the blob's name is the empty tombstone, not the document.
    const blobName = `${dee.userId}/${created.json.jobId}`;
    expect(await host.deps.documents.properties("uploads", blobName)).toMatchObject({ sizeBytes: 0 });
  });
});
