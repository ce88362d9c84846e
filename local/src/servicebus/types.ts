import type { Logger } from "pino";

/** One queue of the emulated namespace; its dead-letter queue `<name>/$DeadLetterQueue` comes with it. */
export interface QueueConfig {
  name: string;
  /** Peek-lock duration. Default 60 000 ms, at most 300 000 ms (Azure's PT5M ceiling). */
  lockDurationMs?: number;
  /** Deliveries before a message is dead-lettered with `MaxDeliveryCountExceeded`. Default 10. */
  maxDeliveryCount?: number;
  /** Move expired messages to the dead-letter queue instead of dropping them. Default false. */
  deadLetteringOnMessageExpiration?: boolean;
  /** Time to live for messages that set none (or a longer one). Default: never expire. */
  defaultMessageTimeToLiveMs?: number;
}

export interface ServiceBusEmulatorOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  queues: QueueConfig[];
  /** PEM key and certificate for the administration (ATOM over HTTPS) side of the port. */
  tls: { key: string; cert: string };
  logger?: Logger;
}

/** Counts as Azure reports them: active includes locked and deferred messages. */
export interface QueueRuntimeCounts {
  activeMessageCount: number;
  deadLetterMessageCount: number;
  scheduledMessageCount: number;
  totalMessageCount: number;
}

export interface ServiceBusEmulator {
  readonly host: string;
  readonly port: number;
  /** Connection string for `ServiceBusClient` and `ServiceBusAdministrationClient`. */
  readonly connectionString: string;
  runtimeProperties(queue: string): QueueRuntimeCounts;
  stop(): Promise<void>;
}

export interface ResolvedQueueConfig {
  name: string;
  lockDurationMs: number;
  maxDeliveryCount: number;
  deadLetteringOnMessageExpiration: boolean;
  defaultMessageTimeToLiveMs: number | undefined;
}
