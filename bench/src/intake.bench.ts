import autocannon from "autocannon";
import type { Result } from "autocannon";
import { openLoop } from "./open-loop.js";
import { type BenchReport, isMain, runStandalone } from "./report.js";
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
 * Intake latency against the local functions host: create-job (JSON; grants a SAS and writes one
 * Cosmos document) and status reads. First at a steady 200 req/s (the goal: create p99 ≤ 25 ms)
 * with an open-loop generator, then as fast as 50 and 200 concurrent autocannon clients go.
 * Creates rotate over 1,000 users, as real traffic spreads over partitions: one user owning every
 * job would measure the emulator's cost of a single huge partition.
 */
export async function run(): Promise<BenchReport> {
  const stack = await startBenchStack({ workers: 0 });
  try {
    const url = stack.urls.app!;
    const principals = Array.from({ length: 1000 }, (_, i) => principalHeader(`bench-user-${i}`));
    const headers = { "content-type": "application/json", "x-ms-client-principal": principals[0]! };
    const body = JSON.stringify({
      fileName: "invoice.pdf",
      contentType: "application/pdf",
      sizeBytes: 5_000_000,
    });
    const seed = await fetch(`${url}/api/jobs`, { method: "POST", headers, body });
    const { jobId } = (await seed.json()) as { jobId: string };

    let next = 0;
    const rotating = () => ({ ...headers, "x-ms-client-principal": principals[next++ % principals.length]! });
    const create = {
      url: `${url}/api/jobs`,
      method: "POST" as const,
      headers,
      body,
      setupClient: (client: autocannon.Client) => client.setHeaders(rotating()),
    };
    const status = { url: `${url}/api/jobs/${jobId}`, method: "GET" as const, headers };

    // Warm-up: JIT, connection pools, Cosmos client caches.
    await load({ ...create, connections: 10, duration: 3 });

    const metrics: Record<string, number> = {};
    for (const [prefix, request] of [
      ["createOpenLoop200rps", { url: create.url, method: create.method, body, headers: rotating }],
      ["statusOpenLoop200rps", { url: status.url, method: status.method, headers: () => headers }],
    ] as const) {
      const r = await openLoop({ ...request, ratePerSec: 200, durationMs: DURATION_S * 1000 });
      Object.assign(metrics, {
        [`${prefix}P50Ms`]: r.p50Ms,
        [`${prefix}P99Ms`]: r.p99Ms,
        [`${prefix}MaxMs`]: r.maxMs,
        [`${prefix}Failed`]: r.failed,
      });
    }
    Object.assign(metrics, figures("createC50", await load({ ...create, connections: 50 })));
    Object.assign(metrics, figures("createC200", await load({ ...create, connections: 200 })));
    Object.assign(metrics, figures("statusC50", await load({ ...status, connections: 50 })));
    Object.assign(metrics, figures("statusC200", await load({ ...status, connections: 200 })));
    return {
      name: "intake (local functions host)",
      metrics,
      notes: [
        `${DURATION_S} s per run with autocannon; the host, emulators and load generator share this machine's cores`,
        "C50/C200: autocannon, as fast as 50 / 200 concurrent clients go; creates rotate over 1,000 users",
        "OpenLoop200rps: 200 req/s at steady intervals, each timed from when it was due (own generator, keep-alive)",
      ],
    };
  } finally {
    await stack.stop();
  }
}

if (isMain(import.meta.url)) runStandalone(run);
