import pino from "pino";
import { describe, expect, it } from "vitest";
import { DocsiftError, MESSAGE_SCHEMA_VERSION } from "@docsift/core";
import type { FunctionsConfig, JobRepository } from "@docsift/core";
import { deadLetterTriageHandler } from "../src/events/dead-letter-triage.js";
import { InvocationContext } from "../src/index.js";
import type { FunctionDeps } from "../src/index.js";

// The dead-letter triage while the job store is down: it waits a backoff that grows with the
// message's deliveries before handing it back, so a failing dead letter cannot loop hot.

const TASK = {
  schemaVersion: MESSAGE_SCHEMA_VERSION,
  jobId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  userId: "alice",
  submission: 1,
  blob: {
    container: "uploads",
    name: "alice/0f8fad5b-d9cb-469f-a165-70867728950e",
    sizeBytes: 10,
    contentType: "application/pdf",
  },
  documentKind: "pdf",
  model: { name: "docsift-kie" },
  submittedAt: "2026-03-01T12:00:00.000Z",
};

function triageWithCosmosDown() {
  const down = () => Promise.reject(new DocsiftError("DEPENDENCY_UNAVAILABLE", "Cosmos DB unavailable"));
  const deps = {
    config: { recovery: { deadLetterBackoff: { baseMs: 2000, capMs: 60_000 } } } as FunctionsConfig,
    jobs: { get: down } as unknown as JobRepository,
    deadLetters: { record: down },
    clock: { now: () => new Date() },
    logger: pino({ level: "silent" }),
  } as unknown as FunctionDeps;
  const waits: number[] = [];
  const handler = deadLetterTriageHandler(deps, async (ms) => void waits.push(ms));
  const deliver = (deliveryCount: number) =>
    handler(
      TASK,
      new InvocationContext({
        invocationId: `dl-${deliveryCount}`,
        functionName: "deadLetterTriage",
        triggerMetadata: { messageId: "m", deliveryCount, deadLetterReason: "MaxDeliveryCountExceeded" },
      }),
    );
  return { deliver, waits };
}

describe("dead-letter triage while a dependency is down", () => {
  it("waits a backoff before handing the message back, and still reports the failure", async () => {
    const { deliver, waits } = triageWithCosmosDown();
    await expect(deliver(1)).rejects.toThrow("Cosmos DB unavailable");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThanOrEqual(4000);
  });

  it("waits longer with every delivery, up to the cap", async () => {
    const { deliver, waits } = triageWithCosmosDown();
    for (const count of [0, 3, 6, 50]) await expect(deliver(count)).rejects.toThrow();
    expect(waits[1]!).toBeGreaterThanOrEqual(8000);
    expect(waits[2]!).toBeGreaterThanOrEqual(30_000);
    for (const ms of waits) expect(ms).toBeLessThanOrEqual(60_000);
    expect(waits[3]!).toBeGreaterThanOrEqual(30_000);
  });
});
