import type { FunctionDeps } from "./deps.js";
import type { HttpHandler } from "./lib/problem-response.js";
import { withProblems } from "./lib/problem-response.js";
import type { InvocationContextType } from "./lib/azure-functions.js";
import {
  createJobHandler,
  deleteJobHandler,
  getJobHandler,
  listJobsHandler,
  submitJobHandler,
} from "./http/jobs.js";
import {
  confirmResultHandler,
  correctResultHandler,
  exportJobsHandler,
  getResultHandler,
} from "./http/results.js";
import { retryJobHandler } from "./http/retry-job.js";
import { healthHandler, meHandler, negotiateHandler } from "./http/realtime.js";
import {
  dismissDeadLetterHandler,
  listDeadLettersHandler,
  resubmitDeadLetterHandler,
  showDeadLetterHandler,
} from "./admin/dead-letters.js";
import { pushHandler } from "./events/push.js";
import {
  deletePushSubscriptionHandler,
  listPushSubscriptionsHandler,
  pushPublicKeyHandler,
  savePushSubscriptionHandler,
} from "./http/push-subscriptions.js";
import { deadLetterTriageHandler } from "./events/dead-letter-triage.js";
import { expireUploadsHandler } from "./events/expire-uploads.js";
import { redispatchTasksHandler } from "./events/redispatch-tasks.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD";
export type MessageHandler = (message: unknown, context: InvocationContextType) => Promise<void>;
export type TimerHandler = (timer: unknown, context: InvocationContextType) => Promise<unknown>;

/** Which configured queue a trigger listens to; each host resolves it from the same config. */
export type QueueRef = { queue: "events" | "tasks"; deadLetter: boolean };

export type Registration =
  | {
      kind: "http";
      name: string;
      methods: HttpMethod[];
      route: string;
      handler: (deps: FunctionDeps) => HttpHandler;
    }
  | {
      kind: "serviceBusQueue";
      name: string;
      source: QueueRef;
      handler: (deps: FunctionDeps) => MessageHandler;
    }
  | {
      kind: "timer";
      name: string;
      schedule: string;
      intervalMs: number;
      handler: (deps: FunctionDeps) => TimerHandler;
    };

const http = (
  name: string,
  methods: HttpMethod[],
  route: string,
  handler: (deps: FunctionDeps) => HttpHandler,
): Registration => ({
  kind: "http",
  name,
  methods,
  route,
  // Every HTTP function answers failures as problem+json, in Azure and locally alike.
  handler: (deps) => withProblems(handler(deps)),
});

/**
 * Every function of the app, declared once. The Azure entry (app.ts) registers these with the
 * Functions host; the local host (local/src/functions-host) routes to the same entries, so the
 * two cannot drift. Routes are relative to the `api` prefix of host.json. The on-call routes
 * live under `ops/`: the Functions host reserves routes that begin with `admin`.
 */
export const registrations: Registration[] = [
  http("createJob", ["POST"], "jobs", createJobHandler),
  http("listJobs", ["GET"], "jobs", listJobsHandler),
  http("getJob", ["GET"], "jobs/{id}", getJobHandler),
  http("deleteJob", ["DELETE"], "jobs/{id}", deleteJobHandler),
  http("submitJob", ["POST"], "jobs/{id}/submit", submitJobHandler),
  http("retryJob", ["POST"], "jobs/{id}/retry", retryJobHandler),
  http("getResult", ["GET"], "jobs/{id}/result", getResultHandler),
  http("correctResult", ["PATCH"], "jobs/{id}/result", correctResultHandler),
  http("confirmResult", ["POST"], "jobs/{id}/result/confirm", confirmResultHandler),
  http("exportJobs", ["GET"], "exports/jobs", exportJobsHandler),
  http("negotiate", ["POST"], "negotiate", negotiateHandler),
  http("me", ["GET"], "me", meHandler),
  http("health", ["GET"], "health", healthHandler),
  http("pushPublicKey", ["GET"], "push/public-key", pushPublicKeyHandler),
  http("savePushSubscription", ["POST"], "push/subscriptions", savePushSubscriptionHandler),
  http("listPushSubscriptions", ["GET"], "push/subscriptions", listPushSubscriptionsHandler),
  http("deletePushSubscription", ["DELETE"], "push/subscriptions", deletePushSubscriptionHandler),
  http("listDeadLetters", ["GET"], "ops/dead-letters", listDeadLettersHandler),
  http("showDeadLetter", ["GET"], "ops/dead-letters/{id}", showDeadLetterHandler),
  http("resubmitDeadLetter", ["POST"], "ops/dead-letters/{id}/resubmit", resubmitDeadLetterHandler),
  http("dismissDeadLetter", ["POST"], "ops/dead-letters/{id}/dismiss", dismissDeadLetterHandler),
  {
    kind: "serviceBusQueue",
    name: "pushJobEvents",
    source: { queue: "events", deadLetter: false },
    handler: pushHandler,
  },
  {
    kind: "serviceBusQueue",
    name: "triageDeadLetters",
    source: { queue: "tasks", deadLetter: true },
    handler: deadLetterTriageHandler,
  },
  {
    kind: "timer",
    name: "expireUploads",
    schedule: "0 */5 * * * *",
    intervalMs: 5 * 60_000,
    handler: expireUploadsHandler,
  },
  {
    kind: "timer",
    name: "redispatchTasks",
    schedule: "30 * * * * *",
    intervalMs: 60_000,
    handler: redispatchTasksHandler,
  },
];
