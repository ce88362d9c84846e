import { Readable } from "node:stream";
import {
  ConcurrencyConflictError,
  ConfirmResultRequestSchema,
  CorrectResultRequestSchema,
  ExportQuerySchema,
  FIELD_NAMES,
  ProblemError,
  ResultQuerySchema,
  checkFieldValue,
  confirmResult,
  correctResult,
  exportRow,
  lineItemRows,
  problem,
  reviewedResult,
} from "@docsift/core";
import type { ExportQuery, FieldName, Job, ReviewDecision, Versioned } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { loadOwnJob, parseJobId } from "../jobs-service.js";
import type { HttpRequestType } from "../lib/azure-functions.js";
import { csvHeader, csvRow, lineItemsCsv } from "../lib/csv.js";
import { callerOf } from "../lib/identity.js";
import { readJson, readQuery } from "../lib/json-body.js";
import type { HttpHandler } from "../lib/problem-response.js";

const CSV_TYPE = "text/csv; charset=utf-8";

function resultAnswer(job: Versioned<Job>, status = 200) {
  return {
    status,
    jsonBody: reviewedResult(job.value),
    headers: { etag: job.etag, "cache-control": "no-store" },
  };
}

export const getResultHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const query = readQuery(request, ResultQuerySchema);
    const job = await loadOwnJob(deps, caller.userId, parseJobId(request.params.id));
    if (query.format === "json") return resultAnswer(job);
    reviewedResult(job.value); // a job without a result is a 409 in either format
    const lineItems = query.part === "line-items";
    return {
      status: 200,
      body: lineItems ? lineItemsCsv(lineItemRows(job.value)) : csvHeader() + csvRow(exportRow(job.value)),
      headers: {
        "content-type": CSV_TYPE,
        "content-disposition": `attachment; filename="docsift-${job.value.id}${lineItems ? "-line-items" : ""}.csv"`,
        etag: job.etag,
        "cache-control": "no-store",
      },
    };
  };

function ifMatchOf(request: HttpRequestType): string {
  const value = request.headers.get("if-match")?.trim();
  if (!value)
    throw new ProblemError(
      problem("precondition-required", {
        detail: "Send the ETag of the job as read (GET /api/jobs/{id}/result) in If-Match.",
      }),
    );
  return value;
}

/**
 * Read → check If-Match → decide → write with the read etag. A request whose effect the job
 * already shows answers 200 even with a stale etag (a retried request after a lost answer); any
 * other change on a version the caller did not see is a 412.
 */
async function review(
  deps: FunctionDeps,
  request: HttpRequestType,
  decide: (job: Job, by: string) => ReviewDecision,
) {
  const caller = callerOf(request, deps.config.auth);
  const jobId = parseJobId(request.params.id);
  const ifMatch = ifMatchOf(request);
  const job = await loadOwnJob(deps, caller.userId, jobId);
  const decision = decide(job.value, caller.userId);
  if (decision.outcome === "unchanged") return resultAnswer(job);
  const stale = () =>
    new ProblemError(
      problem("precondition-failed", {
        detail: "The result changed since it was read; read it again and repeat the change.",
      }),
    );
  if (job.etag !== ifMatch) throw stale();
  try {
    return resultAnswer(await deps.jobs.replace(decision.job, job.etag));
  } catch (err) {
    if (err instanceof ConcurrencyConflictError) throw stale();
    throw err;
  }
}

export const correctResultHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const body = await readJson(request, CorrectResultRequestSchema, deps.config.maxJsonBodyBytes);
    const changes: Partial<Record<FieldName, string | null>> = {};
    const errors: { field: string; message: string }[] = [];
    for (const field of FIELD_NAMES) {
      const raw = body.fields[field];
      if (raw === undefined) continue;
      if (raw === null) {
        changes[field] = null;
        continue;
      }
      const checked = checkFieldValue(field, raw);
      if (checked.ok) changes[field] = checked.value;
      else errors.push({ field: `fields.${field}`, message: checked.message });
    }
    if (errors.length)
      throw new ProblemError(
        problem("validation-failed", {
          detail: errors.map((e) => `${e.field} ${e.message}`).join("; "),
          errors,
        }),
      );
    return review(deps, request, (job, by) => correctResult(job, { changes, by, at: deps.clock.now() }));
  };

export const confirmResultHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const body = await readJson(request, ConfirmResultRequestSchema, deps.config.maxJsonBodyBytes);
    return review(deps, request, (job, by) =>
      confirmResult(job, { ...(body.fields ? { fields: body.fields } : {}), by, at: deps.clock.now() }),
    );
  };

const PAGE = 100;

function createdWithin(query: ExportQuery) {
  const from = query.from ? new Date(query.from).getTime() : -Infinity;
  // A bare date includes its whole day.
  const to = query.to
    ? new Date(query.to).getTime() + (query.to.length === 10 ? 86_400_000 - 1 : 0)
    : Infinity;
  return { from, to };
}

/**
 * The caller's jobs as CSV, one row per document, written page by page as they are read: memory
 * stays at one page however many jobs a user has. Jobs come newest first, so reading stops at
 * the first one created before `from`.
 */
async function* exportLines(deps: FunctionDeps, userId: string, query: ExportQuery): AsyncGenerator<string> {
  const { from, to } = createdWithin(query);
  yield csvHeader();
  let continuationToken: string | undefined;
  do {
    const page = await deps.jobs.listByUser(userId, {
      limit: PAGE,
      ...(continuationToken ? { continuationToken } : {}),
    });
    let lines = "";
    for (const job of page.items) {
      const created = new Date(job.createdAt).getTime();
      if (created < from) {
        if (lines) yield lines;
        return;
      }
      if (created > to || !query.status.includes(job.status)) continue;
      if (query.needsReview !== undefined) {
        if (job.status !== "COMPLETED" || !job.result) continue;
        if (reviewedResult(job).needsReview !== query.needsReview) continue;
      }
      lines += csvRow(exportRow(job));
    }
    if (lines) yield lines;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

export const exportJobsHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const query = readQuery(request, ExportQuerySchema);
    const { from, to } = createdWithin(query);
    if (from > to)
      throw new ProblemError(
        problem("validation-failed", {
          detail: "from must not be after to.",
          errors: [{ field: "from", message: "is after to" }],
        }),
      );
    const lines = exportLines(deps, caller.userId, query);
    // The first page is read before the answer starts, so a store that is down is still a 503
    // problem and not a 200 cut short.
    const first = await lines.next();
    const second = await lines.next();
    async function* rest() {
      if (!first.done) yield Buffer.from(first.value);
      if (!second.done) yield Buffer.from(second.value);
      else return;
      for await (const chunk of lines) yield Buffer.from(chunk);
    }
    const stamp = deps.clock.now().toISOString().slice(0, 10);
    return {
      status: 200,
      body: Readable.from(rest()),
      headers: {
        "content-type": CSV_TYPE,
        "content-disposition": `attachment; filename="docsift-export-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    };
  };
