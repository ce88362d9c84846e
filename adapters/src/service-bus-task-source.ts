import type {
  ProcessErrorArgs,
  ServiceBusClient,
  ServiceBusReceiver,
  ServiceBusSender,
} from "@azure/service-bus";
import type { TaskDelivery, TaskSource } from "@docsift/core";
import type { Logger } from "pino";
import { ServiceBusTaskDelivery } from "./service-bus-task-delivery.js";

export interface TaskSourceOptions {
  queue: string;
  concurrency: number;
  /** How often to re-check the connection after a receive error. */
  reconnectProbeMs?: number;
}

/**
 * The `inference-tasks` receiver: peek-lock, manual settlement, at most `concurrency` messages
 * in hand. Built on the SDK's `subscribe` because its stop is what a drain needs: closing the
 * subscription drains the link's credit at once (no further message is granted) while the
 * link stays open, so the jobs in hand can still renew their locks and settle. Lock renewal
 * is the worker's own (see lock-keeper.ts), so the SDK's is switched off here.
 */
export class ServiceBusTaskSource implements TaskSource {
  private readonly receiver: ServiceBusReceiver;
  private readonly sender: ServiceBusSender;
  private subscription: { close(): Promise<void> } | undefined;
  private connectedFlag = false;
  private probe: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    client: ServiceBusClient,
    private readonly options: TaskSourceOptions,
    private readonly handle: (delivery: TaskDelivery) => Promise<void>,
    private readonly log: Logger,
  ) {
    this.receiver = client.createReceiver(options.queue, {
      receiveMode: "peekLock",
      maxAutoLockRenewalDurationInMs: 0,
    });
    this.sender = client.createSender(options.queue);
  }

  get connected(): boolean {
    return this.connectedFlag;
  }

  /** Checks the queue answers (fails start-up fast on a wrong name or namespace), then subscribes. */
  async start(): Promise<void> {
    await this.receiver.peekMessages(1);
    this.connectedFlag = true;
    this.subscribe();
  }

  private subscribe(): void {
    this.subscription = this.receiver.subscribe(
      {
        processMessage: async (message) => {
          this.connectedFlag = true;
          await this.handle(new ServiceBusTaskDelivery(this.receiver, message, this.sender));
        },
        processError: async (args) => this.onError(args),
      },
      { autoCompleteMessages: false, maxConcurrentCalls: this.options.concurrency },
    );
  }

  private async onError(args: ProcessErrorArgs): Promise<void> {
    // Stopping while the SDK still sets up its link surfaces as an AbortError: expected, not news.
    if (this.stopped && args.error.name === "AbortError") {
      this.log.debug({ err: args.error }, "receiver stopped during set-up");
      return;
    }
    this.log.warn(
      { err: args.error, source: args.errorSource, entityPath: args.entityPath },
      "Service Bus receiver error",
    );
    if (args.errorSource !== "receive") return;
    this.connectedFlag = false;
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probe || this.stopped) return;
    this.probe = setTimeout(async () => {
      this.probe = undefined;
      try {
        await this.receiver.peekMessages(1);
        this.connectedFlag = true;
      } catch (err) {
        this.log.debug({ err }, "Service Bus still unreachable");
        this.scheduleProbe();
      }
    }, this.options.reconnectProbeMs ?? 5000);
  }

  /** Takes no further message for now; messages in hand keep their link, as with stop. */
  async pause(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  resume(): void {
    if (this.stopped || this.subscription) return;
    this.subscribe();
  }

  /** Takes no further message. Messages in hand keep their link for renewal and settlement. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.probe) clearTimeout(this.probe);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.allSettled([this.receiver.close(), this.sender.close()]);
    this.connectedFlag = false;
  }
}
