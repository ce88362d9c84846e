import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bench, BenchReport } from "./report.js";

// `npm run bench [-- name ...]`: runs the benchmarks one after another (they share 2 cores, so
// never in parallel), prints each report and writes them all to bench/results/<time>.json.
const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  servicebus: () => import("./servicebus.bench.js"),
  webpubsub: () => import("./webpubsub.bench.js"),
  intake: () => import("./intake.bench.js"),
  extraction: () => import("./extraction.bench.js"),
  model: () => import("./model.bench.js"),
  worker: () => import("./worker.bench.js"),
  pipeline: () => import("./pipeline.bench.js"),
  cli: () => import("./cli.bench.js"),
  capacity: () => import("./capacity.bench.js"),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`,
  );
  process.exit(2);
}

const reports: BenchReport[] = [];
let failed = 0;
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  const started = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  try {
    const { run } = await BENCHES[name]!();
    const report = await run();
    reports.push(report);
    const width = Math.max(...Object.keys(report.metrics).map((k) => k.length));
    for (const [k, v] of Object.entries(report.metrics))
      console.log(`  ${k.padEnd(width)}  ${Number.isInteger(v) ? v : v.toFixed(3)}`);
    for (const note of report.notes ?? []) console.log(`  note: ${note}`);
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed++;
    console.error(`  FAILED: ${err instanceof Error ? err.stack : String(err)}`);
  }
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results");
await mkdir(dir, { recursive: true });
const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
await writeFile(
  file,
  JSON.stringify({ at: new Date().toISOString(), node: process.version, reports }, null, 2),
);
console.log(`\nwrote ${file}`);
process.exit(failed ? 1 : 0);
