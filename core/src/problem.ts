import { z } from "zod";

/** RFC 9457 problem details, with a stable `type` per failure kind and the fields that failed. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const TYPE_BASE = "https://docsift.dev/problems/";

export const PROBLEM_TYPES = {
  "validation-failed": { status: 400, title: "The request is not valid" },
  "malformed-json": { status: 400, title: "The request body is not valid JSON" },
  "unsupported-media-type": { status: 415, title: "The request content type is not supported" },
  "payload-too-large": { status: 413, title: "The request body is too large" },
  unauthenticated: { status: 401, title: "Sign-in is required" },
  forbidden: { status: 403, title: "You are not allowed to do this" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "The resource changed or is in a state that does not allow this" },
  "precondition-failed": { status: 412, title: "The resource changed since it was read" },
  "precondition-required": { status: 428, title: "This request must name the version it changes (If-Match)" },
  "upload-incomplete": { status: 409, title: "The document has not been uploaded completely" },
  "idempotency-key-reused": {
    status: 422,
    title: "This Idempotency-Key was already used for a different request",
  },
  "document-rejected": { status: 422, title: "The uploaded document was rejected" },
  "too-many-requests": { status: 429, title: "Too many requests; try again later" },
  "dependency-unavailable": { status: 503, title: "A service docsift depends on is unavailable" },
  internal: { status: 500, title: "Unexpected error" },
} as const satisfies Record<string, { status: number; title: string }>;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export function problem(
  kind: ProblemType,
  extra: { detail?: string; instance?: string; code?: string; errors?: Problem["errors"] } = {},
): Problem {
  const { status, title } = PROBLEM_TYPES[kind];
  return { type: `${TYPE_BASE}${kind}`, title, status, ...extra };
}

/** Thrown by handlers and mapped once, at the edge, to an HTTP response. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = "ProblemError";
  }
}

export const problemFromZod = (error: z.ZodError, kind: ProblemType = "validation-failed"): Problem =>
  problem(kind, {
    detail: error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "),
    errors: error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message })),
  });
