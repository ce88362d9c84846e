import { performance } from "node:perf_hooks";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { startWebPubSubEmulator } from "@docsift/local";
import { percentile, type BenchReport, isMain, runStandalone } from "./report.js";

const ROUND_TRIPS = 1_000;
const WARMUP = 50;
const HUB = "bench";
const TIMEOUT_MS = 5_000;

/**
 * Push latency through the local Web PubSub emulator as the app produces it: one REST
 * `sendToUser` (what the push function does per job event) until the reliable-protocol client
 * of that user has the message. Sequential, so the figures are per-message latency, not
 * pipelined throughput.
 */
export async function run(): Promise<BenchReport> {
  const emulator = await startWebPubSubEmulator({ accessKey: "bench-access-key" });
  const service = new WebPubSubServiceClient(emulator.connectionString, HUB, {
    allowInsecureConnection: true,
  });
  const client = new WebPubSubClient(
    { getClientAccessUrl: async () => (await service.getClientAccessToken({ userId: "u1" })).url },
    // The SDK's keep-alive loops sleep up to 40 s without being abortable, which would hold the
    // process open long after stop(); a seconds-long run needs no keep-alive.
    { keepAliveIntervalInMs: 0, keepAliveTimeoutInMs: 0 },
  );
  let waiting: { seq: number; resolve: () => void } | undefined;
  client.on("server-message", (e) => {
    const data = e.message.data as { seq?: number };
    if (waiting && data.seq === waiting.seq) waiting.resolve();
  });
  try {
    await client.start();
    const roundTrip = async (seq: number): Promise<number> => {
      const started = performance.now();
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`message ${seq} not received in ${TIMEOUT_MS} ms`)),
          TIMEOUT_MS,
        );
        waiting = {
          seq,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
      await service.sendToUser("u1", { seq, jobId: `job-${seq}`, status: "COMPLETED" });
      await arrived;
      return performance.now() - started;
    };

    for (let i = 0; i < WARMUP; i++) await roundTrip(-1 - i);
    const samples: number[] = [];
    const began = performance.now();
    for (let i = 0; i < ROUND_TRIPS; i++) samples.push(await roundTrip(i));
    const elapsedMs = performance.now() - began;

    return {
      name: "webpubsub-emulator sendToUser round trip",
      metrics: {
        roundTrips: ROUND_TRIPS,
        msgPerSec: Math.round((ROUND_TRIPS / elapsedMs) * 1000),
        p50Ms: round(percentile(samples, 50)),
        p99Ms: round(percentile(samples, 99)),
        maxMs: round(Math.max(...samples)),
      },
      notes: [
        "REST sendToUser (HS256 bearer, http) → emulator → ws json.reliable client, sequential, one client",
        `${WARMUP} warm-up round trips not counted`,
      ],
    };
  } finally {
    client.stop();
    await emulator.stop();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

if (isMain(import.meta.url)) runStandalone(run);
