import { isServiceBusError } from "@azure/service-bus";
import type {
  ServiceBusMessage,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
} from "@azure/service-bus";
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

/** Application properties of a rescheduled copy: its retry number, and the deliveries before it. */
export const RETRIES_PROPERTY = "docsiftRetries";
export const PRIOR_ATTEMPTS_PROPERTY = "docsiftPriorAttempts";

function countOf(message: Pick<ServiceBusReceivedMessage, "applicationProperties">, name: string): number {
  const value = Number(message.applicationProperties?.[name] ?? 0);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

/** The message id of a task's n-th rescheduled copy: the original's, with the retry number. */
export const retryMessageId = (messageId: string, retry: number): string =>
  `${messageId.replace(/:r\d+$/, "")}:r${retry}`;

/** A peek-locked `inference-tasks` message as the worker's TaskDelivery. */
export class ServiceBusTaskDelivery implements TaskDelivery {
  #lockedUntil: Date | undefined;

  constructor(
    private readonly receiver: ServiceBusReceiver,
    private readonly message: ServiceBusReceivedMessage,
    /** A sender to the same queue, for rescheduled copies. */
    private readonly sender: ServiceBusSender,
  ) {
    this.#lockedUntil = message.lockedUntilUtc;
  }

  get retries(): number {
    return countOf(this.message, RETRIES_PROPERTY);
  }

  get body(): unknown {
    return this.message.body;
  }

  get messageId(): string {
    return String(this.message.messageId ?? "");
  }

  get attempt(): number {
    // A copy's deliveries count on from the original's, so attempts never go backwards.
    return countOf(this.message, PRIOR_ATTEMPTS_PROPERTY) + (this.message.deliveryCount ?? 0) + 1;
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

  async reschedule(at: Date): Promise<void> {
    const { message } = this;
    const retry = this.retries + 1;
    const copy: ServiceBusMessage = {
      body: message.body,
      // An id of its own: the tasks queue drops a message whose id it saw within its duplicate
      // detection window, which would silently drop the copy of an id it just delivered.
      messageId: retryMessageId(this.messageId, retry),
      ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
      ...(message.subject !== undefined ? { subject: message.subject } : {}),
      applicationProperties: {
        ...message.applicationProperties,
        [RETRIES_PROPERTY]: retry,
        [PRIOR_ATTEMPTS_PROPERTY]: this.attempt,
      },
    };
    // Copy first: a crash between the two leaves a duplicate (absorbed), never a lost task.
    await this.sender.scheduleMessages(copy, at);
    await this.complete();
  }

  async renewLock(): Promise<Date> {
    this.#lockedUntil = await settling(() => this.receiver.renewMessageLock(this.message));
    return this.#lockedUntil;
  }
}
