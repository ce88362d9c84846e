import { createHash } from "node:crypto";
import {
  DeletePushSubscriptionQuerySchema,
  ProblemError,
  PushSubscriptionRequestSchema,
  problem,
} from "@docsift/core";
import type { PushPublicKeyResponse, PushSubscriptionRecord, PushSubscriptionView } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { callerOf } from "../lib/identity.js";
import { readJson, readQuery } from "../lib/json-body.js";
import type { HttpHandler } from "../lib/problem-response.js";

/** One record per browser: the id is a digest of the endpoint (which is itself a secret URL). */
export const pushSubscriptionId = (endpoint: string): string =>
  createHash("sha256").update(endpoint).digest("base64url");

const view = (r: PushSubscriptionRecord): PushSubscriptionView => ({
  id: r.id,
  endpoint: r.endpoint,
  createdAt: r.createdAt,
  ...(r.expirationTime !== undefined ? { expirationTime: r.expirationTime } : {}),
});

/** The VAPID public key the browser subscribes with; `enabled: false` when Web Push is not configured. */
export const pushPublicKeyHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    callerOf(request, deps.config.auth);
    const body: PushPublicKeyResponse = deps.webPush
      ? { enabled: true, publicKey: deps.webPush.publicKey }
      : { enabled: false };
    return { status: 200, jsonBody: body, headers: { "cache-control": "no-store" } };
  };

const requireWebPush = (deps: FunctionDeps): void => {
  if (!deps.webPush)
    throw new ProblemError(problem("not-found", { detail: "Web Push is not configured on this server." }));
};

export const savePushSubscriptionHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    requireWebPush(deps);
    const body = await readJson(request, PushSubscriptionRequestSchema, deps.config.maxJsonBodyBytes);
    // The Function App will POST to this URL: only to the browsers' push services (or a host
    // the operator allows), never wherever a client points it.
    const host = new URL(body.endpoint).hostname.toLowerCase();
    const allowed = deps.config.webPush?.allowedHosts ?? [];
    if (!allowed.some((h) => host === h || host.endsWith(`.${h}`)))
      throw new ProblemError(
        problem("validation-failed", {
          detail: `Push endpoints must belong to a browser push service (${allowed.join(", ")}).`,
          errors: [{ field: "endpoint", message: "not a known push service" }],
        }),
      );
    const userAgent = request.headers.get("user-agent")?.slice(0, 512);
    const saved = await deps.pushSubscriptions.save({
      id: pushSubscriptionId(body.endpoint),
      userId: caller.userId,
      endpoint: body.endpoint,
      ...(body.expirationTime !== undefined ? { expirationTime: body.expirationTime } : {}),
      keys: body.keys,
      createdAt: deps.clock.now().toISOString(),
      ...(userAgent ? { userAgent } : {}),
    });
    return {
      status: 201,
      jsonBody: view(saved),
      headers: { location: `/api/push/subscriptions/${saved.id}` },
    };
  };

export const listPushSubscriptionsHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const items = await deps.pushSubscriptions.listByUser(caller.userId);
    return { status: 200, jsonBody: { items: items.map(view) }, headers: { "cache-control": "no-store" } };
  };

/** DELETE ?endpoint=…: the browser knows its endpoint, not our id; only the caller's own record can match. */
export const deletePushSubscriptionHandler =
  (deps: FunctionDeps): HttpHandler =>
  async (request) => {
    const caller = callerOf(request, deps.config.auth);
    const { endpoint } = readQuery(request, DeletePushSubscriptionQuerySchema);
    await deps.pushSubscriptions.remove(caller.userId, pushSubscriptionId(endpoint));
    return { status: 204 };
  };
