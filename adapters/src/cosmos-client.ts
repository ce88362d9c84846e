import type { ZodError } from "zod";
import { InvalidContinuationTokenError, StoredDocumentInvalidError } from "@docsift/core";
import https from "node:https";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { CosmosClient } from "@azure/cosmos";
import type { Container, Database } from "@azure/cosmos";
import { COSMOS } from "@docsift/core";
import type { ServiceConnection } from "@docsift/core";
import { azureCredential } from "./credentials.js";

export type CosmosConnection = ServiceConnection & { database: string; caCertFile?: string };

function parseConnectionString(cs: string): { endpoint: string; key: string } {
  const parts = new Map(
    cs
      .split(";")
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf("=");
        return [kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim()] as const;
      }),
  );
  const endpoint = parts.get("accountendpoint");
  const key = parts.get("accountkey");
  if (!endpoint || !key) throw new Error("Cosmos connection string needs AccountEndpoint and AccountKey");
  return { endpoint, key };
}

/**
 * Identity in Azure (local auth is off there). Locally the emulator's key, and its certificate
 * authority trusted by this client alone: nothing process-wide turns TLS checks off.
 */
export function createCosmosClient(connection: CosmosConnection): CosmosClient {
  if (connection.kind === "identity")
    return new CosmosClient({ endpoint: connection.endpoint, aadCredentials: azureCredential() });
  const { endpoint, key } = parseConnectionString(connection.connectionString);
  // One secure context for every connection: a bare `ca` option re-parses the certificate on each
  // new TLS socket, which under load cost more CPU than the requests themselves.
  const agent = connection.caCertFile
    ? new https.Agent({
        secureContext: tls.createSecureContext({ ca: readFileSync(connection.caCertFile) }),
        keepAlive: true,
      })
    : undefined;
  return new CosmosClient({
    endpoint,
    key,
    ...(agent ? { agent } : {}),
    // The emulator has one region and answers with its own address; discovery would only stall.
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

export interface CosmosContainers {
  database: Database;
  jobs: Container;
  deadletters: Container;
  pushSubscriptions: Container;
}

export function cosmosContainers(client: CosmosClient, databaseName: string): CosmosContainers {
  const database = client.database(databaseName);
  return {
    database,
    jobs: database.container(COSMOS.containers.jobs.name),
    deadletters: database.container(COSMOS.containers.deadletters.name),
    pushSubscriptions: database.container(COSMOS.containers.pushSubscriptions.name),
  };
}

/** Creates database and containers when missing. In Azure the infrastructure owns them; the local stack calls this. */
export async function ensureCosmosResources(client: CosmosClient, databaseName: string): Promise<void> {
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  for (const c of Object.values(COSMOS.containers))
    await database.containers.createIfNotExists({ id: c.name, partitionKey: { paths: [c.partitionKey] } });
}

/** Cosmos adds system properties to every document; the domain schemas are strict and do not know them. */
export function withoutSystemProperties<T>(resource: Record<string, unknown>): T {
  const { _rid: _r, _self: _s, _etag: _e, _attachments: _a, _ts: _t, ...rest } = resource;
  return rest as T;
}

export const statusOf = (err: unknown): number | undefined =>
  (err as { code?: number; statusCode?: number }).code ?? (err as { statusCode?: number }).statusCode;

/**
 * A stored document parsed against its contract. One that no longer matches is the service's
 * fault: StoredDocumentInvalidError (a 500 with a reference at the API), not the schema
 * library's error, which the API would take for the caller's bad input.
 */
export function parseStored<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  entity: string,
  resource: Record<string, unknown>,
): T {
  const parsed = schema.safeParse(withoutSystemProperties(resource));
  if (parsed.success) return parsed.data;
  throw new StoredDocumentInvalidError(
    entity,
    String(resource.id ?? "?"),
    parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    { cause: parsed.error },
  );
}

/**
 * Runs one page of a query; a continuation token Cosmos refuses (400 on a query that had one)
 * becomes InvalidContinuationTokenError, the caller's mistake.
 */
export async function withContinuation<T>(token: string | undefined, page: () => Promise<T>): Promise<T> {
  try {
    return await page();
  } catch (err) {
    if (token !== undefined && statusOf(err) === 400) throw new InvalidContinuationTokenError({ cause: err });
    throw err;
  }
}
