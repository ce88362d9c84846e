import pino from "pino";
import type { Logger } from "pino";
import type { WorkerConfig } from "@docsift/core";

/**
 * JSON logs to stdout. Job lines carry `jobId` and `attempt` (child loggers); documents'
 * contents never reach a log call, and the paths below are redacted should a connection string
 * or key ever be attached to a logged object.
 */
export function createLogger(config: Pick<WorkerConfig, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    base: { service: "docsift-worker", pid: process.pid },
    redact: {
      paths: ["*.connectionString", "connectionString", "*.key", "*.accountKey", "*.sharedAccessKey"],
      censor: "[redacted]",
    },
  });
}
