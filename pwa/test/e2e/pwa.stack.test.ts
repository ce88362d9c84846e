import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import pino from "pino";
import { build } from "vite";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  WORKER_MAIN,
  setBlobCors,
  startApp,
  startFunctionsHost,
  type LocalFunctionsHost,
  type ManagedChild,
} from "@docsift/local";
import { encodePrincipal } from "../../../functions/src/lib/identity.js";
import { functionsConfig } from "../../../functions/test/helpers.js";
import { padPdf, writeFiller, writeInvoicePdf, writeText } from "./documents.js";

// The whole path in a real browser: Chromium ↔ the local functions host serving the built PWA
// on the API's origin ↔ Azurite (direct block upload), Cosmos, Service Bus and the Web PubSub
// emulator from the stack's global setup ↔ the real worker process.

const here = path.dirname(fileURLToPath(import.meta.url));
const pwaRoot = path.resolve(here, "../..");
const artifacts = path.join(pwaRoot, "test-results");
const env = inject("stackEnv");
const MIB = 1024 * 1024;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let host: LocalFunctionsHost;
let worker: ManagedChild;
let context: BrowserContext;
let origin: string;
let dir: string;
let userDataDir: string;
const userId = `pwa-e2e-${randomUUID().slice(0, 8)}`;
const docs: Record<string, string> = {};

beforeAll(async () => {
  await build({
    configFile: path.join(pwaRoot, "vite.config.ts"),
    root: pwaRoot,
    mode: "production",
    logLevel: "warn",
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "docsift-pwa-e2e-"));
  userDataDir = path.join(dir, "chromium-profile");
  await mkdir(artifacts, { recursive: true });

  docs.whilePolling = path.join(dir, "while-polling.pdf");
  await writeInvoicePdf(docs.whilePolling, 11);
  docs.whileHidden = path.join(dir, "while-hidden.pdf");
  await writeInvoicePdf(docs.whileHidden, 12);
  docs.mb20 = path.join(dir, "invoice-20mb.pdf");
  docs.mb100 = path.join(dir, "invoice-100mb.pdf");
  await writeInvoicePdf(path.join(dir, "seed-20.pdf"), 21);
  await writeInvoicePdf(path.join(dir, "seed-100.pdf"), 101);
  await padPdf(path.join(dir, "seed-20.pdf"), docs.mb20, 20 * MIB);
  await padPdf(path.join(dir, "seed-100.pdf"), docs.mb100, 100 * MIB);
  docs.oversize = path.join(dir, "scan-too-big.pdf");
  await writeFiller(docs.oversize, 100 * MIB + 1);
  docs.exe = path.join(dir, "setup.exe");
  await writeText(docs.exe, "MZ not a document");
  docs.corrupt = path.join(dir, "damaged.pdf");
  await writeText(docs.corrupt, "%PDF-1.7\nthis is not really a PDF, its body is garbage\n%%EOF\n");

  const logger = pino({ level: process.env.TEST_LOG ?? "warn" });
  const vapid = webpush.generateVAPIDKeys();
  host = await startFunctionsHost({
    config: functionsConfig(env, {
      DEV_USER_ID: userId,
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:oncall@docsift.dev",
    }),
    host: "127.0.0.1",
    port: 0,
    staticRoot: path.join(pwaRoot, "dist"),
    logger,
    timers: false,
  });
  origin = host.url;
  // The stack's global setup runs no app, so it allowed no app origin: allow this one.
  await setBlobCors(env.STORAGE_CONNECTION_STRING!, [origin]);
  // The real worker, as its own process (the compiled worker/dist, as the stack runs it).
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
        LOG_LEVEL: "info",
      },
      "worker ready",
      logger,
    )
  ).child;

  // Persistent: installability is only reported for a persistent profile.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: DESKTOP,
  });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await worker?.stop(15_000);
  await host?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

async function openApp(page: Page, urlPath = "/"): Promise<void> {
  await page.goto(`${origin}${urlPath}`);
  await page.locator(".user strong").waitFor();
}

async function waitLive(page: Page): Promise<void> {
  await page.locator('.conn[data-state="live"]').waitFor({ timeout: 20_000 });
}

