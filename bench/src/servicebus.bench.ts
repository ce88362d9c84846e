import os from "node:os";
import path from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusMessage } from "@azure/service-bus";
import { ensureLocalTls, startServiceBusEmulator } from "@docsift/local";
import { percentile, type BenchReport, isMain, runStandalone } from "./report.js";

const MESSAGES = 10_000;
const SEND_BATCH = 250;
const RECEIVE_BATCH = 100;

/**
 * Emulator throughput with the real SDK: send 10,000 messages in batches, receive them in
 * peek-lock and complete each. Latency is per message from the start of its batch's send to its
 * completion, so it includes queueing behind earlier messages.
 */
export async function run(): Promise<BenchReport> {
  const tls = await ensureLocalTls(path.join(os.tmpdir(), "docsift-bench-tls"));
  const emulator = await startServiceBusEmulator({
    queues: [{ name: "bench" }],
    tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
  });
  const client = new ServiceBusClient(emulator.connectionString);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    const sender = client.createSender("bench");
    const receiver = client.createReceiver("bench");
    await sender.sendMessages({ body: "warm-up" });
    for (const m of await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 }))
      await receiver.completeMessage(m);

    const started = performance.now();
    const sending = (async () => {
      for (let i = 0; i < MESSAGES; i += SEND_BATCH) {
        const batch = await sender.createMessageBatch();
        const now = performance.now();
        for (let j = i; j < Math.min(MESSAGES, i + SEND_BATCH); j++) {
          const message: ServiceBusMessage = { body: { n: j, pad: "x".repeat(200) }, messageId: `m-${j}` };
          if (!batch.tryAddMessage(message)) throw new Error(`message ${j} does not fit a batch`);
          sentAt.set(`m-${j}`, now);
        }
        await sender.sendMessages(batch);
      }
    })();
    let completed = 0;
    const deadline = Date.now() + 120_000;
    while (completed < MESSAGES && Date.now() < deadline) {
      const got = await receiver.receiveMessages(RECEIVE_BATCH, { maxWaitTimeInMs: 2000 });
      await Promise.all(
        got.map(async (m) => {
          await receiver.completeMessage(m);
          const t0 = sentAt.get(String(m.messageId));
          if (t0 !== undefined) latencies.push(performance.now() - t0);
          completed++;
        }),
      );
    }
    await sending;
    const seconds = (performance.now() - started) / 1000;
    if (completed < MESSAGES) throw new Error(`only ${completed} of ${MESSAGES} messages completed`);
    const left = emulator.runtimeProperties("bench").totalMessageCount;
    await receiver.close();
    await sender.close();
    return {
      name: "servicebus-emulator",
      metrics: {
        messages: MESSAGES,
        msgPerSec: Math.round(MESSAGES / seconds),
        p50Ms: Math.round(percentile(latencies, 50)),
        p99Ms: Math.round(percentile(latencies, 99)),
        leftInQueue: left,
      },
      notes: [
        `send batches of ${SEND_BATCH}, receiveMessages(${RECEIVE_BATCH}) peek-lock, complete each; sender and receiver concurrent on one connection`,
        "latency: batch send start → completion of that message",
      ],
    };
  } finally {
    await client.close();
    await emulator.stop();
  }
}

if (isMain(import.meta.url)) runStandalone(run);
