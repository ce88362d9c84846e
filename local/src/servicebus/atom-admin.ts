import type { IncomingMessage, ServerResponse } from "node:http";
import type { Broker } from "./broker.js";
import { WELL_KNOWN_KEY, WELL_KNOWN_KEY_NAME } from "./config.js";
import { verifySasToken } from "./sas-token.js";
import type { ResolvedQueueConfig } from "./types.js";

/*
 * The read side of the Service Bus ATOM management API, enough for
 * ServiceBusAdministrationClient.getQueue / getQueueRuntimeProperties / listQueues (what KEDA's
 * scaler reads). Queues come from configuration, so writes are refused.
 */

const ATOM_NS = "http://www.w3.org/2005/Atom";
const SB_NS = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
const COUNT_NS = "http://schemas.microsoft.com/netservices/2011/06/servicebus";
const FOREVER = "P10675199DT2H48M5.4775807S";

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Milliseconds as an xs:duration (PT1M, PT1.5S, P1DT2H). */
export function isoDuration(ms: number): string {
  let rest = ms;
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  let time = "";
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds || (!hours && !minutes)) time += `${seconds}S`;
  return `P${days ? `${days}D` : ""}T${time}`;
}

function queueEntry(broker: Broker, q: ResolvedQueueConfig, base: string): string {
  const counts = broker.runtimeCounts(q.name);
  const created = broker.startedAt.toISOString();
  const now = new Date().toISOString();
  const ttl = q.defaultMessageTimeToLiveMs ? isoDuration(q.defaultMessageTimeToLiveMs) : FOREVER;
  const id = `${base}/${encodeURIComponent(q.name)}?api-version=2021-05`;
  return `<entry xmlns="${ATOM_NS}"><id>${xml(id)}</id><title type="text">${xml(q.name)}</title><published>${created}</published><updated>${created}</updated><author><name>docsift-local</name></author><link rel="self" href="${xml(id)}"/><content type="application/xml"><QueueDescription xmlns="${SB_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><LockDuration>${isoDuration(q.lockDurationMs)}</LockDuration><MaxSizeInMegabytes>1024</MaxSizeInMegabytes><RequiresDuplicateDetection>false</RequiresDuplicateDetection><RequiresSession>false</RequiresSession><DefaultMessageTimeToLive>${ttl}</DefaultMessageTimeToLive><DeadLetteringOnMessageExpiration>${q.deadLetteringOnMessageExpiration}</DeadLetteringOnMessageExpiration><DuplicateDetectionHistoryTimeWindow>PT10M</DuplicateDetectionHistoryTimeWindow><MaxDeliveryCount>${q.maxDeliveryCount}</MaxDeliveryCount><EnableBatchedOperations>true</EnableBatchedOperations><SizeInBytes>0</SizeInBytes><MessageCount>${counts.totalMessageCount}</MessageCount><IsAnonymousAccessible>false</IsAnonymousAccessible><AuthorizationRules/><Status>Active</Status><CreatedAt>${created}</CreatedAt><UpdatedAt>${created}</UpdatedAt><AccessedAt>${now}</AccessedAt><SupportOrdering>true</SupportOrdering><CountDetails xmlns:d2p1="${COUNT_NS}"><d2p1:ActiveMessageCount>${counts.activeMessageCount}</d2p1:ActiveMessageCount><d2p1:DeadLetterMessageCount>${counts.deadLetterMessageCount}</d2p1:DeadLetterMessageCount><d2p1:ScheduledMessageCount>${counts.scheduledMessageCount}</d2p1:ScheduledMessageCount><d2p1:TransferMessageCount>0</d2p1:TransferMessageCount><d2p1:TransferDeadLetterMessageCount>0</d2p1:TransferDeadLetterMessageCount></CountDetails><AutoDeleteOnIdle>${FOREVER}</AutoDeleteOnIdle><EnablePartitioning>false</EnablePartitioning><EntityAvailabilityStatus>Available</EntityAvailabilityStatus><EnableExpress>false</EnableExpress><MaxMessageSizeInKilobytes>256</MaxMessageSizeInKilobytes></QueueDescription></content></entry>`;
}

function feed(base: string, title: string, entries: string[]): string {
  return `<feed xmlns="${ATOM_NS}"><title type="text">${xml(title)}</title><id>${xml(base)}</id><updated>${new Date().toISOString()}</updated>${entries.join("")}</feed>`;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/atom+xml;type=entry;charset=utf-8" });
  res.end(`<?xml version="1.0" encoding="utf-8"?>${body}`);
}

function errorBody(status: number, detail: string): string {
  return `<Error><Code>${status}</Code><Detail>${xml(detail)}</Detail></Error>`;
}

export function createAtomAdminHandler(broker: Broker, host: () => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const check = verifySasToken(req.headers.authorization, WELL_KNOWN_KEY_NAME, WELL_KNOWN_KEY);
    if (!check.ok) {
      send(res, 401, errorBody(401, `InvalidSignature: ${check.reason}`));
      return;
    }
    if (req.method !== "GET") {
      send(
        res,
        400,
        errorBody(
          400,
          "The local Service Bus emulator takes its queues from configuration; it is read-only here.",
        ),
      );
      return;
    }
    const url = new URL(req.url ?? "/", "https://localhost");
    const base = `https://${host()}`;
    const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
    if (path.toLowerCase() === "$resources/queues") {
      const skip = Number(url.searchParams.get("$skip") ?? 0) || 0;
      const top = Number(url.searchParams.get("$top") ?? 0) || Number.POSITIVE_INFINITY;
      const queues = broker.queueConfigs().slice(skip, skip + top);
      send(
        res,
        200,
        feed(
          `${base}/$Resources/Queues`,
          "Queues",
          queues.map((q) => queueEntry(broker, q, base)),
        ),
      );
      return;
    }
    const queue = broker.queueConfig(path);
    if (!queue) {
      // Azure answers a GET for a missing entity with an empty feed; the SDK turns that into
      // MessageEntityNotFoundError.
      send(res, 200, feed(`${base}/${path}`, "Publicly Listed Services", []));
      return;
    }
    send(res, 200, queueEntry(broker, queue, base));
  };
}
