import type {
  FieldName,
  JobSort,
  JobStatus,
  ReviewedResult,
  CreateJobRequest,
  CreateJobResponse,
  JobListResponse,
  JobView,
  NegotiateResponse,
  Problem,
  PushPublicKeyResponse,
  PushSubscriptionRequest,
} from "@docsift/core";

/** What the Static Web App's `/.auth/me` answers. */
export interface AuthMeResponse {
  clientPrincipal: {
    userId: string;
    userDetails?: string;
    identityProvider?: string;
    userRoles?: string[];
  } | null;
}

export interface Me {
  userId: string;
  name: string;
  roles: string[];
  authMode: "easyauth" | "dev";
}

/** A failed API call: the server's problem+json when it sent one, or `offline` when nothing came back. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem,
    readonly offline = false,
    /** Seconds the server asked to wait (Retry-After of a 429 or 503), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** The field errors of a validation problem, for showing next to what failed. */
  get fieldErrors(): Array<{ field: string; message: string }> {
    return this.problem?.errors ?? [];
  }
}

const isProblem = (value: unknown): value is Problem =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Problem).type === "string" &&
  typeof (value as Problem).status === "number";

export interface ApiClientOptions {
  /** "" for the same origin (the PWA), or the Function App's URL. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Extra headers on every call (tests and the CLI pass an identity in dev mode). */
  headers?: Record<string, string>;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The job list's search; all unset is the plain newest-first list. */
export interface JobSearch {
  q?: string;
  status?: JobStatus[];
  needsReview?: boolean;
  sort?: JobSort;
}

export function createApiClient(options: ApiClientOptions = {}) {
  const base = options.baseUrl ?? "";
  const doFetch =
    options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    init: Pick<RequestInit, "keepalive"> = {},
  ): Promise<T> {
    return (await send<T>(method, path, body, headers, init)).body;
  }

  /** The body with the version it is (ETag), for a change that names it in If-Match. */
  async function send<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    init: Pick<RequestInit, "keepalive"> = {},
  ): Promise<{ body: T; etag: string }> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          accept: "application/json, application/problem+json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...options.headers,
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        credentials: "same-origin",
        ...init,
      });
    } catch (err) {
      throw new ApiError(`Could not reach the server (${(err as Error).message}).`, 0, undefined, true);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
      if (isProblem(parsed))
        throw new ApiError(
          parsed.detail ?? parsed.title,
          response.status,
          parsed,
          false,
          Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
        );
      // Not our problem+json: a gateway, the offline service worker, or a sign-in redirect.
      throw new ApiError(
        `The server answered ${response.status} ${response.statusText}.`.trim(),
        response.status,
        undefined,
        response.status === 503 && !text,
      );
    }
    return { body: parsed as T, etag: response.headers.get("etag") ?? "" };
  }

  const resultPath = (jobId: string) => `/api/jobs/${encodeURIComponent(jobId)}/result`;

  return {
    me: () => call<Me>("GET", "/api/me"),
    /** The Static Web App's own identity endpoint (not the Function App's). */
    authMe: () => call<AuthMeResponse>("GET", "/.auth/me"),
    /** `idempotencyKey` makes a retried create (after a lost answer) return the same job. */
    createJob: (request: CreateJobRequest, idempotencyKey: string) =>
      call<CreateJobResponse>("POST", "/api/jobs", request, { "idempotency-key": idempotencyKey }),
    submitJob: (jobId: string) =>
      call<{ jobId: string; status: string }>("POST", `/api/jobs/${encodeURIComponent(jobId)}/submit`),
    getJob: (jobId: string) => call<JobView>("GET", `/api/jobs/${encodeURIComponent(jobId)}`),
    listJobs: (query: { limit?: number; continuationToken?: string } & JobSearch = {}) => {
      const params = new URLSearchParams();
      if (query.limit) params.set("limit", String(query.limit));
      if (query.continuationToken) params.set("continuationToken", query.continuationToken);
      if (query.q) params.set("q", query.q);
      if (query.status?.length) params.set("status", query.status.join(","));
      if (query.needsReview !== undefined) params.set("needsReview", String(query.needsReview));
      if (query.sort && query.sort !== "newest") params.set("sort", query.sort);
      const qs = params.toString();
      return call<JobListResponse>("GET", `/api/jobs${qs ? `?${qs}` : ""}`);
    },
    /** `keepalive`: the request outlives the page (a delete sent as the page is closed). */
    deleteJob: (jobId: string, opts: { keepalive?: boolean } = {}) =>
      call<void>("DELETE", `/api/jobs/${encodeURIComponent(jobId)}`, undefined, {}, opts),
    retryJob: (jobId: string) =>
      call<{ jobId: string; status: string }>("POST", `/api/jobs/${encodeURIComponent(jobId)}/retry`),
    getResult: (jobId: string) => send<ReviewedResult>("GET", resultPath(jobId)),
    /** null marks a field as not in the document. */
    correctResult: (jobId: string, fields: Partial<Record<FieldName, string | null>>, etag: string) =>
      send<ReviewedResult>("PATCH", resultPath(jobId), { fields }, { "if-match": etag }),
    /** No fields: the result as a whole. */
    confirmResult: (jobId: string, fields: FieldName[] | undefined, etag: string) =>
      send<ReviewedResult>("POST", `${resultPath(jobId)}/confirm`, fields ? { fields } : {}, {
        "if-match": etag,
      }),
    negotiate: () => call<NegotiateResponse>("POST", "/api/negotiate"),
    pushPublicKey: () => call<PushPublicKeyResponse>("GET", "/api/push/public-key"),
    savePushSubscription: (subscription: PushSubscriptionRequest) =>
      call<unknown>("POST", "/api/push/subscriptions", subscription),
    deletePushSubscription: (endpoint: string) =>
      call<void>("DELETE", `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`),
  };
}
