import { isServiceBusError } from "@azure/service-bus";
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import { DeliveryLockLostError } from "@docsift/core";
import type { TaskDelivery } from "@docsift/core";

// Service Bus keeps dead-letter descriptions in a message header; keep them short and readable.
const MAX_DESCRIPTION_CHARS = 1024;

const lockLost = (err: unknown): boolean =>
  isServiceBusError(err) && (err.code === "MessageLockLost" || err.code === "SessionLockLost");

/** The SDK's lock-lost error as the core's; anything else as it was. */
async function settling<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (lockLost(err)) throw new DeliveryLockLostError({ cause: err });
    throw err;
  }
}

/** A peek-locked `inference-tasks` message as the worker's TaskDelivery. */
export class ServiceBusTaskDelivery implements TaskDelivery {
  #lockedUntil: Date | undefined;

  constructor(
    private readonly receiver: ServiceBusReceiver,
    private readonly message: ServiceBusReceivedMessage,
  ) {
    this.#lockedUntil = message.lockedUntilUtc;
  }

  get body(): unknown {
    return this.message.body;
  }

  get messageId(): string {
    return String(this.message.messageId ?? "");
  }

  get attempt(): number {
    return (this.message.deliveryCount ?? 0) + 1;
  }

  get lockedUntil(): Date | undefined {
    return this.#lockedUntil;
  }

  complete(): Promise<void> {
    return settling(() => this.receiver.completeMessage(this.message));
  }

  abandon(): Promise<void> {
    return settling(() => this.receiver.abandonMessage(this.message));
  }

  deadLetter(reason: string, description: string): Promise<void> {
    const deadLetterErrorDescription =
      description.length > MAX_DESCRIPTION_CHARS
        ? `${description.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`
        : description;
    return settling(() =>
      this.receiver.deadLetterMessage(this.message, { deadLetterReason: reason, deadLetterErrorDescription }),
    );
  }

  async renewLock(): Promise<Date> {
    this.#lockedUntil = await settling(() => this.receiver.renewMessageLock(this.message));
    return this.#lockedUntil;
  }
}
