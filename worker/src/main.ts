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

// KEDA ScaledJob mode (infra-cdktf): each Job's worker exits after its message
// (WORKER_MAX_JOBS=1), or when none comes (WORKER_IDLE_EXIT_SECONDS).
const worker = await startWorker(config, {
  logger: log,
  maxJobs: config.maxJobs,
  idleExitMs: config.idleExitSeconds * 1000,
}).catch((err: unknown) => {
  log.fatal({ err }, "worker failed to start");
  process.exit(1);
});

let stopping = false;
const stop = (reason: string) => {
  if (stopping) {
    log.info({ reason }, "already draining");
    return;
  }
  stopping = true;
  log.info({ reason }, "stopping; draining");
  worker
    .drain(reason)
    .then(async (result) => {
      log.info(result, "drained");
      await worker.close();
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
