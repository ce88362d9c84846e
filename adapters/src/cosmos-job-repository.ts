import type { Container } from "@azure/cosmos";
import { ConcurrencyConflictError, DocsiftError, JobSchema } from "@docsift/core";
import type { IntakeUsage, Job, JobRepository, Page, Versioned } from "@docsift/core";
import { parseStored, statusOf, withContinuation } from "./cosmos-client.js";

function toVersioned(resource: Record<string, unknown> | undefined): Versioned<Job> {
  if (!resource) throw new Error("Cosmos returned no document");
  // Parse on the way out: a document that no longer matches the contract fails loudly here,
  // not three calls later.
  return { value: parseStored(JobSchema, "job", resource), etag: String(resource._etag) };
}

/** Statuses Cosmos answers while it is overloaded or unreachable: worth waiting for, not a bug. */
const UNAVAILABLE_STATUSES = new Set([408, 429, 449, 500, 502, 503, 504]);

/**
 * A Cosmos failure that says the store is down or overloaded (no HTTP answer at all, or one of
 * the statuses above) becomes DEPENDENCY_UNAVAILABLE, the code callers back off on; anything
 * else (a conflict, a bad request) stays what it was.
 */
export function asDependencyFailure(err: unknown): unknown {
  if (err instanceof DocsiftError || err instanceof ConcurrencyConflictError) return err;
  const status = statusOf(err);
  const name = (err as { name?: string } | undefined)?.name;
  const unreachable = typeof status === "string" || name === "TimeoutError" || name === "AbortError";
  if (unreachable || (typeof status === "number" && UNAVAILABLE_STATUSES.has(status)))
    return new DocsiftError("DEPENDENCY_UNAVAILABLE", `Cosmos DB unavailable: ${(err as Error).message}`, {
      cause: err,
    });
  return err;
}

/**
 * Cosmos DB `jobs`, with every failure classified once (see asDependencyFailure) around the
 * store's calls, so callers back off on an outage and tell it from a conflict.
 */
export class CosmosJobRepository implements JobRepository {
  private readonly store: CosmosJobStore;

  constructor(container: Container) {
    this.store = new CosmosJobStore(container);
  }

  create(job: Job) {
    return classified(() => this.store.create(job));
  }
  get(userId: string, jobId: string) {
    return classified(() => this.store.get(userId, jobId));
  }
  replace(job: Job, etag: string) {
    return classified(() => this.store.replace(job, etag));
  }
  listByUser(userId: string, options: { limit: number; continuationToken?: string }) {
    return classified(() => this.store.listByUser(userId, options));
  }
  listUploadExpired(now: Date, limit: number) {
    return classified(() => this.store.listUploadExpired(now, limit));
  }
  listUndispatched(olderThan: Date, limit: number) {
    return classified(() => this.store.listUndispatched(olderThan, limit));
  }
  listStalled(options: { queuedBefore: Date; now: Date; limit: number }) {
    return classified(() => this.store.listStalled(options));
  }
  listPendingEvents(olderThan: Date, limit: number) {
    return classified(() => this.store.listPendingEvents(olderThan, limit));
  }
  intakeUsage(userId: string, since: Date) {
    return classified(() => this.store.intakeUsage(userId, since));
  }
  purge(userId: string, jobId: string) {
    return classified(() => this.store.purge(userId, jobId));
  }
}

const classified = <T>(call: () => Promise<T>): Promise<T> =>
  call().catch((err: unknown) => Promise.reject(asDependencyFailure(err)));

class CosmosJobStore implements JobRepository {
  constructor(private readonly container: Container) {}

  async create(job: Job): Promise<Versioned<Job>> {
    try {
      const { resource } = await this.container.items.create(JobSchema.parse(job));
      return toVersioned(resource as unknown as Record<string, unknown>);
    } catch (err) {
      if (statusOf(err) === 409) throw new ConcurrencyConflictError("job", job.id);
      throw err;
    }
  }

