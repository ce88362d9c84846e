import http from "node:http";
import { percentile } from "./report.js";

export interface OpenLoopResult {
  sent: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
}

/**
 * Requests at a steady rate regardless of how fast answers come (open loop), each timed from
 * the moment it was due, not from when a free connection sent it: queueing inside the client
 * counts, as it would for real users arriving independently. Complements autocannon, whose
 * per-connection timers align into bursts at fixed rates.
 */
export async function openLoop(options: {
  url: string;
  method: "GET" | "POST";
  /** Called per request, so requests can vary (e.g. the signed-in user). */
  headers: () => Record<string, string>;
  body?: string;
  ratePerSec: number;
  durationMs: number;
}): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(options.url);
  const latencies: number[] = [];
  let failed = 0;
  const statuses = new Map<number, number>();
  const interval = 1000 / options.ratePerSec;
  const total = Math.round((options.durationMs / 1000) * options.ratePerSec);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      new Promise<void>((resolve) => {
        const req = http.request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname + target.search,
            method: options.method,
            headers: options.headers(),
          },
          (res) => {
            res.resume();
            res.on("end", () => {
              if ((res.statusCode ?? 500) >= 400) failed++;
              statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
              latencies.push(performance.now() - due);
              resolve();
            });
          },
        );
        req.on("error", () => {
          failed++;
          resolve();
        });
        req.end(options.body);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    sent: total,
    failed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    statuses: Object.fromEntries(statuses),
  };
}
