import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import type { Result } from "autocannon";
import type { BenchReport } from "./report.js";
import { principalHeader, startBenchStack } from "./stack-for-bench.js";

const DURATION_S = 10;

function figures(prefix: string, r: Result): Record<string, number> {
  return {
    [`${prefix}ReqPerSec`]: Math.round(r.requests.average),
    [`${prefix}P50Ms`]: r.latency.p50,
    [`${prefix}P99Ms`]: r.latency.p99,
    [`${prefix}Non2xx`]: r.non2xx + r.errors + r.timeouts,
  };
}

async function load(opts: autocannon.Options): Promise<Result> {
  return autocannon({ duration: DURATION_S, ...opts });
}

/**
 * Intake latency against the local functions host with autocannon: create-job (JSON, which
 * grants a SAS and writes one Cosmos document) and status reads, each at a fixed 200 req/s
 * (the goal: create p99 ≤ 25 ms) and at the most 50 and 200 concurrent clients can drive.
 */
export async function run(): Promise<BenchReport> {
  const stack = await startBenchStack({ workers: 0 });
  try {
    const url = stack.urls.app!;
    const headers = {
      "content-type": "application/json",
      "x-ms-client-principal": principalHeader("bench-user"),
    };
    const body = JSON.stringify({
      fileName: "invoice.pdf",
      contentType: "application/pdf",
      sizeBytes: 5_000_000,
    });
    const seed = await fetch(`${url}/api/jobs`, { method: "POST", headers, body });
    const { jobId } = (await seed.json()) as { jobId: string };

    // Warm-up: JIT, connection pools, Cosmos client caches.
    await load({ url: `${url}/api/jobs`, method: "POST", headers, body, connections: 10, duration: 3 });

    const metrics: Record<string, number> = {};
    const create = { url: `${url}/api/jobs`, method: "POST" as const, headers, body };
    const status = { url: `${url}/api/jobs/${jobId}`, method: "GET" as const, headers };
    Object.assign(
      metrics,
      figures("create200rps", await load({ ...create, connections: 50, overallRate: 200 })),
    );
    Object.assign(metrics, figures("createC50", await load({ ...create, connections: 50 })));
    Object.assign(metrics, figures("createC200", await load({ ...create, connections: 200 })));
    Object.assign(
      metrics,
      figures("status200rps", await load({ ...status, connections: 50, overallRate: 200 })),
    );
    Object.assign(metrics, figures("statusC50", await load({ ...status, connections: 50 })));
    Object.assign(metrics, figures("statusC200", await load({ ...status, connections: 200 })));
    return {
      name: "intake (local functions host)",
      metrics,
      notes: [
        `${DURATION_S} s per run with autocannon; the host, emulators and load generator share this machine's cores`,
        "create200rps/status200rps: fixed 200 req/s from 10 connections; C50/C200: as fast as 50 / 200 clients go",
      ],
    };
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
