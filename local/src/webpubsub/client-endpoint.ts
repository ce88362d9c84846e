import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { JWTPayload } from "jose";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { acceptedOrigins, audienceMatcher } from "./audience.js";
import { handleClientFrame } from "./client-messages.js";
import { isValidHubName, type Hub, type HubRegistry } from "./hub.js";
import { initialGroupsOf, rolesOf, TokenError, verifyAccessKeyToken } from "./jwt.js";
import { disconnectedJson, modeOfProtocol, type ClientMode } from "./protocol.js";
import { ClientSession } from "./session.js";

export interface ClientEndpointContext {
  hubs: HubRegistry;
  accessKey: Uint8Array;
  scheme: "http" | "https";
  endpoint: string;
  maxUnackedBytes: number;
  logger: Logger;
}

const CLIENT_PATH = /^\/client\/hubs\/([^/]+)\/?$/;
const MAX_FRAME_BYTES = 1024 * 1024;

type Admission =
  | { kind: "new"; hub: Hub; mode: ClientMode; claims: JWTPayload }
  | { kind: "recover"; hub: Hub; session: ClientSession }
  | { kind: "unrecoverable"; reason: string };

class Refusal extends Error {
  constructor(
    readonly status: 400 | 401 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** `GET /client/hubs/{hub}` WebSocket upgrades: authentication, subprotocol choice, recovery. */
export class ClientEndpoint {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // The subprotocol was already chosen while admitting the request; echo the client's choice.
    handleProtocols: (protocols) => [...protocols].find((p) => modeOfProtocol(p) !== undefined) ?? false,
  });

  constructor(private readonly ctx: ClientEndpointContext) {}

  matches(req: IncomingMessage): boolean {
    return CLIENT_PATH.test(new URL(req.url ?? "/", this.ctx.endpoint).pathname);
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Until ws owns the socket, a client hanging up mid-handshake must not crash the process.
    const swallow = (): void => undefined;
    socket.on("error", swallow);
    let admission: Admission;
    try {
      admission = await this.admit(req);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      this.ctx.logger.info({ status: err.status, reason: err.message }, "client connection refused");
      refuse(socket, err.status, err.message);
      return;
    }
    socket.off("error", swallow);
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accepted(ws, admission));
  }

  /** Closes every socket, including those the registry no longer knows about. */
  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private async admit(req: IncomingMessage): Promise<Admission> {
    const url = new URL(req.url ?? "/", this.ctx.endpoint);
    const encodedHub = url.pathname.match(CLIENT_PATH)?.[1];
    if (encodedHub === undefined) throw new Refusal(404, `No WebSocket endpoint at ${url.pathname}`);
    const hubName = safeDecode(encodedHub);
    if (!isValidHubName(hubName)) {
      throw new Refusal(400, `Hub name "${hubName}" must start with a letter and use [A-Za-z0-9_]`);
    }
    const mode = chooseMode(req.headers["sec-websocket-protocol"]);
    const token = url.searchParams.get("access_token") ?? bearerToken(req.headers.authorization);
    const origins = acceptedOrigins(req, this.ctx.scheme, this.ctx.endpoint);
    let claims: JWTPayload;
    try {
      claims = await verifyAccessKeyToken(
        token ?? undefined,
        this.ctx.accessKey,
        audienceMatcher(origins, url.pathname, undefined),
        `${this.ctx.endpoint}/client/hubs/${hubName}`,
      );
    } catch (err) {
      if (err instanceof TokenError) throw new Refusal(401, err.message);
      throw err;
    }
    const hub = this.ctx.hubs.get(hubName);
    const connectionId = url.searchParams.get("awps_connection_id");
    const reconnectionToken = url.searchParams.get("awps_reconnection_token");
    if (connectionId === null && reconnectionToken === null) return { kind: "new", hub, mode, claims };

    const session = connectionId === null ? undefined : hub.connection(connectionId);
    if (
      !session ||
      session.mode !== "reliable" ||
      mode !== "reliable" ||
      reconnectionToken === null ||
      !session.reconnectionTokenMatches(reconnectionToken) ||
      session.userId !== subjectOf(claims)
    ) {
      return { kind: "unrecoverable", reason: "The connection cannot be recovered; connect again" };
    }
    return { kind: "recover", hub, session };
  }

  private accepted(ws: WebSocket, admission: Admission): void {
    const log = this.ctx.logger;
    if (admission.kind === "unrecoverable") {
      // Accept, then close with 1008: that is the signal that stops the SDK's recovery loop and
      // makes it start a fresh connection.
      ws.send(disconnectedJson(admission.reason));
      ws.close(1008, admission.reason);
      log.info("refused recovery of an unknown or expired connection");
      return;
    }
    let hub: Hub;
    let session: ClientSession;
    if (admission.kind === "recover") {
      ({ hub, session } = admission);
      hub.recovered(session);
      log.info({ hub: hub.name, connectionId: session.connectionId }, "connection recovered");
    } else {
      hub = admission.hub;
      session = new ClientSession(
        hub.name,
        randomBytes(16).toString("base64url"),
        subjectOf(admission.claims),
        rolesOf(admission.claims),
        admission.mode,
        this.ctx.maxUnackedBytes,
        log,
      );
      hub.add(session);
      for (const group of initialGroupsOf(admission.claims)) hub.join(session, group);
      log.info(
        { hub: hub.name, connectionId: session.connectionId, userId: session.userId, mode: session.mode },
        "client connected",
      );
    }
    ws.on("message", (data, isBinary) => handleClientFrame(hub, session, data, isBinary, log));
    ws.on("close", () => {
      if (session.detach(ws)) hub.socketLost(session);
    });
    ws.on("error", (err) =>
      log.debug({ connectionId: session.connectionId, err: err.message }, "socket error"),
    );
    session.attach(ws);
  }
}

function chooseMode(header: string | undefined): ClientMode {
  if (header === undefined) return "simple";
  const offered = header.split(",").map((p) => p.trim());
  for (const protocol of offered) {
    const mode = modeOfProtocol(protocol);
    if (mode !== undefined) return mode;
  }
  throw new Refusal(400, `None of the subprotocols ${offered.join(", ")} is supported by the emulator`);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

function subjectOf(claims: JWTPayload): string | undefined {
  return typeof claims.sub === "string" && claims.sub !== "" ? claims.sub : undefined;
}

const REASONS = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found" } as const;

function refuse(socket: Duplex, status: 400 | 401 | 404, message: string): void {
  const body = JSON.stringify({ code: REASONS[status].replace(" ", ""), message });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
