import { randomUUID } from "node:crypto";
import pino from "pino";
import webpush from "web-push";
import { describe, expect, it } from "vitest";
import { JobEventSchema, WebPushPayloadSchema } from "@docsift/core";
import type { JobEvent, PushSubscriptionRecord, PushSubscriptionRepository } from "@docsift/core";
import { WebPushSender, webPushPayload } from "../src/events/web-push.js";
import { browserSubscriptionKeys, decryptWebPush, verifyVapid } from "./web-push-helpers.js";

const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:oncall@docsift.dev" };

function event(type: JobEvent["type"], summary: Partial<JobEvent["summary"]> = {}): JobEvent {
  return JobEventSchema.parse({
    schemaVersion: 1,
    eventId: randomUUID(),
    jobId: randomUUID(),
    userId: "alice",
    type,
    status: type === "job.completed" ? "COMPLETED" : type === "job.failed" ? "FAILED" : "PROCESSING",
    at: new Date().toISOString(),
    summary: { fileName: "invoice-7.pdf", attempt: 1, ...summary },
  });
}

// No repository is reached by requestDetails(): the sender only needs one for notify().
const unusedRepository: PushSubscriptionRepository = {
  save: () => Promise.reject(new Error("not used")),
  listByUser: () => Promise.reject(new Error("not used")),
  remove: () => Promise.reject(new Error("not used")),
};

describe("web push payload", () => {
  it("says what happened to which document and links to the job", () => {
    const done = event("job.completed", { documentType: "invoice", fieldsFound: 7 });
    expect(webPushPayload(done)).toEqual({
      title: "Document processed",
      body: "invoice-7.pdf: invoice, 7 fields found",
      tag: `job-${done.jobId}`,
      url: `/jobs/${done.jobId}`,
      jobId: done.jobId,
      status: "COMPLETED",
    });
    const failed = event("job.failed", {
      error: { code: "CORRUPT_DOCUMENT", message: "The PDF is damaged." },
    });
    const p = webPushPayload(failed);
    expect(WebPushPayloadSchema.parse(p)).toEqual(p);
    expect(p).toMatchObject({
      title: "Document could not be processed",
      body: "invoice-7.pdf: The PDF is damaged.",
      status: "FAILED",
    });
  });
});

describe("web push request (generateRequestDetails, no network)", () => {
  const sender = new WebPushSender({
    vapid,
    subscriptions: unusedRepository,
    logger: pino({ level: "silent" }),
  });
  const browser = browserSubscriptionKeys();
  const subscription: PushSubscriptionRecord = {
    id: "a".repeat(43),
    userId: "alice",
    endpoint: "https://push.example.net/wpush/v2/abc123",
    keys: browser.keys,
    createdAt: new Date().toISOString(),
  };

  it("encrypts the payload for exactly this browser (RFC 8291 aes128gcm)", () => {
    const e = event("job.completed", { documentType: "receipt", fieldsFound: 1 });
    const details = sender.requestDetails(subscription, e);
    expect(details.method).toBe("POST");
    expect(details.endpoint).toBe(subscription.endpoint);
    expect(details.headers["Content-Encoding"]).toBe("aes128gcm");
    expect(details.headers["Content-Type"]).toBe("application/octet-stream");
    const plain = decryptWebPush(details.body!, browser);
    expect(JSON.parse(plain)).toEqual(webPushPayload(e));
    // Another browser's keys cannot read it.
    expect(() => decryptWebPush(details.body!, browserSubscriptionKeys())).toThrow();
  });

  it("signs a VAPID token for the push service's origin with the configured key", () => {
    const e = event("job.failed", { error: { code: "TOO_MANY_PAGES", message: "Too many pages." } });
    const details = sender.requestDetails(subscription, e);
    const claims = verifyVapid(details.headers.Authorization!, vapid.publicKey);
    expect(claims.aud).toBe("https://push.example.net");
    expect(claims.sub).toBe(vapid.subject);
    expect(claims.exp * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(String(details.headers.TTL)).toBe(String(24 * 3600));
    expect(details.headers.Urgency).toBe("high");
    expect(details.headers.Topic).toBe(e.jobId.replace(/-/g, ""));
  });

  it("sends nothing for events that are not outcomes", async () => {
    expect(await sender.notify(event("job.processing"))).toEqual({ sent: 0, removed: 0 });
    expect(await sender.notify(event("job.progress", { stage: "extract" }))).toEqual({ sent: 0, removed: 0 });
  });
});
