import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import pino from "pino";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  WORKER_MAIN,
  setBlobCors,
  startApp,
  startFunctionsHost,
  type LocalFunctionsHost,
  type ManagedChild,
} from "@docsift/local";
import { functionsConfig } from "../../../functions/test/helpers.js";
import { csvRecords } from "../../../functions/test/csv-parse.js";
import { sampleInvoice, ublInvoiceXml } from "../../../extraction/src/testing/e-invoice.js";

// An XRechnung uploaded in a real browser: Chromium ↔ the local functions host serving the built
// PWA ↔ Azurite, Cosmos, Service Bus from the stack's global setup ↔ the real worker process,
// which reads the XML (no model). The job's page shows its further fields and its line items, as
// a table on a desktop and as cards on a phone.

const here = path.dirname(fileURLToPath(import.meta.url));
const pwaRoot = path.resolve(here, "../..");
const artifacts = path.join(pwaRoot, "test-results");
const env = inject("stackEnv");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const userId = `pwa-lines-${randomUUID().slice(0, 8)}`;
const XRECHNUNG_UBL = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";

let host: LocalFunctionsHost;
let worker: ManagedChild;
let browser: Browser;
let dir: string;
let xrechnung: string;

beforeAll(async () => {
  await build({
    configFile: path.join(pwaRoot, "vite.config.ts"),
    root: pwaRoot,
    mode: "production",
    logLevel: "warn",
  });
  await mkdir(artifacts, { recursive: true });
  dir = await mkdtemp(path.join(os.tmpdir(), "docsift-pwa-lines-"));
  // Two lines, at 19 % and 7 % VAT, in units C62 and H87.
  const invoice = sampleInvoice();
  xrechnung = path.join(dir, "xrechnung-re-2026-00417.xml");
  await writeFile(xrechnung, ublInvoiceXml(invoice, { customizationId: XRECHNUNG_UBL }));

  const logger = pino({ level: process.env.TEST_LOG ?? "warn" });
  host = await startFunctionsHost({
    config: functionsConfig(env, { DEV_USER_ID: userId }),
    host: "127.0.0.1",
    port: 0,
    staticRoot: path.join(pwaRoot, "dist"),
    logger,
    timers: false,
  });
  // The stack's global setup runs no app, so it allowed no app origin: allow this one.
  await setBlobCors(env.STORAGE_CONNECTION_STRING!, [host.url]);
  worker = (
    await startApp(
      "worker",
      WORKER_MAIN,
      {
        ...process.env,
        ...env,
        MODEL_SOURCE: "bundled",
        OCR_ENABLED: "false",
        HEALTH_PORT: "0",
        TEMP_DIR: path.join(dir, "worker-tmp"),
        LOG_LEVEL: "info", // "worker ready" is an info line
      },
      "worker ready",
      logger,
    )
  ).child;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    headless: true,
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop(15_000);
  await host?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

/** Each row's cells' texts, row header first. */
const tableRows = (page: Page) =>
  page
    .locator(".line-items-table tbody tr")
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll("th, td")).map((c) => c.textContent!.replace(/\s/g, " ")),
      ),
    );

