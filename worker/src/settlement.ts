import { DeliveryLockLostError } from "@docsift/core";
import type { TaskDelivery } from "@docsift/core";
import type { Logger } from "pino";

export type SettleResult = "settled" | "lock-lost" | "failed" | "already-settled";

/**
 * Settles one delivery at most once. A settlement refused because the lock is gone is logged
 * and left alone: another delivery of the message owns it now, and the job's state machine
 * makes that delivery's work idempotent. Settlement never throws into the job's code path.
 */
export class Settlement {
  private done = false;

  constructor(
    private readonly delivery: TaskDelivery,
    private readonly log: Logger,
  ) {}

  get settled(): boolean {
    return this.done;
  }

  complete(): Promise<SettleResult> {
    return this.run("complete", () => this.delivery.complete());
  }

  abandon(): Promise<SettleResult> {
    return this.run("abandon", () => this.delivery.abandon());
  }

  /**
   * A retry after `at`, not now: a scheduled copy replaces the delivery. If the copy cannot be
   * scheduled (the broker refuses), the delivery is abandoned instead: an immediate retry is
   * worse than a late one, but better than none.
   */
  reschedule(at: Date): Promise<SettleResult> {
    return this.run("reschedule", async () => {
      try {
        await this.delivery.reschedule(at);
      } catch (err) {
        if (err instanceof DeliveryLockLostError) throw err;
        this.log.warn({ err }, "could not schedule the retry; abandoning the message instead");
        await this.delivery.abandon();
      }
    });
  }

  deadLetter(reason: string, description: string): Promise<SettleResult> {
    return this.run("dead-letter", () => this.delivery.deadLetter(reason, description));
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
      if (err instanceof DeliveryLockLostError) {
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
