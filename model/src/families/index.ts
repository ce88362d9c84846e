// Evaluation-only document families laid out by other people's templates and libraries. They are
// never used for training: they measure how the model does on layouts it never saw.
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DocumentType, FieldName } from "@docsift/core";
import { deriveSeed, Prng } from "../generator/prng.js";
import type { Truth } from "../generator/types.js";
import { makeScenario, pickDocType, profileById } from "./data.js";
import { HTML_TEMPLATES, renderHtml, TEMPLATE_PROFILES } from "./html-templates.js";
import { libraryVersion, planNpmDocument } from "./npm-generators.js";

export interface FamilyDocument {
  id: string;
  family: string;
  docType: DocumentType;
  kind: "pdf";
  bytes: Uint8Array;
  truth: Truth;
  locale: string;
  /** The template or library that laid the document out. */
  layout: string;
  /** The exact string printed for each truth field (amounts without their currency). */
  printed: Partial<Record<FieldName, string>>;
}

export const EXTERNAL_FAMILIES: readonly string[] = ["html-templates", "npm-generators"];

/** Bump when a change alters rendered bytes without altering a renderer's input. */
export const FAMILY_RENDERER_VERSION = 1;

export const CHROMIUM_PATH = process.env.DOCSIFT_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const DEFAULT_CACHE = fileURLToPath(new URL("../../.family-cache/", import.meta.url));

interface Planned {
  id: string;
  docType: DocumentType;
  locale: string;
  layout: string;
  truth: Truth;
  printed: Partial<Record<FieldName, string>>;
  /** What determines the bytes: the renderer's full input and version. */
  key: unknown;
  render(): Promise<Uint8Array>;
}

// Each family draws from its own stream, so the same seed gives unrelated documents in each.
const HTML_SALT = 0x48544d4c;
const NPM_SALT = 0x4e504d47;

let chromiumVersion: Promise<string> | undefined;
/** The browser's version string, part of the cache key of Chromium-printed files. */
export function chromiumVersionOf(): Promise<string> {
  chromiumVersion ??= new Promise((resolve, reject) => {
    execFile(CHROMIUM_PATH, ["--version"], { timeout: 20_000 }, (err, stdout) =>
      err ? reject(new Error(`cannot run ${CHROMIUM_PATH}: ${err.message}`)) : resolve(stdout.trim()),
    );
  });
  return chromiumVersion;
}

interface BrowserLike {
  newPage(): Promise<{
    setContent(html: string, opts: { waitUntil: "load" }): Promise<void>;
    pdf(opts: { format: string; printBackground: boolean; preferCSSPageSize: boolean }): Promise<Buffer>;
    close(): Promise<void>;
  }>;
  close(): Promise<void>;
}

type PageLike = Awaited<ReturnType<BrowserLike["newPage"]>>;

/** One browser and one tab for a whole call, opened on the first cache miss. */
class Printer {
  private page: Promise<{ browser: BrowserLike; page: PageLike }> | undefined;

  async pdf(html: string): Promise<Uint8Array> {
    this.page ??= (async () => {
      const { chromium } = await import("playwright-core");
      const browser = (await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
      })) as BrowserLike;
      return { browser, page: await browser.newPage() };
    })();
    const { page } = await this.page;
    await page.setContent(html, { waitUntil: "load" });
    return new Uint8Array(await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true }));
  }

  async close(): Promise<void> {
    if (this.page) await (await this.page).browser.close();
  }
}

async function planHtml(seed: number, n: number, printer: Printer): Promise<Planned> {
  const rng = new Prng(deriveSeed(deriveSeed(seed, HTML_SALT), n));
  const template = rng.pick(HTML_TEMPLATES);
  const profile = profileById(rng.pick(TEMPLATE_PROFILES[template]));
  const docType = pickDocType(rng);
  const scenario = makeScenario(rng, profile, docType);
  const doc = renderHtml(template, scenario, rng);
  const { fields, printed } = doc.printed.result();
  return {
    id: `html-templates/${seed}-${n}`,
    docType,
    locale: profile.id,
    layout: template,
    truth: { documentType: docType, fields },
    printed,
    key: { html: doc.html, chromium: await chromiumVersionOf() },
    render: () => printer.pdf(doc.html),
  };
}

function planNpm(seed: number, n: number): Planned {
  const plan = planNpmDocument(deriveSeed(deriveSeed(seed, NPM_SALT), n));
  const { fields, printed } = plan.printed.result();
  return {
    id: `npm-generators/${seed}-${n}`,
    docType: plan.docType,
    locale: plan.locale,
    layout: libraryVersion(plan.library),
    truth: { documentType: plan.docType, fields },
    printed,
    key: { library: libraryVersion(plan.library), input: plan.input },
    render: plan.render,
  };
}

interface CacheEntry {
  key: string;
  truth: Truth;
}

/**
 * `count` documents of `family`, the same for the same seed. Rendered files are cached under
 * `cacheDir` (default model/.family-cache), keyed by a hash of the renderer's input and version.
 */
export async function generateFamilyDocuments(
  family: string,
  count: number,
  seed: number,
  opts: { cacheDir?: string } = {},
): Promise<FamilyDocument[]> {
  if (!EXTERNAL_FAMILIES.includes(family)) {
    throw new Error(`unknown family ${family}; known: ${EXTERNAL_FAMILIES.join(", ")}`);
  }
  const dir = join(opts.cacheDir ?? DEFAULT_CACHE, family);
  await mkdir(dir, { recursive: true });
  const printer = new Printer();
  const docs: FamilyDocument[] = [];
  try {
    for (let n = 0; n < count; n++) {
      const plan = family === "html-templates" ? await planHtml(seed, n, printer) : planNpm(seed, n);
      const key = createHash("sha256")
        .update(JSON.stringify({ version: FAMILY_RENDERER_VERSION, family, key: plan.key }))
        .digest("hex");
      const base = join(dir, `${seed}-${n}-${key.slice(0, 16)}`);
      let bytes: Uint8Array | undefined;
      try {
        const meta = JSON.parse(await readFile(`${base}.json`, "utf8")) as CacheEntry;
        if (meta.key === key) bytes = new Uint8Array(await readFile(`${base}.pdf`));
      } catch {
        bytes = undefined;
      }
      if (!bytes) {
        bytes = await plan.render();
        // Write to temporary names first so an interrupted run never leaves a half file under the key.
        await writeFile(`${base}.pdf.tmp`, bytes);
        await rename(`${base}.pdf.tmp`, `${base}.pdf`);
        const entry: CacheEntry = { key, truth: plan.truth };
        await writeFile(`${base}.json.tmp`, JSON.stringify(entry, null, 1));
        await rename(`${base}.json.tmp`, `${base}.json`);
      }
      docs.push({
        id: plan.id,
        family,
        docType: plan.docType,
        kind: "pdf",
        bytes,
        truth: plan.truth,
        locale: plan.locale,
        layout: plan.layout,
        printed: plan.printed,
      });
    }
  } finally {
    await printer.close();
  }
  return docs;
}
