import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { acceptedOrigins, audienceMatcher } from "./audience.js";
import { isValidHubName, type Hub, type HubRegistry } from "./hub.js";
import { TokenError, verifyAccessKeyToken } from "./jwt.js";
import type { Payload } from "./protocol.js";
import { isPermission, type ClientSession } from "./session.js";

/** The service refuses messages over 1 MB; so does the emulator, before buffering more. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface RestContext {
  hubs: HubRegistry;
  accessKey: Uint8Array;
  scheme: "http" | "https";
  endpoint: string;
  logger: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Call {
  hub: Hub;
  params: Record<string, string>;
  query: URLSearchParams;
  req: IncomingMessage;
}

/** A bare status, or a status with a JSON body. */
type Reply = number | { status: number; json: unknown };
type Handler = (ctx: RestContext, call: Call) => Promise<Reply> | Reply;

interface Route {
  method: string;
  /** Segments after `/api/hubs/{hub}`; `{name}` captures one segment. */
  pattern: string[];
  handler: Handler;
}

const routes: Route[] = [
  { method: "POST", pattern: [":send"], handler: sendToAll },
  { method: "POST", pattern: [":closeConnections"], handler: closeAll },
  { method: "POST", pattern: [":addToGroups"], handler: notEmulated("Filter-based :addToGroups") },
  { method: "POST", pattern: [":removeFromGroups"], handler: notEmulated("Filter-based :removeFromGroups") },
  {
    method: "POST",
    pattern: [":generateToken"],
    handler: notEmulated(":generateToken (sign tokens with the key)"),
  },
  { method: "HEAD", pattern: ["connections", "{id}"], handler: connectionExists },
  { method: "DELETE", pattern: ["connections", "{id}"], handler: closeConnection },
  { method: "POST", pattern: ["connections", "{id}", ":send"], handler: sendToConnection },
  { method: "DELETE", pattern: ["connections", "{id}", "groups"], handler: removeConnectionFromAllGroups },
  { method: "HEAD", pattern: ["groups", "{group}"], handler: groupExists },
  { method: "POST", pattern: ["groups", "{group}", ":send"], handler: sendToGroup },
  { method: "POST", pattern: ["groups", "{group}", ":closeConnections"], handler: closeGroupConnections },
  { method: "GET", pattern: ["groups", "{group}", "connections"], handler: listGroupConnections },
  { method: "PUT", pattern: ["groups", "{group}", "connections", "{id}"], handler: addConnectionToGroup },
  {
    method: "DELETE",
    pattern: ["groups", "{group}", "connections", "{id}"],
    handler: removeConnectionFromGroup,
  },
  {
    method: "PUT",
    pattern: ["permissions", "{permission}", "connections", "{id}"],
    handler: grantPermission,
  },
  {
    method: "DELETE",
    pattern: ["permissions", "{permission}", "connections", "{id}"],
    handler: revokePermission,
  },
  {
    method: "HEAD",
    pattern: ["permissions", "{permission}", "connections", "{id}"],
    handler: checkPermission,
  },
  { method: "HEAD", pattern: ["users", "{user}"], handler: userExists },
  { method: "POST", pattern: ["users", "{user}", ":send"], handler: sendToUser },
  { method: "POST", pattern: ["users", "{user}", ":closeConnections"], handler: closeUserConnections },
  { method: "DELETE", pattern: ["users", "{user}", "groups"], handler: removeUserFromAllGroups },
  { method: "PUT", pattern: ["users", "{user}", "groups", "{group}"], handler: addUserToGroup },
  { method: "DELETE", pattern: ["users", "{user}", "groups", "{group}"], handler: removeUserFromGroup },
];

