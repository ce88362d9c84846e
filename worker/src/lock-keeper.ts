import { DeliveryLockLostError } from "@docsift/core";
import type { TaskDelivery } from "@docsift/core";
import type { Logger } from "pino";

export interface LockKeeperOptions {
  /** Stop renewing after this long: a job past its own timeout must not hold its lock for ever. */
  maxRenewMs: number;
  onRenewed(): void;
  /** The lock is gone (expired, or the broker says so): another delivery may own the job now. */
  onLost(err: unknown): void;
  onError(err: unknown): void;
}

/**
 * Renews one message's lock at half of its remaining time until stopped. The worker renews
 * itself rather than through the SDK's auto-renewal (disabled on the receiver) so that every
 * renewal is counted, renewal ends the moment the job ends, and a lost lock aborts the job
 * instead of letting it run on beside the delivery that now owns it.
 */
export function keepLock(delivery: TaskDelivery, options: LockKeeperOptions, log: Logger): { stop(): void } {
  const deadline = Date.now() + options.maxRenewMs;
  let lockedUntil = delivery.lockedUntil?.getTime() ?? Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped) return;
    const remaining = lockedUntil - Date.now();
    if (Date.now() >= deadline) {
      log.warn({ maxRenewMs: options.maxRenewMs }, "lock renewal window ended; the lock will expire");
      return;
    }
    timer = setTimeout(renew, Math.max(50, Math.floor(remaining / 2)));
  };

  const renew = async () => {
    if (stopped) return;
    try {
      const until = await delivery.renewLock();
      lockedUntil = until.getTime();
      if (stopped) return;
      options.onRenewed();
    } catch (err) {
      if (stopped) return;
      if (err instanceof DeliveryLockLostError || Date.now() >= lockedUntil) {
        stopped = true;
        options.onLost(err);
        return;
      }
      // A failed call is not a lost lock while time is left: try again sooner.
      options.onError(err);
    }
    schedule();
  };

  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
