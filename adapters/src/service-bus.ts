import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import { JobEventSchema, InferenceTaskSchema, taskMessageId } from "@docsift/core";
import type { EventPublisher, InferenceTask, JobEvent, ServiceConnection, TaskQueue } from "@docsift/core";
import { azureCredential } from "./credentials.js";

export function createServiceBusClient(connection: ServiceConnection): ServiceBusClient {
  return connection.kind === "connectionString"
    ? new ServiceBusClient(connection.connectionString)
    : new ServiceBusClient(connection.endpoint, azureCredential());
}

export function taskMessage(task: InferenceTask): ServiceBusMessage {
  const body = InferenceTaskSchema.parse(task);
  return {
    body,
    messageId: taskMessageId(body.jobId, body.submission, body.dispatch),
    contentType: "application/json",
    subject: "inference-task",
    applicationProperties: { jobId: body.jobId, userId: body.userId, schemaVersion: body.schemaVersion },
  };
}

export class ServiceBusTaskQueue implements TaskQueue {
  private readonly sender: ServiceBusSender;

  constructor(client: ServiceBusClient, queue: string) {
    this.sender = client.createSender(queue);
  }

  async enqueue(task: InferenceTask, options: { scheduledAt?: Date } = {}): Promise<void> {
    const message = taskMessage(task);
    if (options.scheduledAt && options.scheduledAt.getTime() > Date.now())
      await this.sender.scheduleMessages(message, options.scheduledAt);
    else await this.sender.sendMessages(message);
  }

  async close(): Promise<void> {
    await this.sender.close();
  }
}

export class ServiceBusEventPublisher implements EventPublisher {
  private readonly sender: ServiceBusSender;

  constructor(client: ServiceBusClient, queue: string) {
    this.sender = client.createSender(queue);
  }

  async publish(event: JobEvent): Promise<void> {
    const body = JobEventSchema.parse(event);
    await this.sender.sendMessages({
      body,
      // The event id is derived from the job's history, so re-publishing a transition re-sends the same id.
      messageId: body.eventId,
      contentType: "application/json",
      subject: body.type,
      applicationProperties: { jobId: body.jobId, userId: body.userId, type: body.type },
    });
  }

  async close(): Promise<void> {
    await this.sender.close();
  }
}
