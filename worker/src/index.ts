export { startWorker } from "./worker.js";
export type { DrainResult, RunningWorker, WorkerDeps } from "./worker.js";
export { WorkerMetrics, JOB_OUTCOMES } from "./metrics.js";
export type { JobOutcome } from "./metrics.js";
export { createLogger } from "./logger.js";
