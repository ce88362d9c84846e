import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { BlobModelStore } from "@docsift/adapters";
import { BLOB_CONTAINERS, COSMOS, WEB_PUBSUB_HUB } from "@docsift/core";
import type { LocalStackConfig } from "@docsift/core";
import { defaultModelLocation } from "@docsift/model";
import pino from "pino";
import type { Logger } from "pino";
import { ensureLocalTls } from "../tls/local-ca.js";
import type { LocalTls } from "../tls/local-ca.js";
import { FUNCTIONS_HOST_MAIN, WORKER_MAIN, startApp } from "./apps.js";
import { setBlobCors, startAzurite, startCosmos } from "./blob-and-cosmos.js";
import type { ManagedChild } from "./child-process.js";
import { startMessaging } from "./messaging.js";
import { claimPort } from "./ports.js";

export interface LocalStack {
  /** Environment for app processes (functions host, worker, CLI) that points them at this stack. */
  env: Record<string, string>;
  tls: LocalTls;
  urls: Record<string, string>;
  readyMs: number;
  /** Emulator handles, for tests that inspect queue counts. */
  serviceBus: {
    runtimeProperties(queue: string): { activeMessageCount: number; deadLetterMessageCount: number };
  };
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Run the functions host (HTTP API, triggers, the PWA). */
  functions: boolean;
  workers: number;
  /** Built PWA to serve on the API's origin. */
  pwaDir?: string;
  /** Extra variables for the app processes (e.g. LOG_LEVEL, OCR switches). */
  env?: Record<string, string>;
}

