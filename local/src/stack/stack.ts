import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { BlobModelStore, createCosmosClient } from "@docsift/adapters";
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
import { loadCosmosSnapshot, saveCosmosSnapshot } from "./cosmos-snapshot.js";
import { DEFAULT_RESTART_POLICY } from "./crash-loop.js";
import { keepRunning } from "./kept-running.js";
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
  /** Resolves when a child kept crashing and the stack stopped itself; never while it runs. */
  failed: Promise<Error>;
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
  options: {
    logger?: Logger;
    apps?: AppOptions;
    /** Where crash and restart lines go (default: the logger, as warnings). */
    report?: (line: string) => void;
  } = {},
): Promise<LocalStack> {
  const started = Date.now();
  const logger = options.logger ?? pino({ level: config.logLevel });
  const report = options.report ?? ((line: string) => logger.warn(line));
  const components: Component[] = [];
  let giveUp!: (err: Error) => void;
  const failed = new Promise<Error>((resolve) => (giveUp = resolve));
  const restartPolicy = { ...DEFAULT_RESTART_POLICY, maxCrashes: config.maxCrashes };
  // A child that keeps crashing takes the stack down with it: a stack that says it runs while a
  // part of it is gone for good helps nobody.
  const kept = (first: ManagedChild, restart: () => Promise<ManagedChild>, graceMs?: number): Component => {
    const k = keepRunning(first, restart, {
      policy: restartPolicy,
      report,
      onGiveUp: (err) => void stopAll().then(() => giveUp(err)),
    });
    return { name: k.name, stop: () => k.stop(graceMs) };
  };
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

    const persistDir = config.persist ? path.join(stateDir, "data") : undefined;
    const appOrigin = `http://${host}:${httpPort}`;
    const startBlob = async () => {
      const blob = await startAzurite(
        host,
        blobPort,
        logger,
        persistDir ? path.join(persistDir, "azurite") : undefined,
      );
      try {
        await setBlobCors(blob.connectionString, [appOrigin, `http://localhost:${httpPort}`]);
        await seedDefaultModel(blob.connectionString, logger);
      } catch (err) {
        await blob.child.stop(2000);
        throw err;
      }
      return blob;
    };
    const cosmosSnapshot = persistDir ? path.join(persistDir, "cosmos.json") : undefined;
    // While a restarted emulator is filled again, a copy of it would be partial: none is taken.
    let restoring = false;
    const startCosmosWithData = async () => {
      restoring = true;
      try {
        const cosmos = await startCosmos(host, cosmosPort, tls, stateDir, COSMOS.database, logger);
        if (cosmosSnapshot) {
          const client = cosmosClient(cosmos.connectionString);
          try {
            const loaded = await loadCosmosSnapshot(client, COSMOS.database, cosmosSnapshot);
            logger.info({ documents: loaded, file: cosmosSnapshot }, "Cosmos documents restored");
          } catch (err) {
            await cosmos.child.stop(2000);
            throw err;
          } finally {
            client.dispose();
          }
        }
        return cosmos;
      } finally {
        restoring = false;
      }
    };
    const cosmosClient = (connectionString: string) =>
      createCosmosClient({
        kind: "connectionString",
        connectionString,
        database: COSMOS.database,
        caCertFile: tls.caCertFile,
      });

    const [blob, cosmos, messaging] = await Promise.all([
      startBlob(),
      startCosmosWithData(),
      startMessaging(host, { serviceBus: sbPort, webPubSub: wpsPort }, tls, logger),
    ]);
    components.push(kept(blob.child, async () => (await startBlob()).child));
    const cosmosKept = kept(cosmos.child, async () => (await startCosmosWithData()).child);
    if (cosmosSnapshot) {
      const client = cosmosClient(cosmos.connectionString);
      const save = async () =>
        restoring ? undefined : saveCosmosSnapshot(client, COSMOS.database, cosmosSnapshot);
      const timer = setInterval(
        () => void save().catch((err: unknown) => logger.warn({ err }, "Cosmos snapshot failed")),
        60_000,
      );
      timer.unref();
      components.push({
        name: cosmosKept.name,
        stop: async () => {
          clearInterval(timer);
          // The apps have stopped by now: this copy has everything they wrote.
          await save().then(
            (n) => logger.info({ documents: n, file: cosmosSnapshot }, "Cosmos documents saved"),
            (err: unknown) => logger.warn({ err }, "Cosmos snapshot failed"),
          );
          client.dispose();
          await cosmosKept.stop();
        },
      });
    } else components.push(cosmosKept);
    components.push({ name: "servicebus", stop: () => messaging.serviceBus.stop() });
    components.push({ name: "webpubsub", stop: () => messaging.webPubSub.stop() });

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

    const apps = options.apps;
    if (apps) {
      // Apps log at info at least: the stack reads their "ready" lines from that stream and
      // filters what it shows by its own level.
      const appLogLevel = ["debug", "trace"].includes(config.logLevel) ? config.logLevel : "info";
      const appEnv = { ...process.env, ...env, ...apps.env, LOG_LEVEL: appLogLevel };
      for (let i = 0; i < apps.workers; i++) {
        const startWorker = () =>
          startApp(
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
              ...(apps.workers > 1 ? { HELPER_CPU_AFFINITY: "off" } : {}),
              ...apps.env,
              LOG_LEVEL: appLogLevel,
            },
            "worker ready",
            logger,
          );
        const worker = await startWorker();
        // The drain grace of a local worker is short: Ctrl-C should not wait minutes.
        components.push(kept(worker.child, async () => (await startWorker()).child, 15_000));
      }
      if (apps.functions) {
        const startFunctions = () =>
          startApp(
            "functions",
            FUNCTIONS_HOST_MAIN,
            {
              ...appEnv,
              AUTH_MODE: "dev",
              FUNCTIONS_HOST: host,
              FUNCTIONS_PORT: String(httpPort),
              ...(apps.pwaDir && existsSync(apps.pwaDir) ? { PWA_DIST_DIR: apps.pwaDir } : {}),
            },
            "functions host listening",
            logger,
          );
        const fn = await startFunctions();
        components.push(kept(fn.child, async () => (await startFunctions()).child));
        urls.app = String(fn.ready.url);
      }
    }
    return {
      env,
      tls,
      urls,
      readyMs: Date.now() - started,
      serviceBus: messaging.serviceBus,
      failed,
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
