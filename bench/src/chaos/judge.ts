import type { Job } from "@docsift/core";
import { percentile } from "../report.js";

const FINAL = new Set(["COMPLETED", "FAILED"]);

export interface SubmittedJob {
  /** What the checks call it (its file), next to its id. */
  label: string;
  poison: boolean;
  submittedAt: number;
}

export interface ReceivedFinalEvent {
  eventId: string;
  type: string;
  at: number;
}

export interface RunObservations {
  submitted: ReadonlyMap<string, SubmittedJob>;
  /** The jobs as stored once the run drained (or its bound ran out). */
  stored: ReadonlyMap<string, Job>;
  finalEvents: ReadonlyMap<string, readonly ReceivedFinalEvent[]>;
  /** Entries left in the workers' temp folder, with their modification time. */
  tempEntries: readonly { name: string; mtimeMs: number }[];
  killTimes: readonly number[];
  drainBoundMs: number;
}

export interface Verdict {
  jobs: number;
  completed: number;
  failedByCause: Record<string, number>;
  poison: number;
  /** Deliveries of a job's final event beyond its first (same eventId: at-least-once, allowed). */
  duplicateFinalDeliveries: number;
  /** Jobs with more than one distinct final event (different outcomes or transitions). */
  jobsWithSeveralFinalEvents: number;
  /** Jobs the recovery sweep re-dispatched (task presumed lost, lease expired). */
  redispatched: number;
  /** Jobs a worker started more than once (redelivery after a kill or a dropped lock). */
  startedMoreThanOnce: number;
  timeToFinalMedianMs: number;
  timeToFinalMaxMs: number;
  tempLeftByKills: number;
  violations: string[];
}

/** How far before a kill a temp download may have been touched to count as the killed worker's. */
const KILLED_DOWNLOAD_WINDOW_MS = 120_000;

/** What must hold after a chaos run, checked against what the run observed. */
export function judgeRun(run: RunObservations): Verdict {
  const violations: string[] = [];
  const failedByCause: Record<string, number> = {};
  let completed = 0;
  let duplicateFinalDeliveries = 0;
  let jobsWithSeveralFinalEvents = 0;
  let redispatched = 0;
  let startedMoreThanOnce = 0;
  const timeToFinal: number[] = [];
  for (const [jobId, submitted] of run.submitted) {
    const job = run.stored.get(jobId);
    const received = run.finalEvents.get(jobId) ?? [];
    const name = `job ${jobId} (${submitted.label})`;
    if (!job || !FINAL.has(job.status)) {
      violations.push(`${name} stuck in ${job?.status ?? "nowhere"} after ${run.drainBoundMs / 1000} s`);
      continue;
    }
    const finals = job.history.filter((h) => FINAL.has(h.to));
    if (finals.length !== 1)
      violations.push(`${name} reached a final state ${finals.length} times: ${JSON.stringify(job.history)}`);
    // QUEUED again from QUEUED or PROCESSING: the sweep's re-dispatch (a re-submit would come from FAILED).
    if (job.history.some((h) => h.to === "QUEUED" && (h.from === "QUEUED" || h.from === "PROCESSING")))
      redispatched++;
    if (job.history.filter((h) => h.to === "PROCESSING").length > 1) startedMoreThanOnce++;
    if (job.status === "COMPLETED") completed++;
    else {
      const code = job.error?.code ?? "none";
      failedByCause[code] = (failedByCause[code] ?? 0) + 1;
      if (!job.error?.code || !job.error.message) violations.push(`${name} FAILED without a cause`);
    }
    if (submitted.poison && !(job.status === "FAILED" && job.error?.code === "CORRUPT_DOCUMENT"))
      violations.push(`poison ${name} ended ${job.status} ${job.error?.code ?? ""}`.trim());
    if (received.length === 0) {
      violations.push(`${name} ended ${job.status} but no final event arrived`);
      continue;
    }
    const distinct = new Set(received.map((e) => e.eventId));
    if (distinct.size > 1) {
      jobsWithSeveralFinalEvents++;
      violations.push(`${name} had ${distinct.size} distinct final events: ${JSON.stringify(received)}`);
    }
    // The same event again is the at-least-once contract (ADR 0022, functions/src/events/push.ts):
    // clients key on eventId. Counted, not a violation; a second distinct final event is one.
    duplicateFinalDeliveries += received.length - distinct.size;
    const expectedType = job.status === "COMPLETED" ? "job.completed" : "job.failed";
    if (received.some((e) => e.type !== expectedType))
      violations.push(`${name} is ${job.status} but was announced as ${JSON.stringify(received)}`);
    timeToFinal.push(received[0]!.at - submitted.submittedAt);
  }

  // A download a killed worker had open stays until a later start finds it stale (it cannot tell
  // a dead sibling's file from a live one's sooner); anything else is a leak.
  let tempLeftByKills = 0;
  for (const entry of run.tempEntries) {
    const byKill = run.killTimes.some(
      (k) => entry.mtimeMs <= k && k - entry.mtimeMs < KILLED_DOWNLOAD_WINDOW_MS,
    );
    if (byKill) tempLeftByKills++;
    else
      violations.push(
        `temp entry ${entry.name} left behind (modified ${new Date(entry.mtimeMs).toISOString()})`,
      );
  }

  return {
    jobs: run.submitted.size,
    completed,
    failedByCause,
    poison: [...run.submitted.values()].filter((s) => s.poison).length,
    duplicateFinalDeliveries,
    jobsWithSeveralFinalEvents,
    redispatched,
    startedMoreThanOnce,
    timeToFinalMedianMs: percentile(timeToFinal, 50),
    timeToFinalMaxMs: timeToFinal.length ? Math.max(...timeToFinal) : Number.NaN,
    tempLeftByKills,
    violations,
  };
}