interface Component {
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts the local stack: each service on 127.0.0.1, checked free first, waited for until it
 * answers, its resources created; then, if asked, the functions host and workers as child
 * processes running the production code with local configuration. Anything that fails stops
 * what already started.
 */
export async function startLocalStack(
  config: LocalStackConfig,
  options: { logger?: Logger; apps?: AppOptions } = {},
): Promise<LocalStack> {
  const started = Date.now();
  const logger = options.logger ?? pino({ level: config.logLevel });
  const components: Component[] = [];
  const stopAll = async () => {
    // Apps first (they drain), then the services they talk to.
    for (const c of components.reverse()) {
      try {
        await c.stop();
      } catch (err) {
        logger.warn({ err, component: c.name }, "stop failed");
      }
    }
    components.length = 0;
  };
  const child = (c: ManagedChild, graceMs?: number): Component => ({
    name: c.name,
    stop: () => c.stop(graceMs),
  });

  try {
    const stateDir = path.resolve(config.stateDir);
    await mkdir(stateDir, { recursive: true });
    const tls = await ensureLocalTls(path.join(stateDir, "tls"));
    const { host } = config;

    const blobPort = await claimPort(host, config.ports.blob, "Blob Storage (Azurite)", "LOCAL_BLOB_PORT");
    const cosmosPort = await claimPort(
      host,
      config.ports.cosmos,
      "Cosmos DB (cosmosdb-server)",
      "LOCAL_COSMOS_PORT",
    );
    const sbPort = await claimPort(
      host,
      config.ports.serviceBus,
      "Service Bus emulator",
      "LOCAL_SERVICEBUS_PORT",
    );
    const wpsPort = await claimPort(
      host,
      config.ports.webPubSub,
      "Web PubSub emulator",
      "LOCAL_WEBPUBSUB_PORT",
    );
    const httpPort = options.apps?.functions
      ? await claimPort(host, config.ports.http, "Functions host", "LOCAL_HTTP_PORT")
      : 0;

    const [blob, cosmos, messaging] = await Promise.all([
      startAzurite(host, blobPort, logger),
      startCosmos(host, cosmosPort, tls, stateDir, COSMOS.database, logger),
      startMessaging(host, { serviceBus: sbPort, webPubSub: wpsPort }, tls, logger),
    ]);
    components.push(child(blob.child), child(cosmos.child));
    components.push({ name: "servicebus", stop: () => messaging.serviceBus.stop() });
    components.push({ name: "webpubsub", stop: () => messaging.webPubSub.stop() });

    const appOrigin = `http://${host}:${httpPort}`;
    await setBlobCors(blob.connectionString, [appOrigin, `http://localhost:${httpPort}`]);
    await seedDefaultModel(blob.connectionString, logger);

    const env: Record<string, string> = {
      DOCSIFT_ENVIRONMENT: "local",
      STORAGE_CONNECTION_STRING: blob.connectionString,
      COSMOS_CONNECTION_STRING: cosmos.connectionString,
      COSMOS_CA_CERT_FILE: tls.caCertFile,
      COSMOS_DATABASE: COSMOS.database,
      SERVICEBUS_CONNECTION_STRING: messaging.serviceBus.connectionString,
      WEBPUBSUB_CONNECTION_STRING: messaging.webPubSub.connectionString,
      WEBPUBSUB_ALLOW_HTTP: "true",
      WEBPUBSUB_HUB: WEB_PUBSUB_HUB,
      // Service Bus administration (queue counts) is HTTPS on the emulator's port.
      NODE_EXTRA_CA_CERTS: tls.caCertFile,
    };
    const urls: Record<string, string> = {
      blob: `http://${host}:${blobPort}`,
      cosmos: `https://${host}:${cosmosPort}`,
      serviceBus: `sb://${host}:${messaging.serviceBus.port}`,
      webPubSub: messaging.webPubSub.endpoint,
    };

    if (options.apps) {
      // Apps log at info at least: the stack reads their "ready" lines from that stream and
      // filters what it shows by its own level.
      const appLogLevel = ["debug", "trace"].includes(config.logLevel) ? config.logLevel : "info";
      const appEnv = { ...process.env, ...env, ...options.apps.env, LOG_LEVEL: appLogLevel };
      for (let i = 0; i < options.apps.workers; i++) {
        const worker = await startApp(
          `worker-${i + 1}`,
          WORKER_MAIN,
          {
            ...appEnv,
            HEALTH_PORT: "0",
            MODEL_SOURCE: "blob",
            MODEL_CACHE_DIR: path.join(stateDir, "models"),
            TEMP_DIR: path.join(stateDir, "tmp"),
            OCR_ENABLED: String(config.ocrEnabled),
            // Several workers on one machine would all keep their helpers off the same CPU.
            ...(options.apps.workers > 1 ? { HELPER_CPU_AFFINITY: "off" } : {}),
            ...options.apps.env,
            LOG_LEVEL: appLogLevel,
          },
          "worker ready",
          logger,
        );
        // The drain grace of a local worker is short: Ctrl-C should not wait minutes.
        components.push(child(worker.child, 15_000));
      }
      if (options.apps.functions) {
        const fn = await startApp(
          "functions",
          FUNCTIONS_HOST_MAIN,
          {
            ...appEnv,
            AUTH_MODE: "dev",
            FUNCTIONS_HOST: host,
            FUNCTIONS_PORT: String(httpPort),
            ...(options.apps.pwaDir && existsSync(options.apps.pwaDir)
              ? { PWA_DIST_DIR: options.apps.pwaDir }
              : {}),
          },
          "functions host listening",
          logger,
        );
        components.push(child(fn.child));
        urls.app = String(fn.ready.url);
      }
    }
    return {
      env,
      tls,
      urls,
      readyMs: Date.now() - started,
      serviceBus: messaging.serviceBus,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The committed default model goes into the local registry, as `npm run model:publish` does in Azure. */
async function seedDefaultModel(connectionString: string, logger: Logger): Promise<void> {
  const location = defaultModelLocation();
  if (!existsSync(location.onnxPath) || !existsSync(location.manifestPath))
    throw new Error(
      `the default model is missing at ${path.dirname(location.onnxPath)}; run npm run model:train`,
    );
  const store = new BlobModelStore(
    BlobServiceClient.fromConnectionString(connectionString),
    BLOB_CONTAINERS.models,
  );
  const published = await store.publish(location, { setCurrent: true });
  logger.debug(published, "seeded the default model");
}
