import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { ConcurrencyConflictError, StoredDocumentInvalidError, decide, transitionJob } from "@docsift/core";
import type { DeadLetterRecord, Job } from "@docsift/core";
import { newUploadJob } from "@docsift/core/testing";
import {
  CosmosDeadLetterRepository,
  CosmosJobRepository,
  cosmosContainers,
  createCosmosClient,
} from "../src/index.js";

const env = inject("stackEnv");
const client = createCosmosClient({
  kind: "connectionString",
  connectionString: env.COSMOS_CONNECTION_STRING!,
  database: env.COSMOS_DATABASE!,
  caCertFile: env.COSMOS_CA_CERT_FILE!,
});
const containers = cosmosContainers(client, env.COSMOS_DATABASE!);
const jobs = new CosmosJobRepository(containers.jobs);
const deadLetters = new CosmosDeadLetterRepository(containers.deadletters);

const newJob = (userId: string, at = new Date(), windowMs = 60_000): Job =>
  newUploadJob(userId, { at, windowMs });

describe("CosmosJobRepository against cosmosdb-server", () => {
  it("creates, reads back equal, and refuses a duplicate id", async () => {
    const job = newJob(`u-${randomUUID()}`);
    const created = await jobs.create(job);
    expect(created.value).toEqual(job);
    expect(created.etag).toBeTruthy();
    expect((await jobs.get(job.userId, job.id))?.value).toEqual(job);
    await expect(jobs.create(job)).rejects.toBeInstanceOf(ConcurrencyConflictError);
  });

  it("does not find another user's job under its id", async () => {
    const job = newJob(`u-${randomUUID()}`);
    await jobs.create(job);
    expect(await jobs.get("someone-else", job.id)).toBeUndefined();
  });

  it("lets exactly one of two writers with the same etag win", async () => {
    const job = newJob(`u-${randomUUID()}`);
    const { etag } = await jobs.create(job);
    const a = decide(job, { type: "submit", at: new Date() });
    const b = decide(job, { type: "expire", at: new Date() });
    if (a.outcome !== "applied" || b.outcome !== "applied")
      throw new Error("expected both to apply in memory");
    const results = await Promise.allSettled([jobs.replace(a.job, etag), jobs.replace(b.job, etag)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyConflictError);
    const stored = (await jobs.get(job.userId, job.id))!.value;
    expect(["QUEUED", "EXPIRED"]).toContain(stored.status);
    expect(stored.history).toHaveLength(2);
  });

  it("serialises concurrent transitions through re-read and re-decide", async () => {
    const job = newJob(`u-${randomUUID()}`);
    await jobs.create(job);
    const published: { type: string; eventId: string }[] = [];
    const events = { publish: async (e: { type: string; eventId: string }) => void published.push(e) };
    const outcomes = await Promise.allSettled([
      transitionJob({ jobs, events }, job.userId, job.id, { type: "submit", at: new Date() }),
      transitionJob({ jobs, events }, job.userId, job.id, { type: "submit", at: new Date() }),
    ]);
    expect(outcomes.every((o) => o.status === "fulfilled")).toBe(true);
    const decisions = outcomes
      .map(
        (o) =>
          (o as PromiseFulfilledResult<Awaited<ReturnType<typeof transitionJob>>>).value.decision.outcome,
      )
      .sort();
    expect(decisions).toEqual(["applied", "duplicate"]);
    const stored = (await jobs.get(job.userId, job.id))!.value;
    expect(stored.status).toBe("QUEUED");
    expect(stored.submissions).toBe(1);
    // One event: the duplicate sends it again (same id) only if it read the job before the
    // first writer confirmed its publish, never a second transition's event.
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(published.length).toBeLessThanOrEqual(2);
    expect(new Set(published.map((e) => `${e.type} ${e.eventId}`)).size).toBe(1);
    expect(published[0]!.type).toBe("job.queued");
  });

  it("pages a user's jobs newest first with continuation tokens, without deleted ones", async () => {
    const userId = `u-${randomUUID()}`;
    const base = Date.UTC(2026, 0, 1);
    const created: Job[] = [];
    for (let i = 0; i < 5; i++) {
      const j = newJob(userId, new Date(base + i * 1000));
      await jobs.create(j);
      created.push(j);
    }
    const deleted = decide(created[2]!, { type: "delete", at: new Date(base + 10_000) });
    if (deleted.outcome !== "applied") throw new Error("expected delete");
    await jobs.replace(deleted.job, (await jobs.get(userId, created[2]!.id))!.etag);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await jobs.listByUser(userId, {
        limit: 2,
        ...(token ? { continuationToken: token } : {}),
      });
      seen.push(...page.items.map((j) => j.id));
      token = page.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual([created[4]!, created[3]!, created[1]!, created[0]!].map((j) => j.id));
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it("reports a stored job that no longer matches its schema as a typed error, whatever reads it", async () => {
    const userId = `u-${randomUUID()}`;
    const id = randomUUID();
    // With createdAt, as the list orders by it (Cosmos leaves out documents without the field).
    await containers.jobs.items.create({
      id,
      userId,
      status: "MISPLACED",
      createdAt: new Date().toISOString(),
    });
    const err = await jobs.get(userId, id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoredDocumentInvalidError);
    expect(err).toMatchObject({ entity: "job", id });
    expect((err as StoredDocumentInvalidError).problems.join(" ")).toMatch(/status/);
    await expect(jobs.listByUser(userId, { limit: 5 })).rejects.toBeInstanceOf(StoredDocumentInvalidError);
  });

  it("finds uploads whose window has passed, across users", async () => {
    const old = newJob(`u-${randomUUID()}`, new Date(Date.now() - 3600_000), 60_000);
    const fresh = newJob(`u-${randomUUID()}`);
    await jobs.create(old);
    await jobs.create(fresh);
    const expired = await jobs.listUploadExpired(new Date(), 1000);
    expect(expired.map((j) => j.id)).toContain(old.id);
    expect(expired.map((j) => j.id)).not.toContain(fresh.id);
  });

  it("lists owed events oldest first, leaving out a queued job whose task is not out yet", async () => {
    const user = `u-${randomUUID()}`;
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    // Submitted (the transition puts job.queued in the outbox), then aged; one has its task out.
    const queued = async (ageMinutes: number, sent: boolean): Promise<Job> => {
      const submitted = decide(newJob(user), { type: "submit", at: new Date() }).job;
      const job = { ...submitted, updatedAt: minutesAgo(ageMinutes), ...(sent ? { dispatched: 1 } : {}) };
      return (await jobs.create(job)).value;
    };
    const newer = await queued(5, true);
    const unsent = await queued(20, false);
    const older = await queued(10, true);
    expect(older.outbox).toBeDefined();
    const owed = (await jobs.listPendingEvents(new Date(Date.now() - 60_000), 100_000)).filter(
      (j) => j.userId === user,
    );
    expect(owed.map((j) => j.id)).toEqual([older.id, newer.id]);
    expect(owed.map((j) => j.id)).not.toContain(unsent.id);
  });

  it("reports one user's intake: jobs created since a time, and the deadlines of uploads still open", async () => {
    const userId = `u-${randomUUID()}`;
    const now = Date.now();
    const old = newJob(userId, new Date(now - 120_000), 3600_000);
    const recent = newJob(userId, new Date(now - 20_000), 3600_000);
    const submitted = decide(newJob(userId, new Date(now - 10_000)), { type: "submit", at: new Date(now) });
    if (submitted.outcome !== "applied") throw new Error("expected submit");
    for (const j of [old, recent, submitted.job]) await jobs.create(j);
    await jobs.create(newJob(`other-${randomUUID()}`, new Date(now - 5_000)));

    const usage = await jobs.intakeUsage(userId, new Date(now - 60_000));
    const byId = new Map(usage.jobs.map((j) => [j.id, j]));
    // Created within the minute, or still waiting for an upload; never another user's.
    expect([...byId.keys()].sort()).toEqual([old.id, recent.id, submitted.job.id].sort());
    expect(byId.get(recent.id)).toEqual({
      id: recent.id,
      createdAt: new Date(recent.createdAt),
      openUntil: new Date(recent.uploadExpiresAt),
    });
    expect(byId.get(old.id)?.openUntil).toEqual(new Date(old.uploadExpiresAt));
    // The submitted job no longer waits for its upload.
    expect(byId.get(submitted.job.id)).toEqual({
      id: submitted.job.id,
      createdAt: new Date(submitted.job.createdAt),
    });
  });

  it("purges idempotently", async () => {
    const job = newJob(`u-${randomUUID()}`);
    await jobs.create(job);
    await jobs.purge(job.userId, job.id);
    await jobs.purge(job.userId, job.id);
    expect(await jobs.get(job.userId, job.id)).toBeUndefined();
  });
});

describe("CosmosDeadLetterRepository against cosmosdb-server", () => {
  const record = (over: Partial<DeadLetterRecord> = {}): DeadLetterRecord => ({
    id: `m-${randomUUID()}:1`,
    jobId: randomUUID(),
    userId: "alice",
    messageId: "m",
    sequenceNumber: "1",
    reason: "CORRUPT_DOCUMENT",
    description: "bad xref",
    deliveryCount: 1,
    deadLetteredAt: new Date().toISOString(),
    recordedAt: new Date().toISOString(),
    transient: false,
    status: "open",
    body: { any: "thing" },
    actions: [],
    ...over,
  });

  it("records idempotently and filters by reason and status", async () => {
    const a = record({ reason: `R-${randomUUID()}` });
    const first = await deadLetters.record(a);
    const again = await deadLetters.record({ ...a, description: "changed" });
    expect(again.value.description).toBe("bad xref");
    expect(again.etag).toBe(first.etag);
    await deadLetters.record(record({ reason: a.reason, status: "dismissed" }));
    const open = await deadLetters.list({ reason: a.reason, status: "open", limit: 50 });
    expect(open.items.map((r) => r.id)).toEqual([a.id]);
    expect((await deadLetters.find(a.id))?.value.jobId).toBe(a.jobId);
    expect((await deadLetters.listForJob(a.jobId)).map((r) => r.id)).toEqual([a.id]);
  });

  it("guards updates with the etag", async () => {
    const a = await deadLetters.record(record());
    await deadLetters.replace({ ...a.value, status: "dismissed" }, a.etag);
    await expect(deadLetters.replace({ ...a.value, status: "resubmitted" }, a.etag)).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
  });
});
