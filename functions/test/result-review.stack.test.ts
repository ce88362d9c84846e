import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Container } from "@azure/cosmos";
import { EXPORT_COLUMNS, LINE_ITEM_EXPORT_COLUMNS } from "@docsift/core";
import type { Job, JobResult } from "@docsift/core";
import { completedJob, newUploadJob, sampleResult } from "@docsift/core/testing";
import { cosmosContainers, createCosmosClient } from "@docsift/adapters";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { apiClient, functionsConfig } from "./helpers.js";
import { csvRecords, parseCsv } from "./csv-parse.js";

const env = inject("stackEnv");
let host: LocalFunctionsHost;
let cosmos: ReturnType<typeof createCosmosClient>;
let jobs: Container;
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
});

afterAll(async () => {
  cosmos?.dispose();
  await host?.stop();
});

const modelResult: JobResult = sampleResult({
  needsReview: true,
  fields: {
    invoiceNumber: { value: "INV-7", confidence: 0.97, page: 1, sourceText: "Invoice no. INV-7" },
    vendorName: { value: "ACME GmbH", confidence: 0.95, page: 1, sourceText: "ACME GmbH" },
    totalAmount: {
      value: "10.00",
      confidence: 0.41,
      page: 2,
      sourceText: "Total 10.00",
      needsReview: true,
      reviewReasons: ["low-confidence"],
    },
    iban: {
      value: "DE89370400440532013000",
      confidence: 0.9,
      page: 2,
      sourceText: "IBAN DE89 3704 0044 0532 0130 00",
    },
  },
});

/** A COMPLETED job as the worker leaves it, stored straight into Cosmos. */
async function storeCompleted(
  client: typeof alice,
  opts: { at?: Date; result?: JobResult; fileName?: string } = {},
): Promise<Job> {
  const job = completedJob(client.userId, opts.result ?? modelResult, {
    ...(opts.at ? { at: opts.at } : {}),
    ...(opts.fileName ? { fileName: opts.fileName } : {}),
  });
  await jobs.items.create(job);
  return job;
}

const readResult = async (client: typeof alice, id: string) => {
  const res = await client("GET", `/api/jobs/${id}/result`);
  expect(res.status).toBe(200);
  return { body: res.json, etag: res.headers.get("etag")! };
};

const patch = (client: typeof alice, id: string, fields: unknown, etag?: string) =>
  client(
    "PATCH",
    `/api/jobs/${id}/result`,
    { fields },
    etag ? { "if-match": etag, "content-type": "application/json" } : {},
  );

const confirm = (client: typeof alice, id: string, body: unknown, etag?: string) =>
  client(
    "POST",
    `/api/jobs/${id}/result/confirm`,
    body,
    etag ? { "if-match": etag, "content-type": "application/json" } : {},
  );

describe("reading a result", () => {
  it("answers the model's result with what needs review first named, and an etag", async () => {
    const job = await storeCompleted(alice);
    const res = await alice("GET", `/api/jobs/${job.id}/result`);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeTruthy();
    expect(res.json).toMatchObject({
      jobId: job.id,
      revision: 0,
      needsReview: true,
      fieldsNeedingReview: ["totalAmount"],
      fields: { totalAmount: { value: "10.00", origin: "model", page: 2, sourceText: "Total 10.00" } },
      revisions: [],
    });
  });

  it("is a 409 problem for a job that has no result yet, and a 404 for another user's job", async () => {
    const waiting = newUploadJob(alice.userId);
    await jobs.items.create(waiting);
    const early = await alice("GET", `/api/jobs/${waiting.id}/result`);
    expect(early.status).toBe(409);
    expect(early.headers.get("content-type")).toBe("application/problem+json");
    const job = await storeCompleted(alice);
    expect((await bob("GET", `/api/jobs/${job.id}/result`)).status).toBe(404);
  });
});