/** The job row of a file name, once the list shows it with `status`. */
async function jobRow(page: Page, fileName: string, status: string, timeout = 120_000) {
  const row = page.locator(`#jobs li[data-status="${status}"]`, {
    has: page.locator(".file-name", { hasText: fileName }),
  });
  await row.first().waitFor({ timeout });
  return row.first();
}

const jobIdOf = async (row: ReturnType<Page["locator"]>) =>
  (await row.locator("a").getAttribute("href"))!.split("/").pop()!;

describe("the docsift PWA in Chromium against the local stack", () => {
  it("refuses wrong types and oversize files with a clear message and no request", async () => {
    const page = await context.newPage();
    await openApp(page);
    // The app's own start-up calls (list, negotiate) are done once it is live.
    await waitLive(page);
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.method() !== "GET") requests.push(`${r.method()} ${r.url()}`);
    });
    await page.setInputFiles("#file-input", [docs.exe!, docs.oversize!]);
    const errors = page.locator("#file-errors li");
    await expect.poll(() => errors.count()).toBe(2);
    expect(await errors.nth(0).textContent()).toBe(
      "setup.exe can't be read by docsift. Choose a PDF, Word (.docx), text (.txt), e-invoice (.xml), PNG, JPEG or TIFF file.",
    );
    expect(await errors.nth(1).textContent()).toBe(
      "scan-too-big.pdf is larger than the 100 MiB limit. Split it or reduce its size.",
    );
    await page.waitForTimeout(500);
    expect(requests).toEqual([]);
    expect(await page.locator(".uploads li").count()).toBe(0);
    await shot(page, "rejected-files-desktop");
    await page.close();
  });

  it("uploads a 20 MB and a 100 MB document with progress, completes them through pushed events and shows the fields", async () => {
    const page = await context.newPage();
    const pushed: string[] = [];
    page.on("websocket", (ws) =>
      ws.on("framereceived", (f) => void (typeof f.payload === "string" && pushed.push(f.payload))),
    );
    const blockPuts: string[] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (r.method() === "PUT" && url.searchParams.get("comp"))
        blockPuts.push(`${url.searchParams.get("comp")}`);
    });
    await openApp(page);
    await waitLive(page);
    // Record every progress value the page shows, per file.
    await page.evaluate(() => {
      const w = window as unknown as { progress: Record<string, number[]> };
      w.progress = {};
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLProgressElement;
          if (el.tagName !== "PROGRESS") continue;
          const name = el.getAttribute("aria-label")!;
          (w.progress[name] ??= []).push(Number(el.getAttribute("value")));
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["value"] });
    });
    const started = Date.now();
    await page.setInputFiles("#file-input", [docs.mb20!, docs.mb100!]);
    await page.locator('.uploads li[data-state="uploading"]').first().waitFor();
    await shot(page, "uploading-desktop");
    await page.locator('.uploads li[data-state="done"]').nth(1).waitFor({ timeout: 180_000 });
    const uploadMs = Date.now() - started;

    const progress = await page.evaluate(
      () => (window as unknown as { progress: Record<string, number[]> }).progress,
    );
    // Real progress: intermediate values, reaching the full size. Progress is drawn once per
    // frame, and on loopback the 3 blocks of 20 MB can finish between two frames (seen in CI:
    // no value between 0 and done), so that upload only has to reach its size; the 13 blocks of
    // 100 MB complete one by one and must show several steps.
    for (const [name, file, minSteps] of [
      ["invoice-20mb.pdf", docs.mb20!, 0],
      ["invoice-100mb.pdf", docs.mb100!, 4],
    ] as const) {
      const size = (await stat(file)).size;
      const values = progress[`Upload of ${name}`] ?? [];
      expect(values.filter((v) => v > 0 && v < size).length, name).toBeGreaterThanOrEqual(minSteps);
      expect(Math.max(...values)).toBe(size);
    }
    // 8 MiB blocks: 3 for 20 MB, 13 for 100 MB, and one block list each.
    expect(blockPuts.filter((c) => c === "block").length).toBe(16);
    expect(blockPuts.filter((c) => c === "blocklist").length).toBe(2);

    const row20 = await jobRow(page, "invoice-20mb.pdf", "COMPLETED", 180_000);
    const row100 = await jobRow(page, "invoice-100mb.pdf", "COMPLETED", 180_000);
    const completedMs = Date.now() - started;
    const id20 = await jobIdOf(row20);
    const id100 = await jobIdOf(row100);
    // The outcome came over the socket (the page was live throughout, so it never polled).
    for (const id of [id20, id100])
      expect(
        pushed.some((p) => p.includes(id) && p.includes("job.completed")),
        id,
      ).toBe(true);
    console.log(`e2e: 120 MiB uploaded in ${uploadMs} ms; both jobs COMPLETED after ${completedMs} ms`);
    await shot(page, "job-list-desktop");

    await row20.locator("a").click();
    await page.locator(".fields tbody tr").first().waitFor({ timeout: 20_000 });
    expect(await page.locator("h1").textContent()).toBe("invoice-20mb.pdf");
    const rows = page.locator(".fields tbody tr");
    expect(await rows.count()).toBeGreaterThan(2);
    for (let i = 0; i < (await rows.count()); i++) {
      const cells = rows.nth(i).locator("td");
      expect(await cells.nth(0).textContent()).not.toBe("");
      expect((await cells.nth(1).textContent())!.trim()).toMatch(/^\d+%$/);
      expect(await cells.nth(2).textContent()).toMatch(/^\d+$/);
      expect((await cells.nth(3).textContent())!.length).toBeGreaterThan(0);
    }
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    // Values the result flags for review carry a "Check" badge with the reason; the others none.
    const job = (await page.evaluate(async (id) => (await fetch(`/api/jobs/${id}`)).json(), id20)) as {
      result: {
        needsReview?: boolean;
        fields: Record<string, { needsReview?: boolean; reviewReasons?: string[] }>;
      };
    };
    for (const [name, field] of Object.entries(job.result.fields)) {
      const badge = page.locator(`tr[data-field="${name}"] .review-badge`);
      expect(await badge.count(), name).toBe(field.needsReview ? 1 : 0);
      if (field.needsReview) expect(await badge.getAttribute("title"), name).not.toBe("");
    }
    expect(await page.locator(".review-note").count()).toBe(job.result.needsReview ? 1 : 0);
    await shot(page, "result-desktop");
    await page.setViewportSize(PHONE);
    await shot(page, "result-phone");
    await page.goto(`${origin}/`);
    await jobRow(page, "invoice-20mb.pdf", "COMPLETED");
    await shot(page, "job-list-phone");
    await page.close();
  });

  it("shows why a job failed and what to do", async () => {
    const page = await context.newPage();
    await openApp(page);
    await page.setInputFiles("#file-input", docs.corrupt!);
    const row = await jobRow(page, "damaged.pdf", "FAILED", 120_000);
    await row.locator("a").click();
    await page.locator(".failure .reason").waitFor();
    expect(await page.locator(".failure h2").textContent()).toBe("Why it failed");
    expect(await page.locator(".failure .advice").textContent()).not.toBe("");
    await shot(page, "failure-desktop");
    await page.setViewportSize(PHONE);
    await shot(page, "failure-phone");
    await page.close();
  });

  it("keeps the status current by polling while the socket is down", async () => {
    const page = await context.newPage();
    // New sockets are refused while `blocked`; the page's open socket is closed from inside the
    // page, as a network drop would end it.
    let blocked = false;
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const open: WebSocket[] = [];
      (window as unknown as { dropSockets: () => void }).dropSockets = () =>
        open.splice(0).forEach((s) => s.close(4000, "test: dropped"));
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          open.push(this);
        }
      };
    });
    await page.routeWebSocket(/\/client\/hubs\//, (ws) =>
      blocked ? ws.close({ code: 1011, reason: "test: socket down" }) : ws.connectToServer(),
    );
    // And no new connection: negotiate fails while the socket is down.
    await page.route("**/api/negotiate", (route) =>
      blocked
        ? route.fulfill({ status: 503, contentType: "application/problem+json", body: "{}" })
        : route.continue(),
    );
    const frames: string[] = [];
    page.on("websocket", (ws) =>
      ws.on("framereceived", (f) => void (typeof f.payload === "string" && frames.push(f.payload))),
    );
    await openApp(page);
    await waitLive(page);
    blocked = true;
    await page.evaluate(() => (window as unknown as { dropSockets: () => void }).dropSockets());
    // The client first tries to recover the same connection (up to 30 s), then reports it lost.
    const dropped = Date.now();
    await page.locator('.conn[data-state="polling"]').waitFor({ timeout: 60_000 });
    console.log(`e2e: socket dropped; polling after ${Date.now() - dropped} ms`);
    await shot(page, "polling-desktop");
    const framesBefore = frames.length;

    await page.setInputFiles("#file-input", docs.whilePolling!);
    const row = await jobRow(page, "while-polling.pdf", "COMPLETED", 120_000);
    const id = await jobIdOf(row);
    expect(frames.slice(framesBefore).some((f) => f.includes(id))).toBe(false);
    expect(await page.locator(".conn").getAttribute("data-state")).toBe("polling");
    await page.close();
  });

  it("is controlled by the service worker and loads the shell and the cached job list offline", async () => {
    const page = await context.newPage();
    await openApp(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 20_000,
    });
    await jobRow(page, "invoice-20mb.pdf", "COMPLETED");
    await context.setOffline(true);
    try {
      await page.reload();
      await page.locator(".brand").waitFor();
      await page.locator("#offline-banner").waitFor({ state: "visible" });
      expect(await page.locator("#offline-banner").textContent()).toContain("You are offline.");
      // The list from the service worker's cache of GET /api/jobs.
      await jobRow(page, "invoice-20mb.pdf", "COMPLETED", 20_000);
      await shot(page, "offline-desktop");
      await page.setViewportSize(PHONE);
      await shot(page, "offline-phone");
    } finally {
      await context.setOffline(false);
    }
    await page.close();
  });

  it("does not show the previous user's cached jobs offline after another user signs in", async () => {
    const page = await context.newPage();
    await openApp(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 20_000,
    });
    const id = await jobIdOf(await jobRow(page, "invoice-20mb.pdf", "COMPLETED"));
    await openApp(page, `/jobs/${id}`);
    await page.locator("h1", { hasText: "invoice-20mb.pdf" }).waitFor();
    const cachedUrls = () =>
      page.evaluate(async () => (await (await caches.open("docsift-api")).keys()).map((r) => r.url));
    expect(await cachedUrls()).toContain(`${origin}/api/jobs/${id}`);
    // Another person signs in on this browser (Easy Auth's header, as the Static Web App sends it).
    const other = `pwa-e2e-other-${randomUUID().slice(0, 8)}`;
    await context.setExtraHTTPHeaders({ "x-ms-client-principal": encodePrincipal(other, [], "Other User") });
    try {
      await openApp(page);
      expect(await page.locator(".user strong").textContent()).toBe("Other User");
      await expect.poll(() => page.locator("#jobs").textContent()).not.toContain("invoice-20mb.pdf");
      await page.locator("#jobs-h").waitFor();
      expect((await cachedUrls()).filter((u) => u.includes(id))).toEqual([]);
      await context.setOffline(true);
      try {
        await page.goto(`${origin}/jobs/${id}`);
        await page.locator("#offline-banner").waitFor({ state: "visible" });
        await page.locator("h1").waitFor();
        await expect.poll(() => page.locator("h1").textContent()).toBe("You are offline.");
        await page.goto(`${origin}/`);
        await page.locator(".user strong", { hasText: "Other User" }).waitFor();
        expect(await page.locator("#jobs").textContent()).not.toContain("invoice-20mb.pdf");
      } finally {
        await context.setOffline(false);
      }
    } finally {
      await context.setExtraHTTPHeaders({});
    }
    await page.close();
  });

  it("has a manifest that parses and no installability errors", async () => {
    const page = await context.newPage();
    await openApp(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp: CDPSession = await context.newCDPSession(page);
    const manifest = (await cdp.send("Page.getAppManifest")) as {
      url: string;
      errors: unknown[];
      data?: string;
    };
    expect(manifest.url).toBe(`${origin}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const data = JSON.parse(manifest.data!) as {
      start_url: string;
      display: string;
      icons: Array<{ sizes: string; purpose?: string }>;
      theme_color: string;
    };
    expect(data).toMatchObject({ start_url: "/", display: "standalone", theme_color: "#0b4f8a" });
    expect(data.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as {
      installabilityErrors: unknown[];
    };
    expect(installabilityErrors).toEqual([]);
    await page.close();
  });

  it("asks for notification permission from a click and notifies on completion while the page is hidden", async () => {
    await context.clearPermissions();
    const page = await context.newPage();
    await openApp(page);
    await waitLive(page);
    const button = page.locator("#notify");
    await button.waitFor({ state: "visible" });
    // The permission the user would grant in the prompt the click opens.
    await context.grantPermissions(["notifications"], { origin });
    await button.click();
    await expect.poll(() => page.locator(".top-right .small").textContent()).toMatch(/^Notifications on/);
    await page.evaluate(() => {
      // Headless Chromium has no hidden tabs: present the page as hidden, as a background tab is.
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await page.setInputFiles("#file-input", docs.whileHidden!);
    const row = await jobRow(page, "while-hidden.pdf", "COMPLETED", 120_000);
    const id = await jobIdOf(row);
    const shown = await expect
      .poll(
        () =>
          page.evaluate(async (tag) => {
            const registration = await navigator.serviceWorker.ready;
            return (await registration.getNotifications({ tag })).map((n) => ({
              title: n.title,
              body: n.body,
              data: n.data as unknown,
            }));
          }, `job-${id}`),
        { timeout: 20_000 },
      )
      .toHaveLength(1);
    void shown;
    const [notification] = await page.evaluate(async (tag) => {
      const registration = await navigator.serviceWorker.ready;
      return (await registration.getNotifications({ tag })).map((n) => ({
        title: n.title,
        body: n.body,
        data: n.data as { url: string },
      }));
    }, `job-${id}`);
    expect(notification).toMatchObject({ title: "Document processed", data: { url: `/jobs/${id}` } });
    expect(notification!.body).toMatch(/^while-hidden\.pdf: invoice, \d+ fields? found$/);
    await page.close();
  });

  it("shows a notification for a Web Push message delivered to the service worker", async () => {
    const page = await context.newPage();
    await openApp(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const registrationId = await new Promise<string>((resolve) => {
      cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        (e: { registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> }) => {
          const r = e.registrations.find((x) => x.scopeURL === `${origin}/` && !x.isDeleted);
          if (r) resolve(r.registrationId);
        },
      );
      void cdp.send("ServiceWorker.enable");
    });
    const jobId = randomUUID();
    const payload = {
      title: "Document processed",
      body: "pushed.pdf: invoice, 5 fields found",
      tag: `job-${jobId}`,
      url: `/jobs/${jobId}`,
      jobId,
      status: "COMPLETED",
    };
    await cdp.send("ServiceWorker.deliverPushMessage", {
      origin: `${origin}/`,
      registrationId,
      data: JSON.stringify(payload),
    });
    await expect
      .poll(
        () =>
          page.evaluate(async (tag) => {
            const registration = await navigator.serviceWorker.ready;
            return (await registration.getNotifications({ tag })).map((n) => ({
              title: n.title,
              body: n.body,
              data: n.data as unknown,
            }));
          }, payload.tag),
        { timeout: 10_000 },
      )
      .toEqual([{ title: payload.title, body: payload.body, data: { url: payload.url } }]);
    await page.close();
  });

  it("on a German phone: a one-row header, no drop hint, values as the locale writes them, and a delete that can be undone", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    try {
      const phone = await browser.newContext({
        locale: "de-DE",
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
      });
      const page = await phone.newPage();
      const deletes: string[] = [];
      page.on("request", (r) => {
        if (r.method() === "DELETE") deletes.push(r.url());
      });
      await openApp(page);
      // The header is one row: the brand and the user's name on the same line, the bar one line high.
      const brand = (await page.locator(".brand").boundingBox())!;
      const user = (await page.locator(".user").boundingBox())!;
      const bar = (await page.locator("#top").boundingBox())!;
      expect(Math.abs(brand.y + brand.height / 2 - (user.y + user.height / 2))).toBeLessThan(8);
      expect(bar.height).toBeLessThan(64);
      expect(await page.locator("#notify").getAttribute("aria-label")).toBeNull();
      expect(await page.locator("#notify").textContent()).toContain("Turn on notifications");
      // Nothing to drop from on a touch screen.
      expect(await page.locator(".drop-title").isVisible()).toBe(false);
      expect(await page.locator("label[for=file-input]").isVisible()).toBe(true);

      const row = await jobRow(page, "invoice-20mb.pdf", "COMPLETED");
      const jobId = await jobIdOf(row);
      await row.locator("a").click();
      await page.locator(".fields tbody tr").first().waitFor({ timeout: 20_000 });
      await shot(page, "result-phone-de");
      const fields = await page.evaluate(async (id) => {
        const job = (await (await fetch(`/api/jobs/${id}`)).json()) as {
          result: { fields: Record<string, { value: string }> };
        };
        return job.result.fields;
      }, jobId);
      const cell = (name: string) => page.locator(`tr[data-field="${name}"] data`);
      const total = fields.totalAmount!.value;
      const currency = fields.currency?.value;
      expect(await cell("totalAmount").getAttribute("value")).toBe(total);
      const expected = new Intl.NumberFormat(
        "de-DE",
        currency ? { style: "currency", currency } : { minimumFractionDigits: 2 },
      ).format(Number(total));
      expect(await cell("totalAmount").textContent()).toBe(expected);
      expect(await cell("totalAmount").textContent()).toMatch(/,\d\d/);
      if (fields.invoiceDate) {
        const [y, m, d] = fields.invoiceDate.value.split("-");
        expect(await cell("invoiceDate").textContent()).toBe(`${d}.${m}.${y}`);
        expect(await cell("invoiceDate").getAttribute("title")).toBe(fields.invoiceDate.value);
      }
      if (fields.iban)
        expect(await cell("iban").textContent()).toBe(fields.iban.value.replace(/(.{4})(?=.)/g, "$1 "));

      // Delete the failed job: the app's own dialog, then an undo before anything is sent.
      await page.goto(`${origin}/`);
      const failed = await jobRow(page, "damaged.pdf", "FAILED");
      const failedId = await jobIdOf(failed);
      await failed.locator("a").click();
      await page.getByRole("button", { name: "Delete job and document" }).click();
      const dialog = page.getByRole("dialog", { name: "Delete “damaged.pdf”?" });
      await dialog.waitFor();
      await shot(page, "delete-dialog-phone");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      await page.getByRole("button", { name: "Delete job and document" }).click();
      await dialog.getByRole("button", { name: "Delete" }).click();
      await page.locator(".toast").getByText("“damaged.pdf” deleted.").waitFor();
      expect(await page.locator("#jobs").textContent()).not.toContain("damaged.pdf");
      await page.locator(".toast").getByRole("button", { name: "Undo" }).click();
      await jobRow(page, "damaged.pdf", "FAILED", 5_000);
      expect(deletes).toEqual([]);
      // Deleted for good: sent once the undo window has passed.
      await page.locator(`#jobs a[href="/jobs/${failedId}"]`).click();
      await page.getByRole("button", { name: "Delete job and document" }).click();
      await dialog.getByRole("button", { name: "Delete" }).click();
      await expect.poll(() => deletes.length, { timeout: 20_000 }).toBe(1);
      expect(deletes[0]).toContain(failedId);
      await expect
        .poll(async () => page.evaluate(async (id) => (await fetch(`/api/jobs/${id}`)).status, failedId))
        .toBe(404);
      expect(await page.locator("#jobs").textContent()).not.toContain("damaged.pdf");
      await phone.close();
    } finally {
      await browser.close();
    }
  });
});
