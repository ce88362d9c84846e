import os from "node:os";
import path from "node:path";
import {
  BlobDocumentStore,
  CosmosJobRepository,
  ServiceBusTaskQueue,
  cosmosContainers,
  createCosmosClient,
  createServiceBusClient,
} from "@docsift/adapters";
import { LocalStackConfigSchema, QUEUES, encodePrincipal, parseConfig } from "@docsift/core";
import pino from "pino";
import { startLocalStack, type LocalStack } from "@docsift/local";

/**
 * The same local stack `npm start` runs (compiled app processes from `npm run build`), on free
 * ports with its own state directory, so a benchmark never collides with a running stack.
 */
export async function startBenchStack(options: {
  workers: number;
  /** Run the functions host too (default true); a benchmark that starts its own workers does not. */
  functions?: boolean;
  env?: Record<string, string>;
}): Promise<LocalStack> {
  const config = parseConfig("bench stack", LocalStackConfigSchema, {
    LOCAL_BLOB_PORT: "0",
    LOCAL_COSMOS_PORT: "0",
    LOCAL_SERVICEBUS_PORT: "0",
    LOCAL_WEBPUBSUB_PORT: "0",
    LOCAL_HTTP_PORT: "0",
    LOCAL_STATE_DIR: path.join(os.tmpdir(), "docsift-bench-stack"),
    LOG_LEVEL: "warn",
  });
  return startLocalStack(config, {
    logger: pino({ level: "warn" }),
    apps: {
      functions: options.functions ?? true,
      workers: options.workers,
      // Benchmarks create jobs far faster than a person: the per-user intake limits would refuse them.
      env: { MAX_JOBS_PER_MINUTE: "100000", MAX_OPEN_UPLOADS: "100000", ...options.env },
    },
  });
}

/** The Easy Auth header for a user, as the local host in dev mode reads it. */
export const principalHeader = (userId: string): string => encodePrincipal(userId);

/** The production adapters on a bench stack's emulators: what a benchmark drives the pipeline with. */
export function stackClients(env: LocalStack["env"]) {
  const documents = BlobDocumentStore.fromConnection({
    kind: "connectionString",
    connectionString: env.STORAGE_CONNECTION_STRING!,
  });
  const cosmos = createCosmosClient({
    kind: "connectionString",
    connectionString: env.COSMOS_CONNECTION_STRING!,
    database: env.COSMOS_DATABASE!,
    caCertFile: env.COSMOS_CA_CERT_FILE!,
  });
  const jobs = new CosmosJobRepository(cosmosContainers(cosmos, env.COSMOS_DATABASE!).jobs);
  const serviceBus = createServiceBusClient({
    kind: "connectionString",
    connectionString: env.SERVICEBUS_CONNECTION_STRING!,
  });
  const tasks = new ServiceBusTaskQueue(serviceBus, QUEUES.tasks);
  return { documents, cosmos, jobs, serviceBus, tasks };
}
