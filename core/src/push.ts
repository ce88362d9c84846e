import { z } from "zod";
import { UserIdSchema } from "./contracts/job.js";

// Web Push (RFC 8030 + VAPID RFC 8292): a browser's push subscription, stored per user so the
// Function App can tell them a job finished even when no page of the app is open.

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, "must be base64url");

/** What `PushSubscription.toJSON()` gives in the browser, as the PWA posts it. */
export const PushSubscriptionRequestSchema = z
  .object({
    // Push services are always HTTPS (browsers refuse anything else); never let a client
    // point the Function App at an arbitrary plain-HTTP host.
    endpoint: z.url({ protocol: /^https$/, error: "endpoint must be an https URL" }).max(2048),
    expirationTime: z.number().int().nonnegative().nullable().optional(),
    keys: z
      .object({
        p256dh: base64url.min(80).max(100),
        auth: base64url.min(16).max(32),
      })
      .strict(),
  })
  .strict();
export type PushSubscriptionRequest = z.infer<typeof PushSubscriptionRequestSchema>;

/** Stored document (Cosmos `push-subscriptions`, partition `/userId`). */
export const PushSubscriptionRecordSchema = z
  .object({
    /** Derived from the endpoint: the same browser subscribing twice is one record. */
    id: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/),
    userId: UserIdSchema,
    endpoint: z.url({ protocol: /^https$/ }),
    expirationTime: z.number().int().nonnegative().nullable().optional(),
    keys: z.object({ p256dh: base64url, auth: base64url }).strict(),
    createdAt: z.iso.datetime(),
    userAgent: z.string().max(512).optional(),
  })
  .strict();
export type PushSubscriptionRecord = z.infer<typeof PushSubscriptionRecordSchema>;

/** What the API shows of a subscription: never its keys. */
export const PushSubscriptionViewSchema = PushSubscriptionRecordSchema.pick({
  id: true,
  endpoint: true,
  createdAt: true,
  expirationTime: true,
});
export type PushSubscriptionView = z.infer<typeof PushSubscriptionViewSchema>;

export const PushPublicKeyResponseSchema = z
  .object({ enabled: z.boolean(), publicKey: z.string().optional() })
  .strict();
export type PushPublicKeyResponse = z.infer<typeof PushPublicKeyResponseSchema>;

export const DeletePushSubscriptionQuerySchema = z.object({ endpoint: z.url().max(2048) }).strict();

export interface PushSubscriptionRepository {
  /** Idempotent on (userId, id): a repeated subscribe replaces the stored keys. */
  save(record: PushSubscriptionRecord): Promise<PushSubscriptionRecord>;
  listByUser(userId: string): Promise<PushSubscriptionRecord[]>;
  /** Idempotent: removing what is gone succeeds. */
  remove(userId: string, id: string): Promise<void>;
}

/** The encrypted body of a Web Push message, as the PWA's service worker reads it. */
export const WebPushPayloadSchema = z
  .object({
    title: z.string(),
    body: z.string(),
    /** Same tag for the same job: a retried send replaces the notification instead of adding one. */
    tag: z.string(),
    /** Path inside the app that a click on the notification opens. */
    url: z.string().startsWith("/"),
    jobId: z.string(),
    status: z.string(),
  })
  .strict();
export type WebPushPayload = z.infer<typeof WebPushPayloadSchema>;