describe("correcting a result", () => {
  it("stores a new revision with who and when, keeps the model's result, and answers the new etag", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    const res = await patch(alice, job.id, { totalAmount: "12,50", iban: null, dueDate: "2026-04-30" }, etag);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(etag);
    expect(res.json).toMatchObject({
      revision: 1,
      needsReview: false,
      absent: ["iban"],
      fields: {
        totalAmount: {
          value: "12.50",
          origin: "user",
          modelValue: "10.00",
          reviewed: true,
          sourceText: "Total 10.00",
        },
        dueDate: { value: "2026-04-30", origin: "user", reviewed: true },
      },
    });
    expect(res.json.fields.iban).toBeUndefined();
    expect(res.json.revisions).toEqual([
      {
        revision: 1,
        at: expect.any(String),
        by: alice.userId,
        action: "correct",
        changes: { totalAmount: "12.50", iban: null, dueDate: "2026-04-30" },
      },
    ]);
    // The model's result is kept as it was; the job's status did not move.
    const view = await alice("GET", `/api/jobs/${job.id}`);
    expect(view.json.status).toBe("COMPLETED");
    expect(view.json.result).toEqual(modelResult);
    const { resource } = await jobs.item(job.id, alice.userId).read();
    expect((resource as Job).history).toEqual(job.history);
  });

  it("needs If-Match (428) and refuses a stale one (412) without writing", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    const missing = await patch(alice, job.id, { vendorName: "X" });
    expect(missing.status).toBe(428);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const first = await patch(alice, job.id, { vendorName: "ACME AG" }, etag);
    expect(first.status).toBe(200);
    const stale = await patch(alice, job.id, { vendorName: "Someone Else" }, etag);
    expect(stale.status).toBe(412);
    expect(stale.json.type).toBe("https://docsift.dev/problems/precondition-failed");
    expect((await readResult(alice, job.id)).body.fields.vendorName.value).toBe("ACME AG");
  });

  it("answers a retried request whose change is already there with 200, even on the old etag", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    expect((await patch(alice, job.id, { invoiceNumber: "INV-8" }, etag)).status).toBe(200);
    const retried = await patch(alice, job.id, { invoiceNumber: "INV-8" }, etag);
    expect(retried.status).toBe(200);
    expect(retried.json.revision).toBe(1);
  });

  it("lets one of two concurrent writers on the same etag win and answers the other 412", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    const answers = await Promise.all([
      patch(alice, job.id, { vendorName: "First" }, etag),
      patch(alice, job.id, { vendorName: "Second" }, etag),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    expect((await readResult(alice, job.id)).body.revision).toBe(1);
  });

  it("refuses bad values with a problem naming each field, and changes nothing", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    const res = await patch(
      alice,
      job.id,
      {
        invoiceDate: "31/02/2026",
        iban: "DE89370400440532013001",
        totalAmount: "ten euros",
        currency: "EURO",
      },
      etag,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.json.errors).toEqual([
      { field: "fields.invoiceDate", message: expect.stringMatching(/date/) },
      { field: "fields.totalAmount", message: expect.stringMatching(/number/) },
      { field: "fields.currency", message: expect.stringMatching(/currency/) },
      { field: "fields.iban", message: expect.stringMatching(/checksum/) },
    ]);
    for (const [body, status] of [
      [{ fields: { colour: "red" } }, 400],
      [{ fields: {} }, 400],
      [{ values: { vendorName: "x" } }, 400],
    ] as const) {
      const r = await alice("PATCH", `/api/jobs/${job.id}/result`, body, {
        "if-match": etag,
        "content-type": "application/json",
      });
      expect(r.status, JSON.stringify(body)).toBe(status);
    }
    const notJson = await alice("PATCH", `/api/jobs/${job.id}/result`, "vendorName=x", {
      "if-match": etag,
      "content-type": "text/plain",
    });
    expect(notJson.status).toBe(415);
    expect((await readResult(alice, job.id)).etag).toBe(etag);
  });

  it("is only the owner's: another user gets 404 and the job stays as it was", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    expect((await patch(bob, job.id, { vendorName: "Mallory" }, etag)).status).toBe(404);
    expect((await confirm(bob, job.id, {}, etag)).status).toBe(404);
    expect((await readResult(alice, job.id)).etag).toBe(etag);
  });

  it("is refused with 409 for a job that is not COMPLETED", async () => {
    const waiting = newUploadJob(alice.userId);
    await jobs.items.create(waiting);
    const etag = (await alice("GET", `/api/jobs/${waiting.id}`)).headers.get("etag")!;
    const res = await patch(alice, waiting.id, { vendorName: "X" }, etag);
    expect(res.status).toBe(409);
  });
});