describe("an e-invoice's line items in the PWA (Chromium)", () => {
  it("uploads an XRechnung and shows its fields, the e-invoice badge and its lines as a table, and as cards on a phone", async () => {
    const context = await browser.newContext({ locale: "de-DE", viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${host.url}/`);
    await page.locator(".user strong").waitFor();
    await page.setInputFiles("#file-input", xrechnung);
    const row = page.locator('#jobs li[data-status="COMPLETED"]', {
      has: page.locator(".file-name", { hasText: "xrechnung-re-2026-00417.xml" }),
    });
    await row.waitFor({ timeout: 120_000 });
    await row.locator("a").click();
    await page.locator(".line-items-table").waitFor({ timeout: 20_000 });

    expect(await page.locator(".summary .source-badge").textContent()).toBe("Read from the e-invoice");
    // The eleven fields first, then the e-invoice's further ones, formatted for the reader's locale.
    const field = (name: string) => page.locator(`.fields tr[data-field="${name}"] .value`);
    expect((await field("totalAmount").textContent())!.replace(/\s/g, " ")).toBe("1.480,43 €");
    expect(await field("vendorAddress").textContent()).toBe("Hafenstraße 12, 20457 Hamburg");
    expect(await page.locator('.fields tr[data-field="vendorTaxId"] th').textContent()).toBe("Vendor tax ID");
    expect(await field("customerTaxId").textContent()).toBe("DE987654321");
    expect(await field("bic").textContent()).toBe("BYLADEM1001");
    expect(await field("paymentTermsDays").textContent()).toBe("30 days");
    expect((await field("amountDue").textContent())!.replace(/\s/g, " ")).toBe("1.480,43 €");
    expect(await field("servicePeriod").textContent()).toBe("01.11.2026 – 30.11.2026");
    expect(await page.locator('.fields tr[data-field="servicePeriod"] data').getAttribute("value")).toBe(
      "2026-11-01/2026-11-30",
    );

    // The table: a caption, column headers and each line's description as its row header.
    const table = page.locator(".line-items-table");
    expect(await table.locator("caption").textContent()).toBe("2 lines, amounts in EUR");
    expect(await table.locator('thead th[scope="col"]').allTextContents()).toEqual([
      "Description",
      "Quantity",
      "Unit",
      "Unit price",
      "Amount",
      "Tax rate",
    ]);
    expect(await table.locator('tbody th[scope="row"]').count()).toBe(2);
    expect(await tableRows(page)).toEqual([
      ["Softwarewartung November 2026", "1", "unit", "1.200,00 €", "1.200,00 €", "19 %"],
      ['Fachbuch "Brot & Steuern"', "2", "piece", "24,50 €", "49,00 €", "7 %"],
    ]);
    // The exact values stay in the page for copying.
    expect(
      await table.locator('tbody tr:nth-child(2) [data-part="unitPrice"] data').getAttribute("value"),
    ).toBe("24.50");
    expect(await table.locator('tbody tr:nth-child(2) [data-part="unit"] data').getAttribute("value")).toBe(
      "H87",
    );
    expect(await page.locator(".line-item-cards").isVisible()).toBe(false);
    await shot(page, "line-items-desktop");

    // The lines as their own CSV: normalised values, not the locale's, for a spreadsheet to read.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".line-items-csv").click(),
    ]);
    const jobId = page.url().split("/").pop()!;
    expect(download.suggestedFilename()).toBe(`docsift-${jobId}-line-items.csv`);
    const lines = csvRecords(await readFile((await download.path())!, "utf8"));
    expect(
      lines.map(({ line, description, quantity, unit, unitPrice, amount, taxRate, currency }) => [
        line,
        description,
        quantity,
        unit,
        unitPrice,
        amount,
        taxRate,
        currency,
      ]),
    ).toEqual([
      ["1", "Softwarewartung November 2026", "1", "C62", "1200.00", "1200.00", "19", "EUR"],
      ["2", 'Fachbuch "Brot & Steuern"', "2", "H87", "24.50", "49.00", "7", "EUR"],
    ]);

    // A phone: the same lines as a list of cards, the table not shown (nor read out).
    await page.setViewportSize(PHONE);
    await expect.poll(() => table.isVisible()).toBe(false);
    const cards = page.locator("ul.line-item-cards > li");
    expect(await cards.count()).toBe(2);
    expect(await cards.first().isVisible()).toBe(true);
    expect(await page.locator("ul.line-item-cards").getAttribute("aria-label")).toBe("Line items, 2 lines");
    const card = (i: number) =>
      cards.nth(i).evaluate((li) => ({
        description: li.querySelector(".line-item-description")!.textContent,
        parts: Array.from(li.querySelectorAll("dt")).map(
          (dt) => `${dt.textContent}: ${dt.nextElementSibling!.textContent!.replace(/\s/g, " ")}`,
        ),
      }));
    expect(await card(0)).toEqual({
      description: "Softwarewartung November 2026",
      parts: ["Quantity: 1", "Unit: unit", "Unit price: 1.200,00 €", "Amount: 1.200,00 €", "Tax rate: 19 %"],
    });
    expect(await card(1)).toEqual({
      description: 'Fachbuch "Brot & Steuern"',
      parts: ["Quantity: 2", "Unit: piece", "Unit price: 24,50 €", "Amount: 49,00 €", "Tax rate: 7 %"],
    });
    // No sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, "line-items-phone");
    await context.close();
  });
});
