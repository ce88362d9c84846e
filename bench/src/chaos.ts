import { parseArgs } from "node:util";
import { formatChaosReport, runChaos } from "./chaos/run-chaos.js";

// `npm run chaos [-- --jobs N] [-- --short] [-- --workers N]`: the local stack under faults (see
// runChaos); prints the summary and exits 1 on any violation of what must hold after a run.
const { values } = parseArgs({
  options: {
    jobs: { type: "string" },
    short: { type: "boolean", default: false },
    workers: { type: "string", default: "2" },
  },
});
const short = values.short ?? false;
const jobs = Number(values.jobs ?? (short ? 30 : 120));
const workers = Number(values.workers);
if (!Number.isInteger(jobs) || jobs < 1 || !Number.isInteger(workers) || workers < 1 || workers > 4) {
  console.error("usage: npm run chaos -- [--jobs N (≥ 1)] [--short] [--workers 1-4]");
  process.exit(2);
}

const started = Date.now();
console.log(`chaos: ${jobs} jobs, ${workers} workers${short ? ", short schedule" : ""}`);
const report = await runChaos({ jobs, short, workers, log: (line) => console.log(line) });
console.log(formatChaosReport(report));
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exit(report.violations.length ? 1 : 0);
