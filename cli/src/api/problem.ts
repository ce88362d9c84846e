import { ProblemSchema } from "@docsift/core";
import type { Problem } from "@docsift/core";
import { CliError } from "../errors.js";

/**
 * One line per problem: "title: detail (field: message; ...)". Field errors the detail already
 * spells out word for word (the API's validation details do) are not repeated.
 */
export function renderProblem(p: Pick<Problem, "title" | "detail" | "errors">): string {
  const detail = p.detail?.trim();
  let line = detail ? `${p.title}: ${detail}` : p.title;
  const extra = (p.errors ?? [])
    .map((e) => `${e.field}: ${e.message}`)
    .filter((text) => !detail?.includes(text));
  if (extra.length > 0) line += ` (${extra.join("; ")})`;
  return line;
}

/** What a caller can do about a status the API answered with, beyond the API's own words. */
function hintFor(status: number, path: string, retryAfter: string | undefined): string | undefined {
  if (status === 429)
    return `Try again${retryAfter && /^\d+$/.test(retryAfter) ? ` in ${retryAfter} s` : " later"} (the API's per-user limits; a script submitting many files should wait as long between them).`;
  if (status === 401)
    return "Sign in: pass --token <access token> (or set DOCSIFT_TOKEN; `az account get-access-token --resource <app id uri>` gives one), or --as <userId> against the local stack.";
  if (status === 403 && path.startsWith("/api/ops/"))
    return "The dlq commands need the docsift admin role (docsift.admin): ask for the app role assignment in Entra ID, or pass --role docsift.admin with --as against the local stack.";
  return undefined;
}

/** An HTTP error answer of the API, with its problem document when it sent one. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly method: string,
    readonly path: string,
    bodyText = "",
    /** The Retry-After header of a 429. */
    retryAfter?: string,
  ) {
    const head = problem
      ? renderProblem(problem)
      : `HTTP ${status} from ${method} ${path}${bodyText.trim() ? `: ${bodyText.trim().slice(0, 300)}` : ""}`;
    const hint = hintFor(status, path, retryAfter);
    super(hint ? `${head}\n${hint}` : head, {
      status,
      ...(problem ? { problem } : { body: bodyText.slice(0, 2000) }),
      ...(hint ? { hint } : {}),
    });
    this.name = "ApiError";
  }
}

/** The problem document in an error answer, when the body is one. */
export function parseProblem(contentType: string | null, text: string): Problem | undefined {
  if (!text || !/json/i.test(contentType ?? "")) return undefined;
  try {
    const parsed = ProblemSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
