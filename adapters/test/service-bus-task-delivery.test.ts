import { randomUUID } from "node:crypto";
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeliveryLockLostError } from "@docsift/core";
import { ensureLocalTls, startServiceBusEmulator, type ServiceBusEmulator } from "@docsift/local";
import { ServiceBusTaskDelivery } from "../src/index.js";

// The task-delivery port's Service Bus adapter against the project's emulator (its own, with a
// one-second lock): settlement, lock renewal, the lock-lost error as the core's, and the
// dead-letter description's bound.
const QUEUE = "tasks";
let emulator: ServiceBusEmulator;
let client: ServiceBusClient;
let receiver: ServiceBusReceiver;

beforeAll(async () => {
  const tls = await ensureLocalTls(inject("tlsDir"));
  emulator = await startServiceBusEmulator({
    queues: [{ name: QUEUE, lockDurationMs: 1000 }],
    tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
  });
  client = new ServiceBusClient(emulator.connectionString);
  receiver = client.createReceiver(QUEUE, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0 });
});
afterAll(async () => {
  await receiver?.close();
  await client?.close();
  await emulator?.stop();
});

/** Sends one message and receives it under a lock (other tests' leftovers are completed). */
async function deliveryOf(body: unknown): Promise<ServiceBusReceivedMessage> {
  const messageId = randomUUID();
  const sender = client.createSender(QUEUE);
  await sender.sendMessages({ body, messageId });
  await sender.close();
  for (let i = 0; i < 20; i++) {
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    if (!m) break;
    if (m.messageId === messageId) return m;
    await receiver.completeMessage(m);
  }
  throw new Error("the message did not arrive");
}

describe("ServiceBusTaskDelivery against the Service Bus emulator", () => {
  it("exposes the delivery, renews its lock and completes it", async () => {
    const message = await deliveryOf({ hello: "task" });
    const delivery = new ServiceBusTaskDelivery(receiver, message);
    expect(delivery.body).toEqual({ hello: "task" });
    expect(delivery.messageId).toBe(message.messageId);
    expect(delivery.attempt).toBe(1);
    const before = delivery.lockedUntil!.getTime();
    await new Promise((r) => setTimeout(r, 20));
    const renewed = await delivery.renewLock();
    expect(renewed.getTime()).toBeGreaterThan(before);
    expect(delivery.lockedUntil).toEqual(renewed);
    await delivery.complete();
  });

  it("reports a lock that expired as DeliveryLockLostError, on renewal and on settlement", async () => {
    const message = await deliveryOf({ hello: "slow" });
    const delivery = new ServiceBusTaskDelivery(receiver, message);
    await new Promise((r) => setTimeout(r, 1600));
    await expect(delivery.renewLock()).rejects.toBeInstanceOf(DeliveryLockLostError);
    await expect(delivery.complete()).rejects.toBeInstanceOf(DeliveryLockLostError);
    // The broker redelivers it: the next delivery owns it.
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again?.messageId).toBe(message.messageId);
    await receiver.completeMessage(again!);
  });

  it("counts a redelivery after abandon as the next attempt", async () => {
    const message = await deliveryOf({ hello: "again" });
    await new ServiceBusTaskDelivery(receiver, message).abandon();
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again?.messageId).toBe(message.messageId);
    const redelivery = new ServiceBusTaskDelivery(receiver, again!);
    expect(redelivery.attempt).toBe(2);
    await redelivery.complete();
  });

  it("dead-letters with the reason and a description cut to the broker's header size", async () => {
    const message = await deliveryOf({ hello: "poison" });
    await new ServiceBusTaskDelivery(receiver, message).deadLetter("INVALID_MESSAGE", "x".repeat(3000));
    const dlq = client.createReceiver(QUEUE, { subQueueType: "deadLetter", receiveMode: "peekLock" });
    try {
      let found: ServiceBusReceivedMessage | undefined;
      for (let i = 0; i < 20 && !found; i++) {
        const [m] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5000 });
        if (!m) break;
        if (m.messageId === message.messageId) found = m;
        await dlq.completeMessage(m);
      }
      expect(found?.deadLetterReason).toBe("INVALID_MESSAGE");
      expect(found?.deadLetterErrorDescription).toHaveLength(1024);
      expect(found?.deadLetterErrorDescription?.endsWith("…")).toBe(true);
    } finally {
      await dlq.close();
    }
  });
});
