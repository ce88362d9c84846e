import type { Container, SqlParameter } from "@azure/cosmos";
import { ConcurrencyConflictError, DeadLetterRecordSchema } from "@docsift/core";
import type {
  DeadLetterListQuery,
  DeadLetterRecord,
  DeadLetterRepository,
  Page,
  Versioned,
} from "@docsift/core";
import { parseStored, statusOf, withContinuation } from "./cosmos-client.js";

function toVersioned(resource: Record<string, unknown> | undefined): Versioned<DeadLetterRecord> {
  if (!resource) throw new Error("Cosmos returned no document");
  return {
    value: parseStored(DeadLetterRecordSchema, "dead letter", resource),
    etag: String(resource._etag),
  };
}

export class CosmosDeadLetterRepository implements DeadLetterRepository {
  constructor(private readonly container: Container) {}

  async record(entry: DeadLetterRecord): Promise<Versioned<DeadLetterRecord>> {
    try {
      const { resource } = await this.container.items.create(DeadLetterRecordSchema.parse(entry));
      return toVersioned(resource as unknown as Record<string, unknown>);
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const existing = await this.get(entry.id, entry.jobId);
      if (!existing) throw err;
      return existing;
    }
  }

  async get(id: string, jobId: string): Promise<Versioned<DeadLetterRecord> | undefined> {
    try {
      const { resource } = await this.container.item(id, jobId).read();
      return resource ? toVersioned(resource as Record<string, unknown>) : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async find(id: string): Promise<Versioned<DeadLetterRecord> | undefined> {
    const { resources } = await this.container.items
      .query({ query: "SELECT * FROM c WHERE c.id = @id", parameters: [{ name: "@id", value: id }] })
      .fetchAll();
    const first = resources[0] as Record<string, unknown> | undefined;
    return first ? toVersioned(first) : undefined;
  }

  async replace(entry: DeadLetterRecord, etag: string): Promise<Versioned<DeadLetterRecord>> {
    try {
      const { resource } = await this.container
        .item(entry.id, entry.jobId)
        .replace(DeadLetterRecordSchema.parse(entry), {
          accessCondition: { type: "IfMatch", condition: etag },
        });
      return toVersioned(resource as unknown as Record<string, unknown>);
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 404)
        throw new ConcurrencyConflictError("dead letter", entry.id);
      throw err;
    }
  }

  async list(query: DeadLetterListQuery): Promise<Page<DeadLetterRecord>> {
    const where: string[] = [];
    const parameters: SqlParameter[] = [];
    const add = (clause: string, name: string, value: string) => {
      where.push(clause);
      parameters.push({ name, value });
    };
    if (query.reason) add("c.reason = @reason", "@reason", query.reason);
    if (query.status) add("c.status = @status", "@status", query.status);
    if (query.since) add("c.deadLetteredAt >= @since", "@since", query.since);
    if (query.until) add("c.deadLetteredAt < @until", "@until", query.until);
    const sql = `SELECT * FROM c${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY c.deadLetteredAt DESC`;
    const page = await withContinuation(query.continuationToken, () =>
      this.container.items
        .query(
          { query: sql, parameters },
          {
            maxItemCount: query.limit,
            ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}),
          },
        )
        .fetchNext(),
    );
    return {
      items: (page.resources as Record<string, unknown>[]).map((r) => toVersioned(r).value),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  /** Dead letters of one job, to know whether it was auto-retried already. */
  async listForJob(jobId: string): Promise<DeadLetterRecord[]> {
    const { resources } = await this.container.items
      .query(
        { query: "SELECT * FROM c WHERE c.jobId = @jobId", parameters: [{ name: "@jobId", value: jobId }] },
        { partitionKey: jobId },
      )
      .fetchAll();
    return (resources as Record<string, unknown>[]).map((r) => toVersioned(r).value);
  }
}
