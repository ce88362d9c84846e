/**
 * Local Azure Service Bus emulator: the AMQP 1.0 subset that the unchanged `@azure/service-bus`
 * 7.9.5 SDK speaks, plus the read side of the ATOM management API on the same port.
 *
 * Usage:
 * ```ts
 * const tls = await ensureLocalTls(dir); // clients trust tls.caCertFile via NODE_EXTRA_CA_CERTS
 * const sb = await startServiceBusEmulator({
 *   queues: [{ name: "inference-tasks", lockDurationMs: 60_000, maxDeliveryCount: 5 }],
 *   tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
 * });
 * const client = new ServiceBusClient(sb.connectionString);        // AMQP, plain TCP
 * const admin = new ServiceBusAdministrationClient(sb.connectionString); // HTTPS, same port
 * await sb.stop();
 * ```
 *
 * Supported: queues with `<queue>/$DeadLetterQueue`; SASL ANONYMOUS with a CBS put-token (a SAS
 * token signed with the well-known key) required before every link; single and batched sends;
 * peek-lock and receive-and-delete; credit and drain; complete, abandon, defer, dead-letter
 * (link and $management); renew-lock, peek, schedule/cancel, receive deferred by sequence
 * number on `$management`; `x-opt-scheduled-enqueue-time` on ordinary sends; lock expiry with
 * redelivery; max delivery count and TTL expiry to the dead-letter queue.
 *
 * Not emulated: topics and subscriptions, sessions, transactions, duplicate detection,
 * auto-forwarding, partitioning, size quotas, AAD tokens, and writes through the ATOM API.
 *
 * State is in memory only. `stop()` (or a crash) loses every message in every queue and
 * dead-letter queue, scheduled and deferred messages, all locks and the sequence-number
 * counters, which restart at 1. Queue definitions come back from configuration on restart.
 */
import { once } from "node:events";
import https from "node:https";
import net, { type AddressInfo, type Socket } from "node:net";
import pino from "pino";
import rhea from "rhea";
import { AmqpConnectionHandler } from "./amqp-connection.js";
import { createAtomAdminHandler } from "./atom-admin.js";
import { Broker } from "./broker.js";
import { resolveQueueConfigs, serviceBusConnectionString } from "./config.js";
import type { ServiceBusEmulator, ServiceBusEmulatorOptions } from "./types.js";

export type {
  QueueConfig,
  QueueRuntimeCounts,
  ServiceBusEmulator,
  ServiceBusEmulatorOptions,
} from "./types.js";
export { WELL_KNOWN_KEY, WELL_KNOWN_KEY_NAME, serviceBusConnectionString } from "./config.js";

const TLS_HANDSHAKE = 0x16;
const AMQP_HEADER = 0x41; // "AMQP"

export async function startServiceBusEmulator(
  options: ServiceBusEmulatorOptions,
): Promise<ServiceBusEmulator> {
  const log = options.logger ?? pino({ level: "silent" });
  const host = options.host ?? "127.0.0.1";
  const broker = new Broker(resolveQueueConfigs(options.queues), log);
  const container = rhea.create_container({ id: "docsift-servicebus-emulator" });
  container.sasl_server_mechanisms.enable_anonymous();
  // rhea throws on an 'error' event nobody listens to; a misbehaving client must not crash us.
  container.on("error", (err: unknown) => log.warn({ err }, "AMQP container error"));

  const sockets = new Set<Socket>();
  const connections = new Set<AmqpConnectionHandler>();
  let port = 0;
  const admin = https.createServer(
    { key: options.tls.key, cert: options.tls.cert },
    createAtomAdminHandler(broker, () => `${host}:${port}`),
  );
  admin.on("tlsClientError", (err) => log.debug({ err }, "admin TLS handshake failed"));

  // One port for both protocols, as in Azure's SDK: AMQP starts with "AMQP", TLS with 0x16.
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", (err) => log.debug({ err }, "client socket error"));
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      const first = chunk[0];
      if (first === TLS_HANDSHAKE) {
        // The TLS socket replays what is buffered on the raw socket when it starts reading, so
        // the raw socket must stay paused here.
        admin.emit("connection", socket);
      } else if (first === AMQP_HEADER) {
        const handler = new AmqpConnectionHandler(container, socket, broker, log);
        connections.add(handler);
        socket.on("close", () => connections.delete(handler));
        socket.resume();
      } else {
        log.debug({ first }, "unknown protocol; closing");
        socket.destroy();
      }
    });
    socket.resume();
  });
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
  log.info(
    { host, port, queues: broker.queueConfigs().map((q) => q.name) },
    "Service Bus emulator listening",
  );

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    connectionString: serviceBusConnectionString(host, port),
    runtimeProperties: (queue) => broker.runtimeCounts(queue),
    stop() {
      stopping ??= (async () => {
        const closed = once(server, "close");
        server.close();
        for (const c of connections) c.close();
        // Give close frames a moment to leave, then cut whatever remains.
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const s of sockets) s.destroy();
        admin.close();
        broker.close();
        await closed;
        log.info({ port }, "Service Bus emulator stopped");
      })();
      return stopping;
    },
  };
}
