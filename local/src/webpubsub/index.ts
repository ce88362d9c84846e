import http from "node:http";
import https from "node:https";
import { once } from "node:events";
import type { AddressInfo, Socket } from "node:net";
import { pino, type Logger } from "pino";
import { ClientEndpoint } from "./client-endpoint.js";
import { HubRegistry } from "./hub.js";
import { handleRestRequest } from "./rest.js";

export interface WebPubSubEmulatorOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The key both SDKs sign with; must match the connection string the app is given. */
  accessKey: string;
  /** When given, the emulator serves https + wss (clients trust the CA via NODE_EXTRA_CA_CERTS). */
  tls?: { key: string; cert: string };
  logger?: Logger;
  /** How long a reliable connection whose socket dropped may be recovered; default 30 s like the service. */
  recoveryWindowMs?: number;
  /** Per-connection cap on unacknowledged sequenced messages (bytes) before the connection is dropped; default 16 MiB. */
  maxUnackedBytes?: number;
}

export interface WebPubSubEmulator {
  port: number;
  /** `https://localhost:PORT` with TLS, `http://127.0.0.1:PORT` without. */
  endpoint: string;
  /** `Endpoint=<scheme>://<host>;Port=N;AccessKey=K;Version=1.0;` for WebPubSubServiceClient. */
  connectionString: string;
  /** Open client WebSockets, in one hub or all of them (sessions awaiting recovery not counted). */
  connectionCount(hub?: string): number;
  /**
   * Fault injection: destroys the connection's TCP socket as a network failure would. A reliable
   * session stays recoverable for the recovery window. Returns false for an unknown connection.
   */
  dropConnection(connectionId: string): boolean;
  stop(): Promise<void>;
}

const DEFAULT_RECOVERY_WINDOW_MS = 30_000;
const DEFAULT_MAX_UNACKED_BYTES = 16 * 1024 * 1024;

/** Starts a protocol-level Web PubSub emulator (data-plane REST + client WebSockets) for local use. */
export async function startWebPubSubEmulator(options: WebPubSubEmulatorOptions): Promise<WebPubSubEmulator> {
  if (typeof options.accessKey !== "string" || options.accessKey === "") {
    throw new TypeError("startWebPubSubEmulator: accessKey must be a non-empty string");
  }
  const host = options.host ?? "127.0.0.1";
  const scheme = options.tls ? "https" : "http";
  const logger = (options.logger ?? pino({ level: "silent" })).child({ component: "webpubsub-emulator" });
  const hubs = new HubRegistry(options.recoveryWindowMs ?? DEFAULT_RECOVERY_WINDOW_MS, logger);
  const accessKey = new TextEncoder().encode(options.accessKey);

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert })
    : http.createServer();
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.once("close", () => sockets.delete(socket));
  });

  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const advertisedHost = advertisedHostFor(host, options.tls !== undefined);
  const endpoint = `${scheme}://${advertisedHost}:${port}`;

  const context = { hubs, accessKey, scheme, endpoint, logger } as const;
  const clients = new ClientEndpoint({
    ...context,
    maxUnackedBytes: options.maxUnackedBytes ?? DEFAULT_MAX_UNACKED_BYTES,
  });

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (clients.matches(req)) {
      req.resume();
      res
        .writeHead(426, { "content-type": "application/json", upgrade: "websocket" })
        .end(JSON.stringify({ code: "UpgradeRequired", message: "Open this URL as a WebSocket" }));
      return;
    }
    void handleRestRequest(context, req, res);
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    clients.handleUpgrade(req, socket, head).catch((err: unknown) => {
      logger.error({ err }, "WebSocket upgrade failed");
      socket.destroy();
    });
  });

  logger.info({ endpoint }, "Web PubSub emulator listening");
  let stopped: Promise<void> | undefined;
  return {
    port,
    endpoint,
    connectionString: `Endpoint=${scheme}://${advertisedHost};Port=${port};AccessKey=${options.accessKey};Version=1.0;`,
    connectionCount: (hub) => hubs.openCount(hub),
    dropConnection: (connectionId) => hubs.findConnection(connectionId)?.dropSocket() ?? false,
    stop: () => {
      stopped ??= (async () => {
        hubs.closeAll(1001, "Emulator stopping");
        clients.close();
        const closed = once(server, "close");
        server.close();
        for (const socket of sockets) socket.destroy();
        await closed;
        logger.info("Web PubSub emulator stopped");
      })();
      return stopped;
    },
  };
}

/**
 * The host clients should use. With TLS it is `localhost` for a loopback bind, the name the local
 * certificate is issued for; without, the literal address, so a browser page on 127.0.0.1 talks
 * to the same site.
 */
function advertisedHostFor(host: string, tls: boolean): string {
  const loopback =
    host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "0.0.0.0" || host === "::";
  if (loopback) return tls ? "localhost" : "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
