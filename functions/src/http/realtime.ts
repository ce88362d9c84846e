import type { NegotiateResponse } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { callerOf } from "../lib/identity.js";
import type { HttpHandler } from "../lib/problem-response.js";

/** A Web PubSub client URL whose token names the caller: the service delivers only their events. */
export const negotiateHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const { url, expiresAt } = await deps.realtime.clientUrl(
      caller.userId,
      deps.config.webPubSub.tokenTtlMinutes,
    );
    const body: NegotiateResponse = { url, expiresAt: expiresAt.toISOString(), userId: caller.userId };
    return { status: 200, jsonBody: body, headers: { "cache-control": "no-store" } };
  };

export const healthHandler =
  (deps: FunctionDeps): HttpHandler =>
  async () => {
    const checks: Record<string, string> = {};
    await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error("timed out after 5 s")), 5000).unref(),
            ),
          ]);
          checks[name] = "ok";
        } catch (err) {
          // Only the kind of failure: no connection strings or hosts in a public answer.
          checks[name] = `unavailable: ${(err as Error).name}`;
        }
      }),
    );
    const healthy = Object.values(checks).every((v) => v === "ok");
    return {
      status: healthy ? 200 : 503,
      jsonBody: { status: healthy ? "ok" : "degraded", checks },
      headers: { "cache-control": "no-store" },
    };
  };

export const meHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    return {
      status: 200,
      jsonBody: {
        userId: caller.userId,
        name: caller.name ?? caller.userId,
        roles: caller.roles,
        authMode: deps.config.auth.mode,
      },
      headers: { "cache-control": "no-store" },
    };
  };
