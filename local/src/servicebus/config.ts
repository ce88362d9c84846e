import type { QueueConfig, ResolvedQueueConfig } from "./types.js";

export const DEFAULT_LOCK_DURATION_MS = 60_000;
export const MAX_LOCK_DURATION_MS = 300_000;
export const DEFAULT_MAX_DELIVERY_COUNT = 10;
/** Standard tier's limit; the SDK sizes its batches from the value we announce on attach. */
export const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;
/** Microsoft's own emulator documents this key; it only makes local SAS tokens verifiable. */
export const WELL_KNOWN_KEY_NAME = "RootManageSharedAccessKey";
export const WELL_KNOWN_KEY = "SAS_KEY_VALUE";

export const serviceBusConnectionString = (host: string, port: number): string =>
  `Endpoint=sb://${host}:${port};SharedAccessKeyName=${WELL_KNOWN_KEY_NAME};SharedAccessKey=${WELL_KNOWN_KEY};UseDevelopmentEmulator=true`;

// Azure's entity names: letters, digits, '.', '-', '_'; start and end with a letter or digit.
const QUEUE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,258}[A-Za-z0-9])?$/;

function positiveInteger(value: number | undefined, field: string, queue: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(
      `Service Bus emulator: queue "${queue}": ${field} must be a positive integer, got ${value}`,
    );
  }
  return value;
}

export function resolveQueueConfigs(queues: readonly QueueConfig[]): ResolvedQueueConfig[] {
  if (queues.length === 0) throw new Error("Service Bus emulator: configure at least one queue");
  const seen = new Set<string>();
  return queues.map((q) => {
    if (!QUEUE_NAME.test(q.name)) {
      throw new Error(`Service Bus emulator: invalid queue name "${q.name}"`);
    }
    const key = q.name.toLowerCase();
    if (seen.has(key)) throw new Error(`Service Bus emulator: queue "${q.name}" configured twice`);
    seen.add(key);
    const lockDurationMs =
      positiveInteger(q.lockDurationMs, "lockDurationMs", q.name) ?? DEFAULT_LOCK_DURATION_MS;
    if (lockDurationMs > MAX_LOCK_DURATION_MS) {
      throw new Error(
        `Service Bus emulator: queue "${q.name}": lockDurationMs ${lockDurationMs} exceeds Azure's maximum of ${MAX_LOCK_DURATION_MS}`,
      );
    }
    return {
      name: q.name,
      lockDurationMs,
      maxDeliveryCount:
        positiveInteger(q.maxDeliveryCount, "maxDeliveryCount", q.name) ?? DEFAULT_MAX_DELIVERY_COUNT,
      deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration ?? false,
      defaultMessageTimeToLiveMs: positiveInteger(
        q.defaultMessageTimeToLiveMs,
        "defaultMessageTimeToLiveMs",
        q.name,
      ),
    };
  });
}
