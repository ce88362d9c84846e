import {
  DeadLetterListQuerySchema,
  DismissRequestSchema,
  ProblemError,
  ResubmitRequestSchema,
  problem,
  transitionJob,
} from "@docsift/core";
import type { DeadLetterRecord, Versioned } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { dispatchTask } from "../jobs-service.js";
import { unwrapToken, wrapToken } from "../lib/continuation-token.js";
import { callerOf, requireRole } from "../lib/identity.js";
import type { Caller } from "../lib/identity.js";
import { readJson, readQuery } from "../lib/json-body.js";
import type { HttpRequestType } from "../lib/azure-functions.js";
import type { HttpHandler } from "../lib/problem-response.js";

function admin(deps: FunctionDeps, request: HttpRequestType): Caller {
  const caller = callerOf(request, deps.config.auth);
  requireRole(caller, deps.config.auth.adminRole);
  return caller;
}

async function loadRecord(deps: FunctionDeps, id: string | undefined): Promise<Versioned<DeadLetterRecord>> {
  if (!id || id.length > 300)
    throw new ProblemError(problem("validation-failed", { detail: "A dead-letter id is required." }));
  const found = await deps.deadLetters.find(id);
  if (!found) throw new ProblemError(problem("not-found", { detail: "No such dead letter." }));
  return found;
}

export const listDeadLettersHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    admin(deps, request);
    const { continuationToken, ...query } = readQuery(request, DeadLetterListQuerySchema);
    const page = await deps.deadLetters.list({
      ...query,
      ...(continuationToken ? { continuationToken: unwrapToken(continuationToken) } : {}),
    });
    return {
      status: 200,
      jsonBody: {
        items: page.items,
        ...(page.continuationToken ? { continuationToken: wrapToken(page.continuationToken) } : {}),
      },
      headers: { "cache-control": "no-store" },
    };
  };

export const showDeadLetterHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    admin(deps, request);
    const record = await loadRecord(deps, request.params.id);
    return {
      status: 200,
      jsonBody: record.value,
      headers: { etag: record.etag, "cache-control": "no-store" },
    };
  };

/** On-call puts a failed job back on the queue: a new submission, a new task message. */
export const resubmitDeadLetterHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = admin(deps, request);
    const body = await readJson(request, ResubmitRequestSchema, deps.config.maxJsonBodyBytes);
    const record = await loadRecord(deps, request.params.id);
    if (record.value.status === "resubmitted" || record.value.status === "dismissed")
      throw new ProblemError(
        problem("conflict", { detail: `This dead letter was already ${record.value.status}.` }),
      );
    if (record.value.jobId === "unknown")
      throw new ProblemError(
        problem("conflict", {
          detail: "The message did not name a valid job; there is nothing to resubmit. Dismiss it.",
        }),
      );
    const now = deps.clock.now();
    const outcome = await transitionJob(
      { jobs: deps.jobs, events: deps.events },
      record.value.userId,
      record.value.jobId,
      {
        type: "resubmit",
        at: now,
        // The job's history is the user's to read: who acted is kept in the dead-letter record only.
        reason: "resubmitted by on-call",
      },
    );
    const job = await dispatchTask(deps, outcome.job);
    const updated = await deps.deadLetters.replace(
      {
        ...record.value,
        status: "resubmitted",
        actions: [
          ...record.value.actions,
          {
            action: "resubmit",
            by: caller.userId,
            at: now.toISOString(),
            ...(body.note ? { note: body.note } : {}),
          },
        ],
      },
      record.etag,
    );
    return {
      status: 202,
      jsonBody: {
        deadLetter: updated.value,
        job: { id: job.value.id, status: job.value.status, submission: job.value.submissions },
      },
    };
  };

export const dismissDeadLetterHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = admin(deps, request);
    const body = await readJson(request, DismissRequestSchema, deps.config.maxJsonBodyBytes);
    const record = await loadRecord(deps, request.params.id);
    if (record.value.status === "dismissed") return { status: 200, jsonBody: record.value };
    const updated = await deps.deadLetters.replace(
      {
        ...record.value,
        status: "dismissed",
        actions: [
          ...record.value.actions,
          {
            action: "dismiss",
            by: caller.userId,
            at: deps.clock.now().toISOString(),
            ...(body.note ? { note: body.note } : {}),
          },
        ],
      },
      record.etag,
    );
    return { status: 200, jsonBody: updated.value };
  };
