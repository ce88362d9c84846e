import net from "node:net";
import { once } from "node:events";
import { ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import type {
  ServiceBusAdministrationClient as AdminClient,
  ServiceBusClient as Client,
  ServiceBusReceivedMessage,
} from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startServiceBusEmulator, type ServiceBusEmulator } from "../src/servicebus/index.js";
import { ensureLocalTls } from "../src/tls/local-ca.js";

// Conformance of the emulator against the real @azure/service-bus SDK over real sockets.
let emulator: ServiceBusEmulator;
let client: Client;
let admin: AdminClient;
let tlsPair: { key: string; cert: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const tls = await ensureLocalTls(inject("tlsDir"));
  tlsPair = { key: tls.serverKeyPem, cert: tls.serverCertPem };
  emulator = await startServiceBusEmulator({
    queues: [
      { name: "basic" },
      { name: "abandon", maxDeliveryCount: 3 },
      { name: "slow", lockDurationMs: 1500 },
      { name: "expiry", lockDurationMs: 1000 },
      { name: "counts" },
      { name: "deadletter" },
      { name: "peek" },
      { name: "defer" },
      { name: "scheduled" },
      { name: "delete" },
      { name: "batch" },
      { name: "ttl", defaultMessageTimeToLiveMs: 300, deadLetteringOnMessageExpiration: true },
    ],
    tls: tlsPair,
  });
  client = new ServiceBusClient(emulator.connectionString);
  admin = new ServiceBusAdministrationClient(emulator.connectionString);
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

async function receiveAll(queue: string, count: number, subQueueType?: "deadLetter") {
  const receiver = client.createReceiver(queue, subQueueType ? { subQueueType } : {});
  const got: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + 10_000;
  while (got.length < count && Date.now() < deadline) {
    got.push(...(await receiver.receiveMessages(count - got.length, { maxWaitTimeInMs: 1000 })));
  }
  return { receiver, got };
}

describe("Service Bus emulator with the real SDK", () => {
  it("sends and receives in peek-lock with broker annotations and an assigned message id", async () => {
    const sender = client.createSender("basic");
    await sender.sendMessages({ body: { hello: "world" }, applicationProperties: { attempt: 2 } });
    await sender.close();
    const { receiver, got } = await receiveAll("basic", 1);
    const [m] = got;
    expect(m?.body).toEqual({ hello: "world" });
    expect(m?.applicationProperties).toEqual({ attempt: 2 });
    expect(typeof m?.messageId).toBe("string");
    expect(String(m?.messageId).length).toBeGreaterThan(0);
    expect(m?.sequenceNumber?.toNumber()).toBe(1);
    expect(m?.deliveryCount).toBe(0);
    expect(m?.enqueuedTimeUtc?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(m?.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(m?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    await receiver.completeMessage(m!);
    expect(emulator.runtimeProperties("basic").activeMessageCount).toBe(0);
    await receiver.close();
  });

  it("dead-letters with MaxDeliveryCountExceeded after three abandons", async () => {
    const sender = client.createSender("abandon");
    await sender.sendMessages({ body: "poison", messageId: "poison-1" });
    await sender.close();
    const receiver = client.createReceiver("abandon");
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      counts.push(m!.deliveryCount!);
      await receiver.abandonMessage(m!);
    }
    expect(counts).toEqual([0, 1, 2]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();
    const { receiver: dlq, got } = await receiveAll("abandon", 1, "deadLetter");
    expect(got[0]?.messageId).toBe("poison-1");
    expect(got[0]?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(got[0]?.deadLetterSource).toBe("abandon");
    await dlq.completeMessage(got[0]!);
    await dlq.close();
  });

  it("keeps a slow handler's lock alive with subscribe's auto-renewal: no redelivery", async () => {
    const sender = client.createSender("slow");
    await sender.sendMessages({ body: "slow job", messageId: "slow-1" });
    await sender.close();
    const receiver = client.createReceiver("slow", { maxAutoLockRenewalDurationInMs: 60_000 });
    const seen: number[] = [];
    const errors: Error[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const sub = receiver.subscribe(
      {
        async processMessage(m) {
          seen.push(m.deliveryCount!);
          await sleep(4000); // well past the 1.5 s lock
          done();
        },
        async processError(args) {
          errors.push(args.error);
        },
      },
      { autoCompleteMessages: true },
    );
    await finished;
    await sleep(1700); // the completion lands; a lost lock would have redelivered by now
    await sub.close();
    await receiver.close();
    expect(errors).toEqual([]);
    expect(seen).toEqual([0]);
    expect(emulator.runtimeProperties("slow").activeMessageCount).toBe(0);
  });

  it("redelivers after lock expiry and refuses the stale lock with MessageLockLost", async () => {
    const sender = client.createSender("expiry");
    await sender.sendMessages({ body: "expiring", messageId: "exp-1" });
    await sender.close();
    const receiver = client.createReceiver("expiry", { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(first?.deliveryCount).toBe(0);
    await sleep(1300);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(second?.messageId).toBe("exp-1");
    expect(second?.deliveryCount).toBe(1);
    await expect(receiver.completeMessage(first!)).rejects.toMatchObject({ code: "MessageLockLost" });
    await expect(receiver.renewMessageLock(first!)).rejects.toMatchObject({ code: "MessageLockLost" });
    const renewed = await receiver.renewMessageLock(second!);
    expect(renewed.getTime()).toBeGreaterThan(Date.now() + 500);
    await receiver.completeMessage(second!);
    await receiver.close();
  });

  it("reports Azure's counts to the admin client: active includes locked, dead-letter and scheduled apart", async () => {
    const sender = client.createSender("counts");
    await sender.sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    await sender.scheduleMessages({ body: "later" }, new Date(Date.now() + 60_000));
    await sender.close();
    const { receiver, got } = await receiveAll("counts", 2);
    await receiver.deadLetterMessage(got[0]!, {
      deadLetterReason: "bad",
      deadLetterErrorDescription: "broken",
    });
    const props = await admin.getQueueRuntimeProperties("counts");
    expect(props.name).toBe("counts");
    expect(props.activeMessageCount).toBe(2); // one locked, one waiting
    expect(props.deadLetterMessageCount).toBe(1);
    expect(props.scheduledMessageCount).toBe(1);
    expect(props.totalMessageCount).toBe(4);
    expect(emulator.runtimeProperties("counts")).toEqual({
      activeMessageCount: 2,
      deadLetterMessageCount: 1,
      scheduledMessageCount: 1,
      totalMessageCount: 4,
    });
    const queue = await admin.getQueue("abandon");
    expect(queue.maxDeliveryCount).toBe(3);
    expect(queue.lockDuration).toBe("PT1M");
    const names: string[] = [];
    for await (const q of admin.listQueues()) names.push(q.name);
    expect(names).toContain("counts");
    expect(names).toHaveLength(12);
    await receiver.close();
  });

  it("dead-letters with reason and description readable from the DLQ receiver", async () => {
    const sender = client.createSender("deadletter");
    await sender.sendMessages({ body: { job: 7 }, messageId: "dl-1", applicationProperties: { jobId: "7" } });
    await sender.close();
    const { receiver, got } = await receiveAll("deadletter", 1);
    await receiver.deadLetterMessage(got[0]!, {
      deadLetterReason: "CORRUPT_DOCUMENT",
      deadLetterErrorDescription: "xref table missing",
    });
    await receiver.close();
    const { receiver: dlq, got: dead } = await receiveAll("deadletter", 1, "deadLetter");
    expect(dead[0]?.messageId).toBe("dl-1");
    expect(dead[0]?.body).toEqual({ job: 7 });
    expect(dead[0]?.deadLetterReason).toBe("CORRUPT_DOCUMENT");
    expect(dead[0]?.deadLetterErrorDescription).toBe("xref table missing");
    expect(dead[0]?.applicationProperties?.jobId).toBe("7");
    await dlq.completeMessage(dead[0]!);
    expect(emulator.runtimeProperties("deadletter").deadLetterMessageCount).toBe(0);
    await dlq.close();
  });

  it("peeks in sequence order without locking, and returns nothing on an empty queue", async () => {
    const receiver = client.createReceiver("peek");
    expect(await receiver.peekMessages(5)).toEqual([]);
    const sender = client.createSender("peek");
    await sender.sendMessages([{ body: "a" }, { body: "b" }, { body: "c" }]);
    await sender.close();
    const peeked = await client.createReceiver("peek").peekMessages(10);
    expect(peeked.map((m) => m.body)).toEqual(["a", "b", "c"]);
    expect(peeked.map((m) => m.sequenceNumber?.toNumber())).toEqual([1, 2, 3]);
    expect(emulator.runtimeProperties("peek").activeMessageCount).toBe(3);
    const { got } = await receiveAll("peek", 3);
    expect(got).toHaveLength(3);
    await receiver.close();
  });

  it("defers a message and receives it again by sequence number", async () => {
    const sender = client.createSender("defer");
    await sender.sendMessages({ body: "deferred", messageId: "def-1" });
    await sender.close();
    const { receiver, got } = await receiveAll("defer", 1);
    const seq = got[0]!.sequenceNumber!;
    await receiver.deferMessage(got[0]!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    const [again] = await receiver.receiveDeferredMessages(seq);
    expect(again?.messageId).toBe("def-1");
    expect(again?.deliveryCount).toBe(1);
    await receiver.renewMessageLock(again!);
    await receiver.completeMessage(again!);
    expect(emulator.runtimeProperties("defer").totalMessageCount).toBe(0);
    await receiver.close();
  });

  it("delivers scheduled messages (management and annotation forms) only after their time; cancels", async () => {
    const sender = client.createSender("scheduled");
    const at = new Date(Date.now() + 1500);
    const [seq] = await sender.scheduleMessages({ body: "via-management" }, at);
    await sender.sendMessages({ body: "via-annotation", scheduledEnqueueTimeUtc: at });
    const [cancelled] = await sender.scheduleMessages({ body: "cancelled" }, at);
    await sender.cancelScheduledMessages(cancelled!);
    await sender.close();
    expect(seq?.toNumber()).toBe(1);
    expect(emulator.runtimeProperties("scheduled").scheduledMessageCount).toBe(2);
    const receiver = client.createReceiver("scheduled");
    expect(await receiver.receiveMessages(2, { maxWaitTimeInMs: 500 })).toHaveLength(0);
    const { got } = await receiveAll("scheduled", 2);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    expect(got.map((m) => m.body).sort()).toEqual(["via-annotation", "via-management"]);
    for (const m of got) await receiver.completeMessage(m);
    await sleep(50);
    expect(emulator.runtimeProperties("scheduled").totalMessageCount).toBe(0);
    await receiver.close();
  });

  it("removes messages on delivery in receive-and-delete mode", async () => {
    const sender = client.createSender("delete");
    await sender.sendMessages([{ body: 1 }, { body: 2 }]);
    await sender.close();
    const receiver = client.createReceiver("delete", { receiveMode: "receiveAndDelete" });
    const got: ServiceBusReceivedMessage[] = [];
    while (got.length < 2) got.push(...(await receiver.receiveMessages(2, { maxWaitTimeInMs: 1000 })));
    expect(got.map((m) => m.body)).toEqual([1, 2]);
    expect(emulator.runtimeProperties("delete").totalMessageCount).toBe(0);
    await receiver.close();
  });

  it("sends a batch of 100 and receives each once", async () => {
    const sender = client.createSender("batch");
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 100; i++)
      expect(batch.tryAddMessage({ body: { i }, messageId: `b-${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.close();
    expect(emulator.runtimeProperties("batch").activeMessageCount).toBe(100);
    const { receiver, got } = await receiveAll("batch", 100);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(100);
    expect(got.map((m) => m.sequenceNumber?.toNumber())).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    for (const m of got) await receiver.completeMessage(m);
    expect(emulator.runtimeProperties("batch").activeMessageCount).toBe(0);
    await receiver.close();
  });

  it("dead-letters expired messages when the queue says so", async () => {
    const sender = client.createSender("ttl");
    await sender.sendMessages({ body: "stale", messageId: "ttl-1" });
    await sender.close();
    await sleep(500);
    expect(emulator.runtimeProperties("ttl").activeMessageCount).toBe(0);
    const { receiver, got } = await receiveAll("ttl", 1, "deadLetter");
    expect(got[0]?.messageId).toBe("ttl-1");
    expect(got[0]?.deadLetterReason).toBe("TTLExpiredException");
    await receiver.completeMessage(got[0]!);
    await receiver.close();
  });

  it("answers an unknown queue with MessagingEntityNotFound (AMQP) and MessageEntityNotFoundError (admin)", async () => {
    const sender = client.createSender("no-such-queue");
    await expect(sender.sendMessages({ body: "x" })).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
    await sender.close();
    const receiver = client.createReceiver("no-such-queue");
    await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 })).rejects.toMatchObject({
      code: "MessagingEntityNotFound",
    });
    await receiver.close();
    await expect(admin.getQueueRuntimeProperties("no-such-queue")).rejects.toMatchObject({
      code: "MessageEntityNotFoundError",
    });
  });

  it("refuses a client signing with the wrong key", async () => {
    const wrong = new ServiceBusClient(
      emulator.connectionString.replace(/SharedAccessKey=[^;]+/, "SharedAccessKey=nope"),
      {
        retryOptions: { maxRetries: 0 },
      },
    );
    await expect(wrong.createSender("basic").sendMessages({ body: 1 })).rejects.toMatchObject({
      code: "UnauthorizedAccess",
    });
    await wrong.close();
  });

  it("frees its port on stop", async () => {
    const own = await startServiceBusEmulator({ port: 0, queues: [{ name: "q" }], tls: tlsPair });
    const c = new ServiceBusClient(own.connectionString);
    await c.createSender("q").sendMessages({ body: 1 });
    await own.stop();
    await c.close();
    const probe = net.createServer();
    probe.listen(own.port, own.host);
    await once(probe, "listening");
    await new Promise((r) => probe.close(r));
  });
});