describe("confirming a result", () => {
  it("confirms single fields, then the whole result, as revisions; a repeat changes nothing", async () => {
    const job = await storeCompleted(alice);
    let { etag } = await readResult(alice, job.id);
    const field = await confirm(alice, job.id, { fields: ["totalAmount"] }, etag);
    expect(field.status).toBe(200);
    expect(field.json).toMatchObject({ revision: 1, needsReview: false, fieldsNeedingReview: [] });
    expect(field.json.fields.totalAmount).toMatchObject({ value: "10.00", origin: "model", reviewed: true });
    etag = field.headers.get("etag")!;
    const whole = await confirm(alice, job.id, {}, etag);
    expect(whole.status).toBe(200);
    expect(whole.json.confirmed).toEqual({ at: expect.any(String), by: alice.userId, revision: 2 });
    const again = await confirm(alice, job.id, {}, etag);
    expect(again.status).toBe(200);
    expect(again.json.revision).toBe(2);
  });

  it("refuses confirming a field that has no value", async () => {
    const job = await storeCompleted(alice);
    const { etag } = await readResult(alice, job.id);
    const res = await confirm(alice, job.id, { fields: ["dueDate"] }, etag);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ field: "fields.dueDate", message: "has no value to confirm" }]);
  });
});

describe("exporting results", () => {
  it("answers one result as CSV in the export's columns with the reviewed values", async () => {
    const job = await storeCompleted(alice, { fileName: 'a, "quoted".pdf' });
    const { etag } = await readResult(alice, job.id);
    await patch(alice, job.id, { vendorName: "=HYPERLINK(1)", totalAmount: "-3.00" }, etag);
    const res = await alice("GET", `/api/jobs/${job.id}/result?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    const [record] = csvRecords(res.text);
    expect(record).toMatchObject({
      jobId: job.id,
      fileName: 'a, "quoted".pdf',
      // A formula is made text for spreadsheets; a negative amount stays a number.
      vendorName: "'=HYPERLINK(1)",
      totalAmount: "-3.00",
      invoiceNumber: "INV-7",
      revision: "1",
    });
    expect((await alice("GET", `/api/jobs/${job.id}/result?format=xml`)).status).toBe(400);
  });

  it("answers an e-invoice's line items as a second CSV, one row per line, joined to the result by jobId", async () => {
    const part = (value: string, page = 1) => ({ value, confidence: 1, page, sourceText: value });
    const eInvoice = sampleResult({
      source: "e-invoice",
      fields: {
        invoiceNumber: part("RE-2026-00417"),
        currency: part("EUR"),
        totalAmount: part("1480.43"),
      },
      lineItems: [
        {
          description: part("Softwarewartung November 2026"),
          quantity: part("1.0000"),
          unit: part("C62"),
          unitPrice: part("1200.00"),
          amount: part("1200.00"),
          taxRate: part("19.00"),
        },
        // A credited line: its negative amount stays a number, its description that a spreadsheet
        // would run as a formula becomes text, its missing unit price an empty cell.
        { description: part("=Gutschrift", 2), quantity: part("-1", 2), amount: part("-49.00", 2) },
      ],
    });
    const job = await storeCompleted(alice, { result: eInvoice, fileName: "xrechnung.xml" });
    const res = await alice("GET", `/api/jobs/${job.id}/result?format=csv&part=line-items`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="docsift-${job.id}-line-items.csv"`,
    );
    expect(parseCsv(res.text)[0]).toEqual([...LINE_ITEM_EXPORT_COLUMNS]);
    expect(csvRecords(res.text)).toEqual([
      {
        jobId: job.id,
        fileName: "xrechnung.xml",
        line: "1",
        description: "Softwarewartung November 2026",
        quantity: "1.0000",
        unit: "C62",
        unitPrice: "1200.00",
        amount: "1200.00",
        taxRate: "19.00",
        currency: "EUR",
        page: "1",
      },
      {
        jobId: job.id,
        fileName: "xrechnung.xml",
        line: "2",
        description: "'=Gutschrift",
        quantity: "-1",
        unit: "",
        unitPrice: "",
        amount: "-49.00",
        taxRate: "",
        currency: "EUR",
        page: "2",
      },
    ]);
    // The result's own CSV is unchanged: one row, the same jobId to join on.
    expect(csvRecords((await alice("GET", `/api/jobs/${job.id}/result?format=csv`)).text)).toMatchObject([
      { jobId: job.id, invoiceNumber: "RE-2026-00417" },
    ]);

    // A result without line items: the header alone, a valid empty table.
    const plain = await storeCompleted(alice);
    const empty = await alice("GET", `/api/jobs/${plain.id}/result?format=csv&part=line-items`);
    expect(empty.status).toBe(200);
    expect(parseCsv(empty.text)).toEqual([[...LINE_ITEM_EXPORT_COLUMNS]]);
    // Line items are a CSV part only; anything else is refused.
    const asJson = await alice("GET", `/api/jobs/${job.id}/result?part=line-items`);
    expect(asJson.status).toBe(400);
    expect(asJson.headers.get("content-type")).toMatch(/problem\+json/);
    expect((await alice("GET", `/api/jobs/${job.id}/result?format=csv&part=lines`)).status).toBe(400);
  });

  it("streams the user's jobs one row per document, across pages, filtered by date, status and review", async () => {
    const carol = apiClient(host.url, `carol-${randomUUID().slice(0, 8)}`);
    const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));
    const inJanuary: Job[] = [];
    for (let i = 0; i < 105; i++)
      inJanuary.push(await storeCompleted(carol, { at: day(10), fileName: `jan-${i}.pdf` }));
    const clean = await storeCompleted(carol, {
      at: day(20),
      fileName: "clean.pdf",
      result: sampleResult(),
    });
    const early = await storeCompleted(carol, { at: day(2), fileName: "early.pdf" });
    const failed: Job = {
      ...newUploadJob(carol.userId, { at: day(15) }),
      status: "FAILED",
      error: { code: "CORRUPT_DOCUMENT", message: "damaged", permanent: true },
    };
    await jobs.items.create(failed);
    await storeCompleted(bob, { at: day(10) });

    const all = await carol("GET", "/api/exports/jobs");
    expect(all.status).toBe(200);
    expect(all.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(all.headers.get("content-disposition")).toMatch(/attachment/);
    const allRows = csvRecords(all.text);
    expect(allRows).toHaveLength(107);
    expect(new Set(allRows.map((r) => r.jobId)).size).toBe(107);
    expect(allRows.every((r) => r.status === "COMPLETED")).toBe(true);

    const window = csvRecords((await carol("GET", "/api/exports/jobs?from=2026-01-05&to=2026-01-20")).text);
    expect(window.map((r) => r.jobId).sort()).toEqual([...inJanuary.map((j) => j.id), clean.id].sort());
    expect(window.some((r) => r.jobId === early.id)).toBe(false);

    const reviewed = csvRecords((await carol("GET", "/api/exports/jobs?needsReview=false")).text);
    expect(reviewed.map((r) => r.jobId)).toEqual([clean.id]);

    const failures = csvRecords((await carol("GET", "/api/exports/jobs?status=FAILED")).text);
    expect(failures).toEqual([
      expect.objectContaining({ jobId: failed.id, errorCode: "CORRUPT_DOCUMENT", totalAmount: "" }),
    ]);

    for (const bad of ["status=DONE", "from=yesterday", "from=2026-02-01&to=2026-01-01", "colour=red"]) {
      const r = await carol("GET", `/api/exports/jobs?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});

describe("searching the job list", () => {
  it("shows each row's vendor, total and invoice number, and finds jobs by name, vendor or number, status and review", async () => {
    const dave = apiClient(host.url, `dave-${randomUUID().slice(0, 8)}`);
    const at = (m: number) => new Date(Date.UTC(2026, 1, 1, 9, m));
    const acme = await storeCompleted(dave, { at: at(1), fileName: "scan-001.pdf" });
    const globex = await storeCompleted(dave, {
      at: at(2),
      fileName: "march.pdf",
      result: sampleResult({
        fields: {
          vendorName: { value: "Globex Ltd", confidence: 0.99, page: 1, sourceText: "Globex Ltd" },
          invoiceNumber: { value: "G-2041", confidence: 0.99, page: 1, sourceText: "G-2041" },
          totalAmount: { value: "250.00", confidence: 0.99, page: 1, sourceText: "250.00" },
        },
      }),
    });
    const waiting = newUploadJob(dave.userId, { at: at(3) });
    await jobs.items.create(waiting);

    const plain = await dave("GET", "/api/jobs");
    const row = plain.json.items.find((i: { id: string }) => i.id === acme.id);
    expect(row.review).toEqual({
      needsReview: true,
      fieldsNeedingReview: 1,
      confirmed: false,
      revision: 0,
      vendorName: "ACME GmbH",
      invoiceNumber: "INV-7",
      totalAmount: "10.00",
    });
    expect(plain.json.items.find((i: { id: string }) => i.id === waiting.id).review).toBeUndefined();

    const ids = async (query: string) => {
      const res = await dave("GET", `/api/jobs?${query}`);
      expect(res.status, query).toBe(200);
      return res.json.items.map((i: { id: string }) => i.id);
    };
    expect(await ids("q=globex")).toEqual([globex.id]);
    expect(await ids("q=g-2041")).toEqual([globex.id]);
    expect(await ids("q=SCAN-0")).toEqual([acme.id]);
    expect(await ids("needsReview=true")).toEqual([acme.id]);
    expect(await ids("status=AWAITING_UPLOAD")).toEqual([waiting.id]);
    expect(await ids("status=COMPLETED&sort=total")).toEqual([globex.id, acme.id]);
    expect(await ids("sort=oldest")).toEqual([acme.id, globex.id, waiting.id]);

    // A correction is what the search sees: the vendor is found by its corrected name.
    const { etag } = await readResult(dave, acme.id);
    await patch(dave, acme.id, { vendorName: "Initech" }, etag);
    expect(await ids("q=initech")).toEqual([acme.id]);
    expect(await ids("q=acme")).toEqual([]);

    const first = await dave("GET", "/api/jobs?sort=oldest&limit=2");
    expect(first.json.items).toHaveLength(2);
    const second = await dave(
      "GET",
      `/api/jobs?sort=oldest&limit=2&continuationToken=${first.json.continuationToken}`,
    );
    expect(second.json.items.map((i: { id: string }) => i.id)).toEqual([waiting.id]);
    expect(second.json.continuationToken).toBeUndefined();

    for (const bad of ["sort=price", "needsReview=maybe", "status=DONE", "continuationToken=nope&q=x"])
      expect((await dave("GET", `/api/jobs?${bad}`)).status, bad).toBe(400);
  });
});
