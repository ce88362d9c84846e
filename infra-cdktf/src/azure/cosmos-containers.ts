import { COSMOS } from "@docsift/core";
import type { EnvironmentConfig } from "../config.js";

export type CosmosContainerKey = keyof typeof COSMOS.containers;

export interface CosmosContainerLayout {
  name: string;
  partitionKey: string;
  /** Paths the app's queries filter or sort on; everything else is excluded from the index. */
  indexedPaths: string[];
  /** Container default TTL in seconds; undefined = TTL off (documents live until deleted). */
  defaultTtlSeconds?: number;
}

/**
 * The containers the app opens (adapters/src/cosmos-client.ts) and the fields their queries use
 * (adapters/src/cosmos-*.ts). `id` is always indexed by Cosmos DB. `leases` is not created: no
 * change-feed trigger uses it.
 *
 * `jobs` holds results (COMPLETED/FAILED/EXPIRED) and tombstones (DELETED) alike, so one
 * container default TTL removes both once a document has not changed for `jobRetentionDays`.
 * Not a per-item `ttl`: the job contract is strict (a `ttl` field would fail the app's own parse
 * of every stored job), and a job that is still moving never sits idle that long (upload window
 * in minutes, task TTL and job timeout far below it; the schema refuses a retention shorter than
 * the task TTL), so the default cannot remove a live job.
 */
export function cosmosContainers(
  c: EnvironmentConfig,
): Record<Exclude<CosmosContainerKey, "leases">, CosmosContainerLayout> {
  const { jobs, deadletters, pushSubscriptions } = COSMOS.containers;
  return {
    jobs: {
      ...jobs,
      indexedPaths: [
        "/userId",
        "/status",
        "/createdAt",
        "/updatedAt",
        "/uploadExpiresAt",
        "/dispatched",
        "/submissions",
        "/leaseUntil",
        "/outbox",
      ],
      defaultTtlSeconds: c.cosmos.jobRetentionDays * 86_400,
    },
    deadletters: {
      ...deadletters,
      indexedPaths: ["/jobId", "/reason", "/status", "/deadLetteredAt"],
    },
    pushSubscriptions: {
      ...pushSubscriptions,
      indexedPaths: ["/userId", "/createdAt"],
    },
  };
}
