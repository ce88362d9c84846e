import { randomUUID } from "node:crypto";
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeliveryLockLostError } from "@docsift/core";
import { ensureLocalTls, startServiceBusEmulator, type ServiceBusEmulator } from "@docsift/local";
import { ServiceBusTaskDelivery, retryMessageId } from "../src/index.js";

// The task-delivery port's Service Bus adapter against the project's emulator (its own, with a
// one-second lock): settlement, lock renewal, the lock-lost error as the core's, the
// dead-letter description's bound, and rescheduled copies.
const QUEUE = "tasks";
let emulator: ServiceBusEmulator;
let client: ServiceBusClient;
let receiver: ServiceBusReceiver;
let sender: ServiceBusSender;

beforeAll(async () => {
  const tls = await ensureLocalTls(inject("tlsDir"));
  emulator = await startServiceBusEmulator({
    queues: [{ name: QUEUE, lockDurationMs: 1000 }],
    tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
  });
  client = new ServiceBusClient(emulator.connectionString);
  receiver = client.createReceiver(QUEUE, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0 });
  sender = client.createSender(QUEUE);
});
afterAll(async () => {
  await sender?.close();
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
    const delivery = new ServiceBusTaskDelivery(receiver, message, sender);
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
    const delivery = new ServiceBusTaskDelivery(receiver, message, sender);
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
    await new ServiceBusTaskDelivery(receiver, message, sender).abandon();
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again?.messageId).toBe(message.messageId);
    const redelivery = new ServiceBusTaskDelivery(receiver, again!, sender);
    expect(redelivery.attempt).toBe(2);
    await redelivery.complete();
  });

  it("dead-letters with the reason and a description cut to the broker's header size", async () => {
    const message = await deliveryOf({ hello: "poison" });
    await new ServiceBusTaskDelivery(receiver, message, sender).deadLetter(
      "INVALID_MESSAGE",
      "x".repeat(3000),
    );
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

  it("reschedules a copy for later, under its own id, counting retries and attempts on", async () => {
    const message = await deliveryOf({ hello: "later" });
    const first = new ServiceBusTaskDelivery(receiver, message, sender);
    expect(first.retries).toBe(0);
    const at = new Date(Date.now() + 1500);
    await first.reschedule(at);
    // The original is settled: nothing comes back before the copy's time.
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 800 })).toEqual([]);
    const [copy] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(copy?.body).toEqual({ hello: "later" });
    expect(copy?.messageId).toBe(`${message.messageId}:r1`);
    expect(copy!.enqueuedTimeUtc!.getTime()).toBeGreaterThanOrEqual(at.getTime() - 100);
    const second = new ServiceBusTaskDelivery(receiver, copy!, sender);
    expect(second.retries).toBe(1);
    // The copy outranks the delivery it replaced.
    expect(second.attempt).toBe(2);
    await second.abandon();
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const third = new ServiceBusTaskDelivery(receiver, again!, sender);
    expect([third.retries, third.attempt]).toEqual([1, 3]);
    await third.complete();
  });

  it("names each copy after the original, never stacking retry suffixes", () => {
    expect(retryMessageId("job:1", 1)).toBe("job:1:r1");
    expect(retryMessageId("job:1:r1", 2)).toBe("job:1:r2");
    expect(retryMessageId("job:1:g2:r7", 8)).toBe("job:1:g2:r8");
  });
});
