import path from "node:path";
import { mkdir } from "node:fs/promises";
import pino from "pino";
import type { Logger } from "pino";
import { COSMOS } from "@docsift/core";
import type { LocalStackConfig } from "@docsift/core";
import { ensureLocalTls } from "../tls/local-ca.js";
import type { LocalTls } from "../tls/local-ca.js";
import { startAzurite, startCosmos } from "./blob-and-cosmos.js";
import type { ManagedChild } from "./child-process.js";
import { claimPort } from "./ports.js";

export interface LocalStack {
  /** Environment for app processes (functions host, worker, CLI) that points them at this stack. */
  env: Record<string, string>;
  tls: LocalTls;
  urls: Record<string, string>;
  readyMs: number;
  stop(): Promise<void>;
}

export interface StackComponent {
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts the local stack: each service on 127.0.0.1, checked free first, waited for until it
 * answers, its resources created. Anything that fails stops what already started.
 */
export async function startLocalStack(config: LocalStackConfig, options: { logger?: Logger } = {}): Promise<LocalStack> {
  const started = Date.now();
  const logger = options.logger ?? pino({ level: config.logLevel });
  const components: StackComponent[] = [];
  const stopAll = async () => {
    for (const c of components.reverse()) {
      try {
        await c.stop();
      } catch (err) {
        logger.warn({ err, component: c.name }, "stop failed");
      }
    }
    components.length = 0;
  };
  const child = (c: ManagedChild): StackComponent => ({ name: c.name, stop: () => c.stop() });

  try {
    const stateDir = path.resolve(config.stateDir);
    await mkdir(stateDir, { recursive: true });
    const tls = await ensureLocalTls(path.join(stateDir, "tls"));
    const { host } = config;

    const blobPort = await claimPort(host, config.ports.blob, "Blob Storage (Azurite)", "LOCAL_BLOB_PORT");
    const cosmosPort = await claimPort(host, config.ports.cosmos, "Cosmos DB (cosmosdb-server)", "LOCAL_COSMOS_PORT");
    const [blob, cosmos] = await Promise.all([
      startAzurite(host, blobPort, logger),
      startCosmos(host, cosmosPort, tls, stateDir, COSMOS.database, logger),
    ]);
    components.push(child(blob.child), child(cosmos.child));

    const env: Record<string, string> = {
      DOCSIFT_ENVIRONMENT: "local",
      STORAGE_CONNECTION_STRING: blob.connectionString,
      COSMOS_CONNECTION_STRING: cosmos.connectionString,
      COSMOS_CA_CERT_FILE: tls.caCertFile,
      COSMOS_DATABASE: COSMOS.database,
    };
    const urls: Record<string, string> = {
      blob: `http://${host}:${blobPort}`,
      cosmos: `https://${host}:${cosmosPort}`,
    };
    return { env, tls, urls, readyMs: Date.now() - started, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
