import { randomUUID } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import pino from "pino";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Container } from "@azure/cosmos";
import { cosmosContainers, createCosmosClient } from "@docsift/adapters";
import { decide } from "@docsift/core";
import type { ErrorCode, Job, JobResult } from "@docsift/core";
import { completedJob, newUploadJob, sampleResult } from "@docsift/core/testing";
import { startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { functionsConfig } from "../../../functions/test/helpers.js";
import { csvRecords } from "../../../functions/test/csv-parse.js";

// Review, correction, search and export in a real browser: Chromium ↔ the local functions host
// serving the built PWA ↔ Cosmos from the stack's global setup. Completed jobs are stored as the
// worker leaves them, so no model runs here.

const here = path.dirname(fileURLToPath(import.meta.url));
const pwaRoot = path.resolve(here, "../..");
const artifacts = path.join(pwaRoot, "test-results");
const env = inject("stackEnv");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const userId = `pwa-review-${randomUUID().slice(0, 8)}`;

let host: LocalFunctionsHost;
let browser: Browser;
let cosmos: ReturnType<typeof createCosmosClient>;
let jobs: Container;
let acme: Job;
let globex: Job;

const needsReview: JobResult = sampleResult({
  needsReview: true,
  fields: {
    invoiceNumber: { value: "INV-7", confidence: 0.97, page: 1, sourceText: "Invoice no. INV-7" },
    vendorName: { value: "ACME GmbH", confidence: 0.95, page: 1, sourceText: "ACME GmbH" },
    totalAmount: {
      value: "10.00",
      confidence: 0.41,
      page: 2,
      sourceText: "Total due 10.00",
      needsReview: true,
      reviewReasons: ["low-confidence"],
    },
    currency: { value: "EUR", confidence: 0.99, page: 2, sourceText: "EUR" },
    iban: {
      value: "DE89370400440532013000",
      confidence: 0.9,
      page: 2,
      sourceText: "IBAN DE89 3704 0044 0532 0130 00",
    },
  },
});

beforeAll(async () => {
  await build({
    configFile: path.join(pwaRoot, "vite.config.ts"),
    root: pwaRoot,
    mode: "production",
    logLevel: "warn",
  });
  await mkdir(artifacts, { recursive: true });
  host = await startFunctionsHost({
    config: functionsConfig(env, { DEV_USER_ID: userId }),
    host: "127.0.0.1",
    port: 0,
    staticRoot: path.join(pwaRoot, "dist"),
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
  const at = (m: number) => new Date(Date.now() - (10 - m) * 60_000);
  acme = completedJob(userId, needsReview, { at: at(1), fileName: "acme-march.pdf" });
  globex = completedJob(
    userId,
    sampleResult({
      fields: {
        vendorName: { value: "Globex Ltd", confidence: 0.99, page: 1, sourceText: "Globex Ltd" },
        invoiceNumber: { value: "G-2041", confidence: 0.99, page: 1, sourceText: "G-2041" },
        totalAmount: { value: "250.00", confidence: 0.99, page: 1, sourceText: "250.00" },
      },
    }),
    { at: at(2), fileName: "scan-0042.pdf" },
  );
  for (const job of [acme, globex, newUploadJob(userId, { at: at(3) })]) await jobs.items.create(job);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    headless: true,
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  cosmos?.dispose();
  await host?.stop();
});

async function openList(page: Page): Promise<void> {
  await page.goto(`${host.url}/`);
  await page.locator(".user strong").waitFor();
  await page.locator(`#jobs li[data-key="${acme.id}"]`).waitFor();
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

const rowIds = (page: Page) =>
  page.locator("#jobs li").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.key));

describe("reviewing results in the PWA (Chromium)", () => {
  it("shows each job's vendor, total and number, a needs-review badge and counter, and searches and filters", async () => {
    const page = await browser.newPage({ locale: "en-US" });
    await openList(page);
    const acmeRow = page.locator(`#jobs li[data-key="${acme.id}"]`);
    await expect.poll(() => acmeRow.locator(".review-badge").isVisible()).toBe(true);
    expect(await acmeRow.locator(".job-key").textContent()).toMatch(/^ACME GmbH · €10\.00 · No\. INV-7$/);
    const globexRow = page.locator(`#jobs li[data-key="${globex.id}"]`);
    expect(await globexRow.locator(".review-badge").isVisible()).toBe(false);
    await expect.poll(() => page.locator("#review-counter").textContent()).toBe("1 needs review");

    await page.locator("#job-search").fill("globex");
    await expect.poll(() => rowIds(page)).toEqual([globex.id]);
    await page.locator("#job-search").fill("INV-7");
    await expect.poll(() => rowIds(page)).toEqual([acme.id]);
    await page.locator("#job-search").fill("");
    await page.locator("#review-filter").check();
    await expect.poll(() => rowIds(page)).toEqual([acme.id]);
    await page.locator("#review-filter").uncheck();
    await page.locator("#job-sort").selectOption("total");
    await page.locator("#status-filter").selectOption("COMPLETED");
    await expect.poll(() => rowIds(page)).toEqual([globex.id, acme.id]);
    await shot(page, "review-search");
    await page.close();
  });

  it("reviews with the keyboard alone: flagged fields first, a bad value refused beside its field, correct, mark absent, confirm", async () => {
    const page = await browser.newPage({ locale: "en-US" });
    await page.goto(`${host.url}/jobs/${acme.id}/review`);
    await page.locator(".review-form").waitFor();
    const fields = await page
      .locator(".review-field")
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.field));
    expect(fields.slice(0, 5)).toEqual(["totalAmount", "invoiceNumber", "vendorName", "currency", "iban"]);
    const total = page.locator('[data-field="totalAmount"]');
    expect(await total.locator(".review-source").textContent()).toBe("Page 2: Total due 10.00");

    // From the heading, Tab reaches the flagged field's input first.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("review-totalAmount");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("ten euros");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => total.locator(".field-error").textContent())
      .toBe("Total must be a number such as 1234.50");
    expect(await total.locator("input").getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("review-totalAmount");
    await shot(page, "review-invalid");

    await page.keyboard.press("Control+A");
    await page.keyboard.type("12.50");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".review-status").textContent()).toBe("Saved.");
    await expect.poll(() => total.locator("input").inputValue()).toBe("12.50");
    expect(await total.locator(".reviewed-badge").isVisible()).toBe(true);
    expect(await total.locator(".review-source").textContent()).toContain("the model read 10.00");

    const iban = page.locator('[data-field="iban"]');
    await iban.locator(".absent-field").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => iban.locator("label").textContent()).toContain("Marked not in document");

    await page.locator(".confirm-all").focus();
    await page.keyboard.press("Space");
    await expect
      .poll(() => page.locator(".review-summary").textContent())
      .toMatch(/^Confirmed by pwa-review-/);
    await shot(page, "review-confirmed");

    const stored = await page.evaluate(async (id) => (await fetch(`/api/jobs/${id}/result`)).json(), acme.id);
    expect(stored.revisions.map((r: { action: string }) => r.action)).toEqual([
      "correct",
      "correct",
      "confirm",
    ]);
    expect(stored.fields.totalAmount.value).toBe("12.50");
    expect(stored.absent).toEqual(["iban"]);

    // The job's page shows the corrected values, the model's reading beside them.
    await page.locator(".back").click();
    const totalRow = page.locator('.fields tr[data-field="totalAmount"]');
    await expect.poll(() => totalRow.locator("data").getAttribute("value")).toBe("12.50");
    expect(await totalRow.locator(".corrected").textContent()).toBe("Corrected (the model read 10.00)");
    expect(await page.locator('.fields tr[data-field="iban"]').count()).toBe(0);
    expect(await page.locator(".review-note").count()).toBe(0);
    await shot(page, "review-detail");

    // The list now shows the corrected total and no review badge; the counter is gone.
    await openList(page);
    const acmeRow = page.locator(`#jobs li[data-key="${acme.id}"]`);
    await expect.poll(() => acmeRow.locator(".job-key").textContent()).toMatch(/€12\.50/);
    expect(await acmeRow.locator(".review-badge").isVisible()).toBe(false);
    await expect.poll(() => page.locator("#review-counter").isVisible()).toBe(false);
    await page.close();
  });

  it("exports the jobs as CSV with the corrected values", async () => {
    const context = await browser.newContext({ acceptDownloads: true, locale: "en-US" });
    const page = await context.newPage();
    await openList(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export").click()]);
    const rows = csvRecords(await readFile((await download.path())!, "utf8"));
    expect(rows.map((r) => r.jobId).sort()).toEqual([acme.id, globex.id].sort());
    expect(rows.find((r) => r.jobId === acme.id)).toMatchObject({
      fileName: "acme-march.pdf",
      vendorName: "ACME GmbH",
      totalAmount: "12.50",
      iban: "",
      confirmed: "true",
    });
    await context.close();
  });

  it("offers Retry for a failure that can pass and not for one that cannot, and retries", async () => {
    const failed = async (code: ErrorCode, permanent: boolean) => {
      const at = new Date();
      let job = newUploadJob(userId, { at });
      job = decide(job, { type: "submit", at }).job;
      job = { ...decide(job, { type: "start", at, attempt: 1 }).job, dispatched: 1 };
      job = decide(job, { type: "fail", at, error: { code, message: "failed", permanent } }).job;
      await jobs.items.create(job);
      return job;
    };
    const passing = await failed("DEPENDENCY_UNAVAILABLE", false);
    const corrupt = await failed("CORRUPT_DOCUMENT", true);
    const page = await browser.newPage({ locale: "en-US" });
    await page.goto(`${host.url}/jobs/${corrupt.id}`);
    await page.locator(".failure .advice").waitFor();
    expect(await page.locator(".retry-job").count()).toBe(0);

    await page.goto(`${host.url}/jobs/${passing.id}`);
    await page.locator(".retry-job").waitFor();
    await page.locator(".retry-job").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".detail").getAttribute("data-status")).toBe("QUEUED");
    expect(await page.locator(".retry-job").count()).toBe(0);
    await page.close();
  });
});
