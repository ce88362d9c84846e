import type { z } from "zod";
import { CliError } from "../errors.js";
import { ApiError, parseProblem } from "./problem.js";

export interface ApiRequest<S extends z.ZodType | undefined> {
  body?: unknown;
  headers?: Record<string, string>;
  /** Validates the success body; undefined when no body is expected (204). */
  schema: S;
  query?: Record<string, string | number | undefined>;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** Per request: the API answers in milliseconds; a minute means it is not coming. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The docsift HTTP API: JSON in, JSON out, problem+json failures turned into {@link ApiError}. */
export class ApiClient {
  constructor(
    readonly baseUrl: URL,
    private readonly authHeaders: Record<string, string>,
    private readonly signal?: AbortSignal,
  ) {}

  async request<S extends z.ZodType | undefined>(
    method: string,
    path: string,
    req: ApiRequest<S>,
  ): Promise<ApiResponse<S extends z.ZodType ? z.infer<S> : undefined>> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      accept: "application/json",
      ...this.authHeaders,
      ...req.headers,
    };
    const init: RequestInit = { method, headers };
    if (req.body !== undefined) {
      init.body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    init.signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, init);
      text = await res.text();
    } catch (err) {
      if (this.signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = timeout.aborted
        ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? String(err));
      throw new CliError(`Cannot reach the docsift API at ${this.baseUrl.origin}: ${why}`, {
        message: "API unreachable",
        url: url.href,
        cause: why,
      });
    }
    if (!res.ok)
      throw new ApiError(
        res.status,
        parseProblem(res.headers.get("content-type"), text),
        method,
        url.pathname,
        text,
        res.headers.get("retry-after") ?? undefined,
      );
    if (!req.schema) return { status: res.status, body: undefined as never, headers: res.headers };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(`The API answered ${method} ${url.pathname} with something that is not JSON.`);
    }
    const parsed = req.schema.safeParse(json);
    if (!parsed.success)
      throw new CliError(
        `The API's answer to ${method} ${url.pathname} does not match the contract this CLI knows: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
          .join("; ")}`,
      );
    return { status: res.status, body: parsed.data as never, headers: res.headers };
  }

  /**
   * A non-JSON answer (CSV) as a stream of bytes, for copying to a file or stdout without holding
   * it whole. Failures are problems like any other request's. No overall timeout: an export of
   * many jobs may stream for longer than one request is allowed to take.
   */
  async download(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: "text/csv, application/problem+json", ...this.authHeaders },
        ...(this.signal ? { signal: this.signal } : {}),
      });
    } catch (err) {
      if (this.signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? String(err);
      throw new CliError(`Cannot reach the docsift API at ${this.baseUrl.origin}: ${why}`, {
        message: "API unreachable",
        url: url.href,
        cause: why,
      });
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new ApiError(
        res.status,
        parseProblem(res.headers.get("content-type"), text),
        "GET",
        url.pathname,
        text,
      );
    }
    return res.body;
  }
}
