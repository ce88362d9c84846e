import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Container } from "@azure/cosmos";
import { cosmosContainers, createCosmosClient } from "@docsift/adapters";
import { FunctionsConfigSchema, decide, parseConfig } from "@docsift/core";
import type { Job, JobResult } from "@docsift/core";
import { completedJob, newUploadJob, sampleResult } from "@docsift/core/testing";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { csvRecords } from "../../functions/test/csv-parse.js";
import { runCaptured } from "./capture.js";

const env = inject("stackEnv");
let host: LocalFunctionsHost;
let cosmos: ReturnType<typeof createCosmosClient>;
let jobs: Container;
let dir: string;
const user = `cli-review-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-review-"));
  host = await startFunctionsHost({
    config: parseConfig("functions (cli review test)", FunctionsConfigSchema, {
      ...env,
      AUTH_MODE: "dev",
      LOG_LEVEL: "warn",
    }),
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "warn" }),
    timers: false,
  });
  cosmos = createCosmosClient({
    kind: "connectionString",
    connectionString: env.COSMOS_CONNECTION_STRING!,
    database: env.COSMOS_DATABASE!,
    caCertFile: env.COSMOS_CA_CERT_FILE!,
  });
  jobs = cosmosContainers(cosmos, env.COSMOS_DATABASE!).jobs;
});

afterAll(async () => {
  cosmos?.dispose();
  await host?.stop();
  await rm(dir, { recursive: true, force: true });
});

const result: JobResult = sampleResult({
  needsReview: true,
  fields: {
    invoiceNumber: { value: "INV-1", confidence: 0.97, page: 1, sourceText: "Invoice INV-1" },
    totalAmount: {
      value: "10.00",
      confidence: 0.4,
      page: 1,
      sourceText: "Total 10.00",
      needsReview: true,
      reviewReasons: ["low-confidence"],
    },
    iban: { value: "DE89370400440532013000", confidence: 0.9, page: 1, sourceText: "IBAN DE89…" },
  },
});

async function stored(at = new Date()): Promise<Job> {
  const job = completedJob(user, result, { at });
  await jobs.items.create(job);
  return job;
}

const docsift = (...args: string[]) => runCaptured(["--api", host.url, "--as", user, ...args]);

describe("docsift result", () => {
  it("shows the result with the fields needing review first", async () => {
    const job = await stored();
    const shown = await docsift("result", "show", job.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("needs review: totalAmount");
    const rows = shown.stdout.split("\n").filter((l) => /^(totalAmount|invoiceNumber|iban)\b/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(["totalAmount", "invoiceNumber", "iban"]);
  });

  it("sets values and marks fields absent as a new revision, and confirms", async () => {
    const job = await stored();
    const set = await docsift(
      "--json",
      "result",
      "set",
      job.id,
      "totalAmount=12.50",
      "dueDate=2026-05-01",
      "--absent",
      "iban",
    );
    expect(set.code, set.stderr).toBe(0);
    const body = JSON.parse(set.stdout);
    expect(body).toMatchObject({
      revision: 1,
      absent: ["iban"],
      needsReview: false,
      fields: {
        totalAmount: { value: "12.50", origin: "user", modelValue: "10.00" },
        dueDate: { value: "2026-05-01" },
      },
    });
    expect(body.revisions[0]).toMatchObject({ by: user, action: "correct" });

    const confirmed = await docsift("--json", "result", "confirm", job.id);
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout).confirmed).toMatchObject({ by: user, revision: 2 });
  });

  it("fails with the API's reasons for bad values (exit 1) and refuses a malformed command line (exit 2)", async () => {
    const job = await stored();
    const bad = await docsift("result", "set", job.id, "iban=DE89370400440532013001", "invoiceDate=tomorrow");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/fields\.iban is not a valid IBAN: its checksum fails/);
    expect(bad.stderr).toMatch(/fields\.invoiceDate must be a date as YYYY-MM-DD/);
    expect((await docsift("result", "set", job.id, "colour=red")).code).toBe(2);
    expect((await docsift("result", "set", job.id)).code).toBe(2);
    expect((await docsift("result", "confirm", job.id, "--field", "colour")).code).toBe(2);
    const shown = JSON.parse((await docsift("--json", "result", "show", job.id)).stdout);
    expect(shown.revision).toBe(0);
  });
});

describe("docsift export", () => {
  it("writes the user's jobs as CSV to stdout or a file, with date and review filters", async () => {
    const old = await stored(new Date("2025-06-01T00:00:00Z"));
    const recent = await stored(new Date("2026-02-01T00:00:00Z"));
    await docsift("result", "confirm", recent.id);

    const all = await docsift("export");
    expect(all.code, all.stderr).toBe(0);
    const ids = csvRecords(all.stdout).map((r) => r.jobId);
    expect(ids).toEqual(expect.arrayContaining([old.id, recent.id]));

    const file = path.join(dir, "export.csv");
    const filtered = await docsift(
      "export",
      "--from",
      "2026-01-01",
      "--to",
      "2026-02-28",
      "--reviewed",
      "-o",
      file,
    );
    expect(filtered.code, filtered.stderr).toBe(0);
    const rows = csvRecords(await readFile(file, "utf8"));
    expect(rows.map((r) => r.jobId)).toEqual([recent.id]);
    expect(rows[0]).toMatchObject({ confirmed: "true", totalAmount: "10.00", invoiceNumber: "INV-1" });

    const csv = await docsift("result", "show", recent.id, "--csv");
    expect(csvRecords(csv.stdout)).toEqual([rows[0]]);

    const bad = await docsift("export", "--status", "DONE");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/status/);
    expect((await docsift("export", "--needs-review", "--reviewed")).code).toBe(2);
  });
});

describe("docsift retry", () => {
  it("retries a failure that can pass and explains why another cannot be retried", async () => {
    const failed = async (permanent: boolean) => {
      const at = new Date();
      let job = newUploadJob(user, { at });
      job = decide(job, { type: "submit", at }).job;
      job = { ...decide(job, { type: "start", at, attempt: 1 }).job, dispatched: 1 };
      const code = permanent ? "UNSUPPORTED_DOCUMENT" : "JOB_TIMEOUT";
      job = decide(job, { type: "fail", at, error: { code, message: "failed", permanent } }).job;
      await jobs.items.create(job);
      return job;
    };
    const passing = await failed(false);
    const retried = await docsift("retry", passing.id);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`job ${passing.id} is QUEUED again`);
    const permanent = await failed(true);
    const refused = await docsift("retry", permanent.id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot succeed: This file type is not supported/);
  });
});
