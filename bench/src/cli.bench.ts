// `docsift extract` as a user runs it: a new process per command. Cold start of a one-page PDF
// (wall time, peak RSS), `--help` (the CLI's own start-up), and 20 one-page PDFs in one run
// against one run per file. Run: npx tsx bench/src/cli.bench.ts
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDocument, renderPdf } from "@docsift/model/synthetic";
import { percentile, type BenchReport, isMain, runStandalone } from "./report.js";

const DOCSIFT = fileURLToPath(new URL("../../cli/bin/docsift.js", import.meta.url));
const RUNS = 7;

/** Wall time of one `node docsift.js …` and its peak RSS (from GNU time when installed). */
async function timed(args: string[]): Promise<{ ms: number; peakRssMb: number | undefined }> {
  const useTime = await hasGnuTime;
  // As a user's shell starts it: without the loader this benchmark may run under (tsx).
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const started = performance.now();
  const child = useTime
    ? spawn("/usr/bin/time", ["-f", "%M", process.execPath, DOCSIFT, ...args], {
        stdio: ["ignore", "ignore", "pipe"],
      })
    : spawn(process.execPath, [DOCSIFT, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`docsift ${args.join(" ")} exited ${code}: ${stderr.slice(-500)}`);
  const kb = useTime ? Number(stderr.trim().split("\n").pop()) : Number.NaN;
  return { ms, peakRssMb: Number.isFinite(kb) ? kb / 1024 : undefined };
}

const hasGnuTime = new Promise<boolean>((resolve) => {
  const probe = spawn("/usr/bin/time", ["-f", "%M", "true"], { stdio: "ignore" });
  probe.on("error", () => resolve(false));
  probe.on("close", (code) => resolve(code === 0));
});

const round = (x: number): number => Math.round(x * 10) / 10;

export async function run(): Promise<BenchReport> {
  const metrics: Record<string, number> = {};
  const notes: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), "docsift-cli-bench-"));
  try {
    const files: string[] = [];
    for (let i = 0; i < 20; i++) {
      const doc = generateDocument(950_000 + i, { docType: "invoice", split: "heldout" });
      if (doc.pages.length !== 1) continue;
      const file = join(dir, `${doc.seed}.pdf`);
      await renderPdf(doc, file);
      files.push(file);
    }
    const help: number[] = [];
    const one: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      help.push((await timed(["--help"])).ms);
      const r = await timed(["extract", files[i % files.length]!, "--json"]);
      one.push(r.ms);
      if (r.peakRssMb !== undefined) rss.push(r.peakRssMb);
    }
    metrics.helpMsP50 = round(percentile(help, 50));
    metrics.extractOnePagePdfColdMsP50 = round(percentile(one, 50));
    metrics.extractOnePagePdfColdMsMin = round(Math.min(...one));
    metrics.extractOnePagePdfColdMsMax = round(Math.max(...one));
    if (rss.length) metrics.extractOnePagePdfPeakRssMbP50 = round(percentile(rss, 50));
    else notes.push("peak RSS not measured: GNU time (/usr/bin/time) is not installed");

    const batch = await timed(["extract", "--json", ...files]);
    metrics.extractBatchFiles = files.length;
    metrics.extractBatchMsPerFile = round(batch.ms / files.length);
    metrics.extractOneRunPerFileMsPerFile = metrics.extractOnePagePdfColdMsP50;
    notes.push(`${RUNS} cold runs each; the batch is one process for ${files.length} one-page PDFs`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { name: "cli", metrics, notes };
}

if (isMain(import.meta.url)) runStandalone(run);
