import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureLocalTls } from "../src/tls/local-ca.js";
import { startWebPubSubEmulator, type WebPubSubEmulator } from "../src/webpubsub/index.js";

// With a certificate from the local CA (trusted through NODE_EXTRA_CA_CERTS, set by the unit
// project's global setup) the SDKs need no option at all: the production code path unchanged.
const HUB = "jobs";
let emulator: WebPubSubEmulator;

beforeAll(async () => {
  const tls = await ensureLocalTls(inject("tlsDir"));
  emulator = await startWebPubSubEmulator({
    accessKey: "tls-test-key",
    tls: { key: tls.serverKeyPem, cert: tls.serverCertPem },
  });
});

afterAll(async () => {
  await emulator.stop();
});

describe("Web PubSub emulator over https/wss", () => {
  it("advertises https://localhost", () => {
    expect(emulator.endpoint).toBe(`https://localhost:${emulator.port}`);
    expect(emulator.connectionString).toMatch(
      /^Endpoint=https:\/\/localhost;Port=\d+;AccessKey=tls-test-key;Version=1\.0;$/,
    );
  });

  it("delivers sendToUser over wss with default SDK options", async () => {
    const service = new WebPubSubServiceClient(emulator.connectionString, HUB);
    const { url } = await service.getClientAccessToken({ userId: "u1" });
    expect(url.startsWith(`wss://localhost:${emulator.port}/client/hubs/${HUB}?access_token=`)).toBe(true);

    const client = new WebPubSubClient(url);
    const received: unknown[] = [];
    client.on("server-message", (e) => received.push(e.message.data));
    await client.start();
    try {
      expect(await service.userExists("u1")).toBe(true);
      await service.sendToUser("u1", { over: "tls" });
      const deadline = Date.now() + 5_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(received).toEqual([{ over: "tls" }]);
    } finally {
      client.stop();
    }
  });

  it("refuses plain http on the TLS port", async () => {
    await expect(fetch(`http://localhost:${emulator.port}/api/health`)).rejects.toThrow();
  });
});