/** Serves the data-plane REST API under /api. */
export async function handleRestRequest(
  ctx: RestContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", ctx.endpoint);
  try {
    if (url.pathname === "/api/health") {
      res.writeHead(200).end();
      return;
    }
    const segments = url.pathname.split("/").slice(1).map(decodeSegment);
    if (segments[0] !== "api" || segments[1] !== "hubs" || segments.length < 4) {
      throw new HttpError(404, "NotFound", `No Web PubSub API at ${url.pathname}`);
    }
    await authenticate(ctx, req, url);
    const hubName = segments[2] as string;
    if (!isValidHubName(hubName)) {
      throw new HttpError(
        400,
        "InvalidHubName",
        `Hub name "${hubName}" must start with a letter and use [A-Za-z0-9_]`,
      );
    }
    const { route, params } = matchRoute(req.method ?? "GET", segments.slice(3), url.pathname);
    const reply = await route.handler(ctx, {
      hub: ctx.hubs.get(hubName),
      params,
      query: url.searchParams,
      req,
    });
    const status = typeof reply === "number" ? reply : reply.status;
    ctx.logger.debug({ method: req.method, path: url.pathname, status }, "rest");
    if (typeof reply === "number") res.writeHead(status).end();
    else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(reply.json));
  } catch (err) {
    if (!(err instanceof HttpError)) {
      ctx.logger.error({ err, method: req.method, path: url.pathname }, "rest handler failed");
    }
    const { status, code, message } =
      err instanceof HttpError
        ? err
        : new HttpError(500, "InternalServerError", "The emulator failed to handle the request");
    ctx.logger.debug({ method: req.method, path: url.pathname, status, message }, "rest refused");
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (status === 401) {
      headers["www-authenticate"] =
        `Bearer error="invalid_token", error_description="${message.replace(/["\r\n]/g, "'")}"`;
    }
    req.resume();
    res.writeHead(status, headers).end(req.method === "HEAD" ? undefined : JSON.stringify({ code, message }));
  }
}

async function authenticate(ctx: RestContext, req: IncomingMessage, url: URL): Promise<void> {
  const header = req.headers.authorization;
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const accepts = audienceMatcher(acceptedOrigins(req, ctx.scheme, ctx.endpoint), url.pathname, url.search);
  try {
    await verifyAccessKeyToken(token, ctx.accessKey, accepts, `${ctx.endpoint}${url.pathname}${url.search}`);
  } catch (err) {
    if (err instanceof TokenError) throw new HttpError(401, "Unauthorized", err.message);
    throw err;
  }
}

function matchRoute(
  method: string,
  rest: string[],
  path: string,
): { route: Route; params: Record<string, string> } {
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPattern(route.pattern, rest);
    if (!params) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  if (pathMatched) throw new HttpError(405, "MethodNotAllowed", `${method} is not supported on ${path}`);
  throw new HttpError(404, "NotFound", `No Web PubSub API at ${path}`);
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith("{")) {
      if (actual === "") return undefined;
      params[expected.slice(1, -1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "BadRequest", `Malformed percent-encoding in "${segment}"`);
  }
}

function param(call: Call, name: string): string {
  return call.params[name] as string;
}

function notEmulated(what: string): Handler {
  return () => {
    throw new HttpError(501, "NotImplemented", `${what} is not emulated locally`);
  };
}

// ---- sending -------------------------------------------------------------------------------

async function sendToAll(_ctx: RestContext, call: Call): Promise<number> {
  const payload = await readPayload(call);
  call.hub.deliver(call.hub.sessions(), { from: "server", payload }, excludedOf(call));
  return 202;
}

async function sendToUser(_ctx: RestContext, call: Call): Promise<number> {
  const payload = await readPayload(call);
  call.hub.deliver(call.hub.sessionsOfUser(param(call, "user")), { from: "server", payload });
  return 202;
}

async function sendToGroup(_ctx: RestContext, call: Call): Promise<number> {
  const payload = await readPayload(call);
  call.hub.deliver(call.hub.membersOf(param(call, "group")), { from: "server", payload }, excludedOf(call));
  return 202;
}

async function sendToConnection(_ctx: RestContext, call: Call): Promise<number> {
  const payload = await readPayload(call);
  const session = call.hub.connection(param(call, "id"));
  // Like the service: sending to a connection that has gone is accepted and dropped.
  if (session) call.hub.deliver([session], { from: "server", payload });
  return 202;
}

function excludedOf(call: Call): Set<string> {
  return new Set(call.query.getAll("excluded"));
}

async function readPayload(call: Call): Promise<Payload> {
  // Silently ignoring a filter would send to connections the caller meant to leave out.
  if (call.query.has("filter")) {
    throw new HttpError(400, "BadRequest", "OData `filter` on sends is not emulated locally");
  }
  return payloadOf(call);
}

