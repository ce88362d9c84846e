import https from "node:https";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { createCosmosClient, ensureCosmosResources } from "@docsift/adapters";
import { BLOB_CONTAINERS } from "@docsift/core";
import type { Logger } from "pino";
import type { LocalTls } from "../tls/local-ca.js";
import { LOCAL_DIST, resolvePackageFile, startChild } from "./child-process.js";
import type { ManagedChild } from "./child-process.js";
import { waitFor } from "./ports.js";
import { azuriteConnectionString, cosmosConnectionString } from "./well-known.js";

/** Azurite in memory, or keeping its data under `location` when one is given. */
export async function startAzurite(
  host: string,
  port: number,
  logger: Logger,
  location?: string,
): Promise<{ child: ManagedChild; connectionString: string }> {
  const main = resolvePackageFile("azurite", "dist/src/blob/main.js");
  // --skipApiVersionCheck: every storage-blob release sends an API version newer than the
  // Azurite of its day accepts. --disableTelemetry: no calls out.
  const child = startChild(
    "azurite",
    main,
    [
      "--blobHost",
      host,
      "--blobPort",
      String(port),
      ...(location ? ["--location", location] : ["--inMemoryPersistence"]),
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--silent",
      "--loose",
    ],
    { logger },
  );
  const connectionString = azuriteConnectionString(host, port);
  const service = BlobServiceClient.fromConnectionString(connectionString);
  await waitFor("Azurite", async () => {
    if (child.process.exitCode !== null)
      throw new Error(`Azurite exited with code ${child.process.exitCode}`);
    await service.getProperties();
    return true;
  });
  for (const name of Object.values(BLOB_CONTAINERS))
    await service.getContainerClient(name).createIfNotExists();
  return { child, connectionString };
}

export async function setBlobCors(connectionString: string, origins: string[]): Promise<void> {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  // The PWA uploads blocks straight to Blob from its own origin, as it does in Azure.
  await service.setProperties({
    cors: [
      {
        allowedOrigins: origins.join(","),
        allowedMethods: "PUT,GET,HEAD,OPTIONS",
        allowedHeaders: "*",
        exposedHeaders: "*",
        maxAgeInSeconds: 3600,
      },
    ],
  });
}

export async function startCosmos(
  host: string,
  port: number,
  tls: LocalTls,
  stateDir: string,
  database: string,
  logger: Logger,
): Promise<{ child: ManagedChild; connectionString: string }> {
  const keyFile = path.join(stateDir, "tls", "server.key");
  const certFile = path.join(stateDir, "tls", "server.pem");
  const child = startChild(
    "cosmos",
    path.join(LOCAL_DIST, "stack", "cosmos-server-main.js"),
    [host, String(port), keyFile, certFile],
    { logger },
  );
  const connectionString = cosmosConnectionString(host, port);
  const agent = new https.Agent({ ca: tls.caCertPem });
  await waitFor("Cosmos DB emulator", async () => {
    if (child.process.exitCode !== null)
      throw new Error(`cosmosdb-server exited with code ${child.process.exitCode}`);
    await new Promise<void>((resolve, reject) => {
      https
        .get({ host, port, path: "/", agent }, (res) => {
          res.resume();
          resolve();
        })
        .on("error", reject);
    });
    return true;
  });
  agent.destroy();
  const client = createCosmosClient({
    kind: "connectionString",
    connectionString,
    database,
    caCertFile: tls.caCertFile,
  });
  await ensureCosmosResources(client, database);
  client.dispose();
  return { child, connectionString };
}
