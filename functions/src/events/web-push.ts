import type {
  JobEvent,
  PushSubscriptionRecord,
  PushSubscriptionRepository,
  WebPushPayload,
} from "@docsift/core";
import webpush from "web-push";
import type { RequestDetails, RequestOptions, SendResult } from "web-push";
import type { Logger } from "pino";

export interface VapidDetails {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** Only outcomes are worth interrupting someone for; queued/processing/progress stay in the page. */
export const WEB_PUSH_EVENT_TYPES: ReadonlySet<JobEvent["type"]> = new Set(["job.completed", "job.failed"]);

export function webPushPayload(event: JobEvent): WebPushPayload {
  const { fileName, error, documentType, fieldsFound } = event.summary;
  const completed = event.type === "job.completed";
  const body = completed
    ? `${fileName}: ${documentType ?? "document"}${fieldsFound !== undefined ? `, ${fieldsFound} field${fieldsFound === 1 ? "" : "s"} found` : ""}`
    : `${fileName}: ${error?.message ?? "processing failed"}`;
  return {
    title: completed ? "Document processed" : "Document could not be processed",
    body,
    tag: `job-${event.jobId}`,
    url: `/jobs/${event.jobId}`,
    jobId: event.jobId,
    status: event.status,
  };
}

type Send = (
  subscription: webpush.PushSubscription,
  payload: string,
  options: RequestOptions,
) => Promise<SendResult>;

export interface WebPushSenderOptions {
  vapid: VapidDetails;
  subscriptions: PushSubscriptionRepository;
  logger: Logger;
  /** How long the push service keeps an undelivered message (seconds). */
  ttlSeconds?: number;
  timeoutMs?: number;
  /** The HTTP send; web-push's own unless a test routes it elsewhere. */
  send?: Send;
}

export interface WebPushOutcome {
  sent: number;
  removed: number;
}

/**
 * Sends job outcomes to every stored push subscription of the user. A subscription the push
 * service says is gone (404/410) is deleted; any other failure is thrown after the others were
 * tried, so the Service Bus trigger retries (a repeat replaces the notification: same tag).
 */
export class WebPushSender {
  private readonly send: Send;

  constructor(private readonly options: WebPushSenderOptions) {
    this.send = options.send ?? ((s, p, o) => webpush.sendNotification(s, p, o));
  }

  get publicKey(): string {
    return this.options.vapid.publicKey;
  }

  requestOptions(event: JobEvent): RequestOptions {
    return {
      vapidDetails: this.options.vapid,
      TTL: this.options.ttlSeconds ?? 24 * 3600,
      urgency: event.type === "job.failed" ? "high" : "normal",
      // Topic: a newer message for the same job replaces an undelivered older one at the push service.
      topic: event.jobId.replace(/-/g, "").slice(0, 32),
      contentEncoding: "aes128gcm",
      timeout: this.options.timeoutMs ?? 10_000,
    };
  }

  /** The exact request web-push would send (encrypted body, VAPID headers); no network. */
  requestDetails(subscription: PushSubscriptionRecord, event: JobEvent): RequestDetails {
    return webpush.generateRequestDetails(
      toWebPush(subscription),
      JSON.stringify(webPushPayload(event)),
      this.requestOptions(event),
    );
  }

  async notify(event: JobEvent): Promise<WebPushOutcome> {
    if (!WEB_PUSH_EVENT_TYPES.has(event.type)) return { sent: 0, removed: 0 };
    const subscriptions = await this.options.subscriptions.listByUser(event.userId);
    const payload = JSON.stringify(webPushPayload(event));
    const options = this.requestOptions(event);
    let sent = 0;
    let removed = 0;
    const failures: Error[] = [];
    await Promise.all(
      subscriptions.map(async (s) => {
        try {
          await this.send(toWebPush(s), payload, options);
          sent++;
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 404 || status === 410) {
            await this.options.subscriptions.remove(s.userId, s.id);
            removed++;
            this.options.logger.info({ subscriptionId: s.id, status }, "push subscription expired; removed");
            return;
          }
          // The endpoint is a capability URL: log only the host.
          this.options.logger.warn(
            { subscriptionId: s.id, status, host: new URL(s.endpoint).host, err: (err as Error).message },
            "web push failed",
          );
          failures.push(err as Error);
        }
      }),
    );
    if (failures.length)
      throw new AggregateError(
        failures,
        `web push failed for ${failures.length} of ${subscriptions.length} subscriptions`,
      );
    return { sent, removed };
  }
}

const toWebPush = (s: PushSubscriptionRecord): webpush.PushSubscription => ({
  endpoint: s.endpoint,
  expirationTime: s.expirationTime ?? null,
  keys: s.keys,
});