async function payloadOf(call: Call): Promise<Payload> {
  const mediaType = (call.req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const body = await readBody(call.req);
  switch (mediaType) {
    case "text/plain":
      return { dataType: "text", data: body.toString("utf8") };
    case "application/json":
      try {
        return { dataType: "json", data: JSON.parse(body.toString("utf8")) as unknown };
      } catch {
        throw new HttpError(
          400,
          "BadRequest",
          "Body is not valid JSON though Content-Type is application/json",
        );
      }
    case "application/octet-stream":
      return { dataType: "binary", data: body };
    default:
      throw new HttpError(
        415,
        "UnsupportedMediaType",
        `Content-Type "${mediaType ?? ""}" is not one of text/plain, application/json, application/octet-stream`,
      );
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_MESSAGE_BYTES) throw new HttpError(413, "PayloadTooLarge", "Message exceeds 1 MB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// ---- existence -----------------------------------------------------------------------------

function userExists(_ctx: RestContext, call: Call): number {
  return call.hub.hasUser(param(call, "user")) ? 200 : 404;
}

function connectionExists(_ctx: RestContext, call: Call): number {
  return call.hub.connection(param(call, "id")) ? 200 : 404;
}

function groupExists(_ctx: RestContext, call: Call): number {
  return call.hub.hasGroup(param(call, "group")) ? 200 : 404;
}

// ---- closing -------------------------------------------------------------------------------

// Closing from the server removes the session, so the close code is 1008: the SDK must not try
// to recover a connection that no longer exists (it reconnects with a fresh token instead).
function closeSessions(call: Call, sessions: readonly ClientSession[]): number {
  const excluded = new Set(call.query.getAll("excluded"));
  const reason = call.query.get("reason") ?? "Closed by the server";
  for (const session of sessions) {
    if (!excluded.has(session.connectionId)) call.hub.remove(session, 1008, reason);
  }
  return 204;
}

function closeAll(_ctx: RestContext, call: Call): number {
  return closeSessions(call, call.hub.sessions());
}

function closeConnection(_ctx: RestContext, call: Call): number {
  const session = call.hub.connection(param(call, "id"));
  return closeSessions(call, session ? [session] : []);
}

function closeGroupConnections(_ctx: RestContext, call: Call): number {
  return closeSessions(call, call.hub.membersOf(param(call, "group")));
}

function closeUserConnections(_ctx: RestContext, call: Call): number {
  return closeSessions(call, call.hub.sessionsOfUser(param(call, "user")));
}

// ---- groups --------------------------------------------------------------------------------

function requireConnection(call: Call): ClientSession {
  const id = param(call, "id");
  const session = call.hub.connection(id);
  if (!session) throw new HttpError(404, "NotFound", `Connection "${id}" does not exist`);
  return session;
}

function addConnectionToGroup(_ctx: RestContext, call: Call): number {
  call.hub.join(requireConnection(call), param(call, "group"));
  return 200;
}

function removeConnectionFromGroup(_ctx: RestContext, call: Call): number {
  const session = call.hub.connection(param(call, "id"));
  if (session) call.hub.leave(session, param(call, "group"));
  return 204;
}

function removeConnectionFromAllGroups(_ctx: RestContext, call: Call): number {
  const session = call.hub.connection(param(call, "id"));
  if (session) call.hub.leaveAll(session);
  return 204;
}

function addUserToGroup(_ctx: RestContext, call: Call): number {
  call.hub.addUserToGroup(param(call, "user"), param(call, "group"));
  return 200;
}

function removeUserFromGroup(_ctx: RestContext, call: Call): number {
  call.hub.removeUserFromGroup(param(call, "user"), param(call, "group"));
  return 204;
}

function removeUserFromAllGroups(_ctx: RestContext, call: Call): number {
  call.hub.removeUserFromAllGroups(param(call, "user"));
  return 204;
}

function listGroupConnections(_ctx: RestContext, call: Call): Reply {
  const value = call.hub
    .membersOf(param(call, "group"))
    .map((s) => ({ connectionId: s.connectionId, userId: s.userId }));
  return { status: 200, json: { value } };
}

// ---- permissions ---------------------------------------------------------------------------

function permissionOf(call: Call) {
  const permission = param(call, "permission");
  if (!isPermission(permission)) {
    throw new HttpError(
      400,
      "BadRequest",
      `Permission must be joinLeaveGroup or sendToGroup, not "${permission}"`,
    );
  }
  return { permission, target: call.query.get("targetName") ?? undefined };
}

function grantPermission(_ctx: RestContext, call: Call): number {
  const { permission, target } = permissionOf(call);
  requireConnection(call).grant(permission, target);
  return 200;
}

function revokePermission(_ctx: RestContext, call: Call): number {
  const { permission, target } = permissionOf(call);
  call.hub.connection(param(call, "id"))?.revoke(permission, target);
  return 204;
}

function checkPermission(_ctx: RestContext, call: Call): number {
  const { permission, target } = permissionOf(call);
  return call.hub.connection(param(call, "id"))?.can(permission, target) ? 200 : 404;
}
