import { QUEUES } from "@docsift/core";
import type { Logger } from "pino";
import { startServiceBusEmulator } from "../servicebus/index.js";
import type { ServiceBusEmulator } from "../servicebus/index.js";
import { startWebPubSubEmulator } from "../webpubsub/index.js";
import type { WebPubSubEmulator } from "../webpubsub/index.js";
import type { LocalTls } from "../tls/local-ca.js";
import { WEBPUBSUB_LOCAL_KEY } from "./well-known.js";

/**
 * The two emulators run inside the stack's own process. Queue settings mirror what the
 * infrastructure creates in Azure, except a 60 s lock (the SDK renews it) to keep local
 * redelivery after a crash quick.
 */
export async function startMessaging(
  host: string,
  ports: { serviceBus: number; webPubSub: number },
  tls: LocalTls,
  logger: Logger,
): Promise<{ serviceBus: ServiceBusEmulator; webPubSub: WebPubSubEmulator }> {
  const serviceBus = await startServiceBusEmulator({
    host,
    port: ports.serviceBus,
    queues: [
      {
        name: QUEUES.tasks,
        lockDurationMs: 60_000,
        maxDeliveryCount: 5,
        deadLetteringOnMessageExpiration: true,
      },
      { name: QUEUES.events, lockDurationMs: 30_000, maxDeliveryCount: 10 },
    ],
    tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
    logger: logger.child({ component: "servicebus-emulator" }),
  });
  try {
    // Plain http/ws: a page on http://127.0.0.1 opens the socket without trusting a local CA.
    const webPubSub = await startWebPubSubEmulator({
      host,
      port: ports.webPubSub,
      accessKey: WEBPUBSUB_LOCAL_KEY,
      logger,
    });
    return { serviceBus, webPubSub };
  } catch (err) {
    await serviceBus.stop();
    throw err;
  }
}
