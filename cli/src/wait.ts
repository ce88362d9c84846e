import { setTimeout as sleep } from "node:timers/promises";
import { JobViewSchema, isTerminal } from "@docsift/core";
import type { JobView } from "@docsift/core";
import type { ApiClient } from "./api/client.js";

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called when the status (or processing stage) changes. */
  onChange?: (job: JobView) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Polls GET /api/jobs/{id} until the job reaches a terminal status (COMPLETED, FAILED, EXPIRED,
 * DELETED) or the time is up, backing off from half a second to five.
 */
export async function waitForJob(
  api: ApiClient,
  jobId: string,
  opts: WaitOptions,
): Promise<{ job: JobView; timedOut: boolean }> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.firstDelayMs ?? 500;
  let seen = "";
  for (;;) {
    const { body: job } = await api.request("GET", `/api/jobs/${jobId}`, { schema: JobViewSchema });
    const state = `${job.status}/${job.progress?.stage ?? ""}/${job.progress?.pagesDone ?? ""}`;
    if (state !== seen) {
      seen = state;
      opts.onChange?.(job);
    }
    if (isTerminal(job.status)) return { job, timedOut: false };
    const left = deadline - Date.now();
    if (left <= 0) return { job, timedOut: true };
    await sleep(Math.min(delay, left), undefined, opts.signal ? { signal: opts.signal } : {});
    delay = Math.min(opts.maxDelayMs ?? 5000, Math.round(delay * 1.5));
  }
}