  async get(userId: string, jobId: string): Promise<Versioned<Job> | undefined> {
    try {
      const { resource, statusCode } = await this.container.item(jobId, userId).read();
      if (statusCode === 404 || !resource) return undefined;
      return toVersioned(resource as Record<string, unknown>);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async replace(job: Job, etag: string): Promise<Versioned<Job>> {
    try {
      const { resource } = await this.container
        .item(job.id, job.userId)
        .replace(JobSchema.parse(job), { accessCondition: { type: "IfMatch", condition: etag } });
      return toVersioned(resource as unknown as Record<string, unknown>);
    } catch (err) {
      const status = statusOf(err);
      if (status === 412 || status === 404) throw new ConcurrencyConflictError("job", job.id);
      throw err;
    }
  }

  async listByUser(
    userId: string,
    options: { limit: number; continuationToken?: string },
  ): Promise<Page<Job>> {
    // Continuation tokens, never OFFSET/LIMIT: cost stays flat however deep a user pages.
    const iterator = this.container.items.query(
      {
        query: "SELECT * FROM c WHERE c.userId = @userId AND c.status != 'DELETED' ORDER BY c.createdAt DESC",
        parameters: [{ name: "@userId", value: userId }],
      },
      {
        partitionKey: userId,
        maxItemCount: options.limit,
        ...(options.continuationToken ? { continuationToken: options.continuationToken } : {}),
      },
    );
    const page = await withContinuation(options.continuationToken, () => iterator.fetchNext());
    return {
      items: (page.resources as Record<string, unknown>[]).map((r) => toVersioned(r).value),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  listUploadExpired(now: Date, limit: number): Promise<Job[]> {
    return this.acrossUsers("c.status = 'AWAITING_UPLOAD' AND c.uploadExpiresAt < @now", limit, { now });
  }

  listUndispatched(olderThan: Date, limit: number): Promise<Job[]> {
    return this.acrossUsers(
      "c.status = 'QUEUED' AND (NOT IS_DEFINED(c.dispatched) OR c.dispatched < c.submissions) AND c.updatedAt < @before",
      limit,
      { before: olderThan },
    );
  }

  listStalled(options: { queuedBefore: Date; now: Date; limit: number }): Promise<Job[]> {
    return this.acrossUsers(
      "(c.status = 'QUEUED' AND IS_DEFINED(c.dispatched) AND c.dispatched >= c.submissions AND c.updatedAt < @queuedBefore) OR (c.status = 'PROCESSING' AND IS_DEFINED(c.leaseUntil) AND c.leaseUntil < @now)",
      options.limit,
      { queuedBefore: options.queuedBefore, now: options.now },
    );
  }

  listPendingEvents(olderThan: Date, limit: number): Promise<Job[]> {
    // Not a QUEUED job whose task is not out yet (the sweep announces it after the send), and the
    // oldest first: jobs the sweep must leave for now cannot fill the page and hide the others.
    return this.acrossUsers(
      "IS_DEFINED(c.outbox) AND c.updatedAt < @before AND NOT (c.status = 'QUEUED' AND (NOT IS_DEFINED(c.dispatched) OR c.dispatched < c.submissions)) ORDER BY c.updatedAt",
      limit,
      { before: olderThan },
    );
  }

  /** The timers' queries: at most `limit` jobs of any user matching `where`, dates as ISO strings. */
  private async acrossUsers(where: string, limit: number, dates: Record<string, Date>): Promise<Job[]> {
    const { resources } = await this.container.items
      .query(
        {
          query: `SELECT TOP @limit * FROM c WHERE ${where}`,
          parameters: [
            { name: "@limit", value: limit },
            ...Object.entries(dates).map(([name, value]) => ({
              name: `@${name}`,
              value: value.toISOString(),
            })),
          ],
        },
        { maxItemCount: limit },
      )
      .fetchAll();
    return (resources as Record<string, unknown>[]).map((r) => toVersioned(r).value);
  }

  async intakeUsage(userId: string, since: Date): Promise<IntakeUsage> {
    // One partition, a small projection: the result is bounded by the limits it checks.
    const { resources } = await this.container.items
      .query<{ id: string; createdAt: string; status: string; uploadExpiresAt: string }>(
        {
          query:
            "SELECT c.id, c.createdAt, c.status, c.uploadExpiresAt FROM c WHERE c.userId = @userId AND (c.createdAt > @since OR c.status = 'AWAITING_UPLOAD')",
          parameters: [
            { name: "@userId", value: userId },
            { name: "@since", value: since.toISOString() },
          ],
        },
        { partitionKey: userId },
      )
      .fetchAll();
    return {
      jobs: resources.map((r) => ({
        id: r.id,
        createdAt: new Date(r.createdAt),
        ...(r.status === "AWAITING_UPLOAD" ? { openUntil: new Date(r.uploadExpiresAt) } : {}),
      })),
    };
  }

  async purge(userId: string, jobId: string): Promise<void> {
    try {
      await this.container.item(jobId, userId).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}
