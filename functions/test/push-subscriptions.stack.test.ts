import { randomUUID } from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pino from "pino";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { JobEventSchema } from "@docsift/core";
import { ensureLocalTls, startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { webPushPayload } from "../src/events/web-push.js";
import { pushSubscriptionId } from "../src/http/push-subscriptions.js";
import { apiClient, eventually, functionsConfig } from "./helpers.js";
import { browserSubscriptionKeys, decryptWebPush, verifyVapid } from "./web-push-helpers.js";

const env = inject("stackEnv");
const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:oncall@docsift.dev" };
let host: LocalFunctionsHost;

/** A push service of our own: HTTPS with the local CA (web-push only speaks https), answering per path. */
interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
let pushService: https.Server;
let pushOrigin: string;
const received: Received[] = [];
const answers = new Map<string, number>();

beforeAll(async () => {
  const tls = await ensureLocalTls(path.join(inject("tlsDir")));
  pushService = https.createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(answers.get(req.url ?? "") ?? 201).end();
    });
  });
  await new Promise<void>((r) => pushService.listen(0, "127.0.0.1", r));
  pushOrigin = `https://localhost:${(pushService.address() as AddressInfo).port}`;

  const logger = pino({ level: process.env.TEST_LOG ?? "warn" });
  host = await startFunctionsHost({
    config: functionsConfig(env, {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: vapid.subject,
      // The test's own push service; production allows only the browsers' push services.
      WEB_PUSH_ALLOWED_HOSTS: "localhost",
    }),
    host: "127.0.0.1",
    port: 0,
    logger,
    timers: false,
  });
});

afterAll(async () => {
  await host?.stop();
  await new Promise((r) => pushService?.close(r));
});

const subscriptionBody = (endpoint: string, keys = browserSubscriptionKeys().keys) => ({
  endpoint,
  expirationTime: null,
  keys,
});

describe("push subscription routes", () => {
  it("exposes the VAPID public key only when Web Push is configured", async () => {
    const alice = apiClient(host.url, "alice-key");
    expect((await alice("GET", "/api/push/public-key")).json).toEqual({
      enabled: true,
      publicKey: vapid.publicKey,
    });
    // A host without VAPID keys; stopped at once, so its trigger loop does not compete for events.
    const plainHost = await startFunctionsHost({
      config: functionsConfig(env),
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "warn" }),
      timers: false,
    });
    try {
      const off = apiClient(plainHost.url, "alice-key");
      expect((await off("GET", "/api/push/public-key")).json).toEqual({ enabled: false });
      const refused = await off("POST", "/api/push/subscriptions", subscriptionBody(`${pushOrigin}/x`));
      expect(refused.status).toBe(404);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
    } finally {
      await plainHost.stop();
    }
  });

  it("stores a subscription per user, lists only the caller's own, and deletes by endpoint", async () => {
    const alice = apiClient(host.url, `alice-${randomUUID().slice(0, 8)}`);
    const bob = apiClient(host.url, `bob-${randomUUID().slice(0, 8)}`);
    const endpoint = `${pushOrigin}/alice/${randomUUID()}`;
    const saved = await alice("POST", "/api/push/subscriptions", subscriptionBody(endpoint));
    expect(saved.status).toBe(201);
    expect(saved.json).toMatchObject({ id: pushSubscriptionId(endpoint), endpoint });
    expect(saved.json.keys).toBeUndefined();
    // Subscribing again from the same browser (new keys) is the same record.
    expect((await alice("POST", "/api/push/subscriptions", subscriptionBody(endpoint))).status).toBe(201);
    await bob("POST", "/api/push/subscriptions", subscriptionBody(`${pushOrigin}/bob/${randomUUID()}`));

    const mine = await alice("GET", "/api/push/subscriptions");
    expect(mine.json.items.map((s: { endpoint: string }) => s.endpoint)).toEqual([endpoint]);
    expect((await bob("GET", "/api/push/subscriptions")).json.items).toHaveLength(1);

    // Bob cannot delete Alice's subscription: his call only ever reaches his own partition.
    expect(
      (await bob("DELETE", `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`)).status,
    ).toBe(204);
    expect((await alice("GET", "/api/push/subscriptions")).json.items).toHaveLength(1);
    expect(
      (await alice("DELETE", `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`)).status,
    ).toBe(204);
    expect((await alice("GET", "/api/push/subscriptions")).json.items).toEqual([]);
    expect(
      (await alice("DELETE", `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`)).status,
    ).toBe(204);
  });

  it("refuses subscriptions that are not a browser's push subscription", async () => {
    const alice = apiClient(host.url, "alice-bad");
    const bad = [
      subscriptionBody("http://127.0.0.1:1/plain-http"),
      subscriptionBody("not a url"),
      { ...subscriptionBody(`${pushOrigin}/x`), extra: 1 },
      { endpoint: `${pushOrigin}/x`, keys: { p256dh: "short", auth: "short" } },
      // Not a push service: the Function App must not be made to POST to internal addresses.
      subscriptionBody("https://169.254.169.254/metadata/instance"),
      subscriptionBody("https://internal.example/hook"),
    ];
    for (const body of bad) {
      const res = await alice("POST", "/api/push/subscriptions", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.type).toBe("https://docsift.dev/problems/validation-failed");
    }
    expect((await alice("DELETE", "/api/push/subscriptions")).status).toBe(400);
  });
});

describe("job outcome → Web Push", () => {
  it("sends an encrypted, VAPID-signed notification for job.completed and drops subscriptions the push service says are gone", async () => {
    const userId = `carol-${randomUUID().slice(0, 8)}`;
    const carol = apiClient(host.url, userId);
    const browser = browserSubscriptionKeys();
    const livePath = `/carol/${randomUUID()}`;
    const gonePath = `/carol/${randomUUID()}`;
    answers.set(gonePath, 410);
    await carol(
      "POST",
      "/api/push/subscriptions",
      subscriptionBody(`${pushOrigin}${livePath}`, browser.keys),
    );
    await carol("POST", "/api/push/subscriptions", subscriptionBody(`${pushOrigin}${gonePath}`));

    const event = JobEventSchema.parse({
      schemaVersion: 1,
      eventId: randomUUID(),
      jobId: randomUUID(),
      userId,
      type: "job.completed",
      status: "COMPLETED",
      at: new Date().toISOString(),
      summary: { fileName: "invoice.pdf", attempt: 1, documentType: "invoice", fieldsFound: 5 },
    });
    // Through the real path: job-events queue → push trigger → Web PubSub and Web Push.
    await host.deps.events.publish(event);
    const delivery = await eventually(
      async () => received.find((r) => r.path === livePath),
      20_000,
      "web push delivery",
    );
    expect(delivery.headers["content-encoding"]).toBe("aes128gcm");
    expect(verifyVapid(String(delivery.headers.authorization), vapid.publicKey).aud).toBe(pushOrigin);
    expect(JSON.parse(decryptWebPush(delivery.body, browser))).toEqual(webPushPayload(event));

    await eventually(
      async () =>
        (await carol("GET", "/api/push/subscriptions")).json.items.length === 1 ? true : undefined,
      10_000,
      "gone subscription removed",
    );
    expect((await carol("GET", "/api/push/subscriptions")).json.items[0].endpoint).toBe(
      `${pushOrigin}${livePath}`,
    );
  });
});
