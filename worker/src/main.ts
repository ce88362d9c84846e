#!/usr/bin/env node
import { ConfigError, WorkerConfigSchema, parseConfig } from "@docsift/core";
import { createLogger } from "./logger.js";
import { startWorker } from "./worker.js";

/**
 * The worker process: configuration once (every problem named, exit 2), then the worker;
 * SIGTERM or SIGINT drains it (no new messages, jobs in hand finish within DRAIN_GRACE_SECONDS,
 * the rest go back to the queue) and the process exits 0.
 */
let config;
try {
  config = parseConfig("worker", WorkerConfigSchema);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

const log = createLogger(config);
process.on("unhandledRejection", (err) => log.error({ err }, "unhandled promise rejection"));
process.on("uncaughtException", (err) => {
  // State is unknown after this: exit and let the orchestrator restart us. Messages in hand are
  // not lost; their locks expire and they are delivered again.
  log.fatal({ err }, "uncaught exception; exiting");
  process.exit(1);
});

// A dependency that is down while the worker starts (the broker restarting, Cosmos DB or
// Storage unreachable) is waited out with backoff rather than turned into a crash, so a short
// outage during a restart does not use up the orchestrator's (or the local stack's) restart
// budget. startWorker releases what it opened before it throws, so trying again is clean.
const STARTUP_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000];
let startAttempt = 0;
let startupStopped = false;
const stopStartup = () => {
  startupStopped = true;
};
process.once("SIGTERM", stopStartup);
process.once("SIGINT", stopStartup);
const start = () =>
  // KEDA ScaledJob mode (infra-cdktf): each Job's worker exits after its message
  // (WORKER_MAX_JOBS=1), or when none comes (WORKER_IDLE_EXIT_SECONDS).
  startWorker(config, { logger: log, maxJobs: config.maxJobs, idleExitMs: config.idleExitSeconds * 1000 });
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
while (!worker) {
  try {
    worker = await start();
  } catch (err) {
    const delay = STARTUP_RETRY_DELAYS_MS[startAttempt++];
    if (delay === undefined || startupStopped) {
      log.fatal({ err }, "worker failed to start");
      process.exit(1);
    }
    log.warn({ err, retryInMs: delay, attempt: startAttempt }, "worker could not start; trying again");
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (startupStopped) process.exit(0);
  }
}
process.off("SIGTERM", stopStartup);
process.off("SIGINT", stopStartup);

let stopping = false;
const stop = (reason: string) => {
  if (stopping) {
    log.info({ reason }, "already draining");
    return;
  }
  stopping = true;
  log.info({ reason }, "stopping; draining");
  worker!
    .drain(reason)
    .then(async (result) => {
      log.info(result, "drained");
      await worker!.close();
      process.exit(0);
    })
    .catch((err: unknown) => {
      log.error({ err }, "drain failed");
      process.exit(1);
    });
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
void worker.done.then(stop);
