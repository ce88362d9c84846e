import type { Container } from "@azure/cosmos";
import { PushSubscriptionRecordSchema } from "@docsift/core";
import type { PushSubscriptionRecord, PushSubscriptionRepository } from "@docsift/core";
import { parseStored, statusOf } from "./cosmos-client.js";

/** Push subscriptions in Cosmos `push-subscriptions` (partition `/userId`): a user reads only their own partition. */
export class CosmosPushSubscriptionRepository implements PushSubscriptionRepository {
  constructor(private readonly container: Container) {}

  async save(record: PushSubscriptionRecord): Promise<PushSubscriptionRecord> {
    // Upsert: a browser re-subscribing (new keys after a rotation) replaces its own record.
    const { resource } = await this.container.items.upsert(PushSubscriptionRecordSchema.parse(record));
    if (!resource) throw new Error("Cosmos returned no document");
    return parseStored(
      PushSubscriptionRecordSchema,
      "push subscription",
      resource as unknown as Record<string, unknown>,
    );
  }

  async listByUser(userId: string): Promise<PushSubscriptionRecord[]> {
    const { resources } = await this.container.items
      .query(
        {
          query: "SELECT * FROM c WHERE c.userId = @userId ORDER BY c.createdAt DESC",
          parameters: [{ name: "@userId", value: userId }],
        },
        { partitionKey: userId },
      )
      .fetchAll();
    return resources.map((r) =>
      parseStored(PushSubscriptionRecordSchema, "push subscription", r as Record<string, unknown>),
    );
  }

  async remove(userId: string, id: string): Promise<void> {
    try {
      await this.container.item(id, userId).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}
