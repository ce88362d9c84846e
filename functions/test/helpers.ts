import { FunctionsConfigSchema, parseConfig } from "@docsift/core";
import type { FunctionsConfig } from "@docsift/core";
import { encodePrincipal } from "../src/index.js";

export function functionsConfig(
  stackEnv: Record<string, string>,
  overrides: Record<string, string> = {},
): FunctionsConfig {
  return parseConfig("functions (test)", FunctionsConfigSchema, {
    ...stackEnv,
    AUTH_MODE: "dev",
    LOG_LEVEL: "warn",
    ...overrides,
  });
}

/** A client of the local host speaking as one user, the way Easy Auth would present them. */
export function apiClient(baseUrl: string, userId: string, roles: string[] = []) {
  const principal = encodePrincipal(userId, roles);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { "x-ms-client-principal": principal, ...headers } };
    if (body !== undefined) {
      init.body =
        typeof body === "string" || body instanceof Uint8Array || body instanceof FormData
          ? (body as BodyInit)
          : JSON.stringify(body);
      if (!(body instanceof FormData) && !("content-type" in headers))
        (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // Response bodies are checked field by field in the tests.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, headers: res.headers, json: json as any, text };
  };
  return Object.assign(call, { userId });
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const PDF_BYTES = Buffer.from(
  "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
