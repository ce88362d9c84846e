import {
  ConcurrencyConflictError,
  DocsiftError,
  InvalidContinuationTokenError,
  InvalidTransitionError,
  JobNotFoundError,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  QuotaExceededError,
  problem,
  problemFromZod,
} from "@docsift/core";
import type { Problem } from "@docsift/core";
import { ZodError } from "zod";
import type { HttpRequestType, HttpResponseInit, InvocationContextType } from "./azure-functions.js";

export type HttpHandler = (
  request: HttpRequestType,
  context: InvocationContextType,
) => Promise<HttpResponseInit>;

export function problemResponse(p: Problem, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status: p.status,
    body: JSON.stringify(p),
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
  };
}

/** Maps every failure to problem+json once, at the edge; only the truly unexpected is a 500. */
export function toProblem(err: unknown, instance: string): Problem | undefined {
  if (err instanceof ProblemError) return { ...err.problem, instance };
  if (err instanceof ZodError) return { ...problemFromZod(err), instance };
  if (err instanceof JobNotFoundError) return problem("not-found", { detail: "No such job.", instance });
  if (err instanceof InvalidTransitionError) return problem("conflict", { detail: err.message, instance });
  // A forged or stale continuation token is the client's mistake, not ours.
  if (err instanceof InvalidContinuationTokenError)
    return problem("validation-failed", {
      detail: "The continuation token is not valid.",
      errors: [{ field: "continuationToken", message: "not valid" }],
      instance,
    });
  if (err instanceof ConcurrencyConflictError)
    return problem("conflict", { detail: "The job changed meanwhile; retry.", instance });
  if (err instanceof QuotaExceededError)
    return problem("too-many-requests", { detail: err.message, code: err.code, instance });
  if (err instanceof DocsiftError && err.permanent)
    return problem("document-rejected", { detail: err.message, code: err.code, instance });
  if (err instanceof DocsiftError && err.code === "DEPENDENCY_UNAVAILABLE")
    return problem("dependency-unavailable", { detail: err.message, instance });
  return undefined;
}

export function withProblems(handler: HttpHandler): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (err) {
      const instance = new URL(request.url).pathname;
      const p = toProblem(err, instance);
      if (p)
        return problemResponse(
          p,
          err instanceof QuotaExceededError ? { "retry-after": String(err.retryAfterSeconds) } : {},
        );
      context.error("unhandled error", {
        invocationId: context.invocationId,
        error: err instanceof Error ? err.stack : String(err),
      });
      return problemResponse(
        problem("internal", { detail: `Unexpected error; reference ${context.invocationId}.`, instance }),
      );
    }
  };
}
