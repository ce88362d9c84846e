import type { ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import type { Logger } from "pino";
import { isLockLost } from "./lock-keeper.js";

// Service Bus keeps dead-letter descriptions in a message header; keep them short and readable.
const MAX_DESCRIPTION_CHARS = 1024;

export type SettleResult = "settled" | "lock-lost" | "failed" | "already-settled";

/**
 * Settles one delivery at most once. A settlement refused because the lock is gone is logged
 * and left alone: another delivery of the message owns it now, and the job's state machine
 * makes that delivery's work idempotent. Settlement never throws into the job's code path.
 */
export class Settlement {
  private done = false;

  constructor(
    private readonly receiver: ServiceBusReceiver,
    private readonly message: ServiceBusReceivedMessage,
    private readonly log: Logger,
  ) {}

  get settled(): boolean {
    return this.done;
  }

  complete(): Promise<SettleResult> {
    return this.run("complete", () => this.receiver.completeMessage(this.message));
  }

  abandon(): Promise<SettleResult> {
    return this.run("abandon", () => this.receiver.abandonMessage(this.message));
  }

  deadLetter(reason: string, description: string): Promise<SettleResult> {
    const deadLetterErrorDescription =
      description.length > MAX_DESCRIPTION_CHARS
        ? `${description.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`
        : description;
    return this.run("dead-letter", () =>
      this.receiver.deadLetterMessage(this.message, { deadLetterReason: reason, deadLetterErrorDescription }),
    );
  }

  /** Gives up the delivery without touching the broker: the lock is known to be lost. */
  relinquish(): void {
    this.done = true;
  }

  private async run(action: string, settle: () => Promise<void>): Promise<SettleResult> {
    if (this.done) return "already-settled";
    this.done = true;
    try {
      await settle();
      this.log.debug({ action }, "message settled");
      return "settled";
    } catch (err) {
      if (isLockLost(err)) {
        this.log.warn({ action }, "lock lost before settlement; the message's next delivery owns it");
        return "lock-lost";
      }
      // Not retried: the lock expires and the message comes back, which the state machine absorbs.
      this.log.error(
        { err, action },
        "settlement failed; the message will be redelivered after its lock expires",
      );
      return "failed";
    }
  }
}
