import { randomUUID } from "node:crypto";
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import type { FunctionsConfig } from "@docsift/core";
import { InvocationContext } from "@docsift/functions";
import type { FunctionDeps, Registration } from "@docsift/functions";
import type { Logger } from "pino";
import { invocationLogHandler } from "./invocation-log.js";

type QueueRegistration = Extract<Registration, { kind: "serviceBusQueue" }>;
type TimerRegistration = Extract<Registration, { kind: "timer" }>;

/** The trigger metadata the Functions host passes for a Service Bus message (the names it uses). */
export function serviceBusTriggerMetadata(message: ServiceBusReceivedMessage): Record<string, unknown> {
  const props = message.applicationProperties ?? {};
  return {
    messageId: message.messageId,
    deliveryCount: message.deliveryCount,
    sequenceNumber: message.sequenceNumber?.toString(),
    enqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
    expiresAtUtc: message.expiresAtUtc?.toISOString(),
    lockedUntilUtc: message.lockedUntilUtc?.toISOString(),
    contentType: message.contentType,
    correlationId: message.correlationId,
    subject: message.subject,
    label: message.subject,
    applicationProperties: props,
    userProperties: props,
    deadLetterReason: message.deadLetterReason ?? props.DeadLetterReason,
    deadLetterErrorDescription: message.deadLetterErrorDescription ?? props.DeadLetterErrorDescription,
    deadLetterSource: message.deadLetterSource,
  };
}

export interface TriggerLoops {
  stop(): Promise<void>;
}

/**
 * Service Bus triggers as the host runs them: peek-lock, complete on success, abandon on a
 * throw (the broker dead-letters after max deliveries), up to 16 messages at once (host.json).
 */
export function startTriggerLoops(options: {
  registrations: Registration[];
  deps: FunctionDeps;
  client: ServiceBusClient;
  config: FunctionsConfig;
  logger: Logger;
  maxConcurrentCalls?: number;
  timers?: boolean;
}): TriggerLoops {
  const receivers: ServiceBusReceiver[] = [];
  const intervals: NodeJS.Timeout[] = [];
  const closers: Array<() => Promise<void>> = [];

  for (const r of options.registrations) {
    if (r.kind === "serviceBusQueue") {
      const reg = r as QueueRegistration;
      const queue =
        reg.source.queue === "events" ? options.config.queues.events : options.config.queues.tasks;
      const receiver = options.client.createReceiver(queue, {
        receiveMode: "peekLock",
        ...(reg.source.deadLetter ? { subQueueType: "deadLetter" as const } : {}),
      });
      receivers.push(receiver);
      const handler = reg.handler(options.deps);
      const sub = receiver.subscribe(
        {
          processMessage: async (message) => {
            const invocationId = randomUUID();
            const context = new InvocationContext({
              invocationId,
              functionName: reg.name,
              triggerMetadata: serviceBusTriggerMetadata(message),
              logHandler: invocationLogHandler(options.logger, reg.name, invocationId),
            });
            try {
              await handler(message.body, context);
            } catch (err) {
              options.logger.warn(
                { fn: reg.name, err, messageId: message.messageId, deliveryCount: message.deliveryCount },
                "trigger failed; abandoning",
              );
              await receiver.abandonMessage(message).catch(() => undefined);
              return;
            }
            await receiver.completeMessage(message);
          },
          processError: async ({ error }) => {
            options.logger.warn({ fn: reg.name, err: error }, "receiver error");
          },
        },
        { autoCompleteMessages: false, maxConcurrentCalls: options.maxConcurrentCalls ?? 16 },
      );
      closers.push(() => sub.close());
    } else if (r.kind === "timer" && options.timers !== false) {
      const reg = r as TimerRegistration;
      const handler = reg.handler(options.deps);
      const tick = () => {
        const invocationId = randomUUID();
        const context = new InvocationContext({
          invocationId,
          functionName: reg.name,
          logHandler: invocationLogHandler(options.logger, reg.name, invocationId),
        });
        handler({ isPastDue: false }, context).catch((err: unknown) =>
          options.logger.warn({ fn: reg.name, err }, "timer failed"),
        );
      };
      intervals.push(setInterval(tick, reg.intervalMs));
    }
  }
  return {
    async stop() {
      intervals.forEach(clearInterval);
      await Promise.allSettled(closers.map((c) => c()));
      await Promise.allSettled(receivers.map((r) => r.close()));
    },
  };
}
