import type { IncomingMessage } from "node:http";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startWebPubSubEmulator, type WebPubSubEmulator } from "../src/webpubsub/index.js";

// The wire protocol seen by a raw WebSocket: what the SDK's own dedup would hide (replays of
// acknowledged messages) and the cases the SDK never produces (bad frames, retried ackIds).
const HUB = "proto";
const RECOVERY_WINDOW_MS = 400;
let emulator: WebPubSubEmulator;
let service: WebPubSubServiceClient;

beforeAll(async () => {
  emulator = await startWebPubSubEmulator({ accessKey: "proto-key", recoveryWindowMs: RECOVERY_WINDOW_MS });
  service = new WebPubSubServiceClient(emulator.connectionString, HUB, { allowInsecureConnection: true });
});

afterAll(async () => {
  await emulator.stop();
});

type Frame = Record<string, unknown>;

/** A raw socket that records every frame, parsed when it is JSON. */
class RawClient {
  readonly frames: Frame[] = [];
  readonly raw: (string | Buffer)[] = [];
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const value = isBinary ? Buffer.from(data as Buffer) : data.toString();
      this.raw.push(value);
      if (typeof value === "string") {
        try {
          this.frames.push(JSON.parse(value) as Frame);
        } catch {
          // simple clients receive non-JSON text
        }
      }
    });
    ws.on("close", (code) => (this.closeCode = code));
  }

  static async open(url: string, protocol?: string, headers?: Record<string, string>): Promise<RawClient> {
    const ws = new WebSocket(url, protocol === undefined ? [] : [protocol], { headers });
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return client;
  }

  send(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  async next(predicate: (f: Frame) => boolean, timeoutMs = 3_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async closed(timeoutMs = 3_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error("socket did not close");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closeCode;
  }
}

const RELIABLE = "json.reliable.webpubsub.azure.v1";
const JSON_V1 = "json.webpubsub.azure.v1";

function restToken(url: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(url)
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode("proto-key"));
}

async function clientUrl(userId: string, roles: string[] = []): Promise<string> {
  return (await service.getClientAccessToken({ userId, roles })).url;
}

/** Resolves with the HTTP status of a refused upgrade. */
function refusedStatus(url: string, protocol?: string, headers?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol === undefined ? [] : [protocol], { headers });
    ws.on("unexpected-response", (_req, res: IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => reject(new Error("upgrade unexpectedly accepted")));
    ws.on("error", () => undefined);
  });
}

describe("reliable JSON protocol on the wire", () => {
  it("greets with connected (connectionId, userId, reconnectionToken) and answers ping with pong", async () => {
    const c = await RawClient.open(await clientUrl("p1"), RELIABLE);
    const connected = await c.next((f) => f["event"] === "connected");
    expect(connected).toMatchObject({ type: "system", userId: "p1" });
    expect(typeof connected["connectionId"]).toBe("string");
    expect(typeof connected["reconnectionToken"]).toBe("string");
    c.send({ type: "ping" });
    await c.next((f) => f["type"] === "pong");
    c.ws.close();
  });

  it("acks once, flags a repeated ackId as Duplicate, and reports bad frames", async () => {
    const c = await RawClient.open(await clientUrl("p2", ["webpubsub.joinLeaveGroup"]), RELIABLE);
    await c.next((f) => f["event"] === "connected");
    c.send({ type: "joinGroup", group: "g", ackId: 7 });
    expect(await c.next((f) => f["ackId"] === 7)).toEqual({ type: "ack", ackId: 7, success: true });
    c.send({ type: "joinGroup", group: "g", ackId: 7 });
    await c.next((f) => f["ackId"] === 7 && f["success"] === false);
    expect(c.frames.filter((f) => f["ackId"] === 7)[1]).toMatchObject({ error: { name: "Duplicate" } });

    c.send({ type: "sendToGroup", group: "g", dataType: "text", data: "x", ackId: 8 });
    expect(await c.next((f) => f["ackId"] === 8)).toMatchObject({
      success: false,
      error: { name: "Forbidden" },
    });
    // A refused ackId is not remembered: retrying it must stay Forbidden, never "Duplicate".
    c.send({ type: "sendToGroup", group: "g", dataType: "text", data: "x", ackId: 8 });
    await c.next(() => c.frames.filter((f) => f["ackId"] === 8).length === 2);
    expect(c.frames.filter((f) => f["ackId"] === 8).map((f) => (f["error"] as Frame)["name"])).toEqual([
      "Forbidden",
      "Forbidden",
    ]);

    c.send({ type: "joinGroup", group: "", ackId: 9 });
    expect(await c.next((f) => f["ackId"] === 9)).toMatchObject({
      success: false,
      error: { name: "BadRequest" },
    });
    c.send({ type: "event", event: "progress", dataType: "json", data: { a: 1 }, ackId: 10 });
    expect(await c.next((f) => f["ackId"] === 10)).toMatchObject({ success: true });
    c.ws.send("not json");
    c.send({ type: "ping" });
    await c.next((f) => f["type"] === "pong");
    c.ws.close();
  });

  it("replays only unacknowledged messages, with their original sequenceIds, on recovery", async () => {
    const first = await RawClient.open(await clientUrl("p3"), RELIABLE);
    const connected = await first.next((f) => f["event"] === "connected");
    for (const n of [1, 2, 3]) await service.sendToUser("p3", { n });
    await first.next((f) => f["sequenceId"] === 3);
    first.send({ type: "sequenceAck", sequenceId: 2 });
    await new Promise((r) => setTimeout(r, 50));
    first.ws.terminate();
    await service.sendToUser("p3", { n: 4 });

    const recoveryUrl = new URL(await clientUrl("p3"));
    recoveryUrl.searchParams.set("awps_connection_id", connected["connectionId"] as string);
    recoveryUrl.searchParams.set("awps_reconnection_token", connected["reconnectionToken"] as string);
    const second = await RawClient.open(recoveryUrl.toString(), RELIABLE);
    await second.next((f) => f["sequenceId"] === 4);
    expect(second.frames[0]).toMatchObject({ event: "connected", connectionId: connected["connectionId"] });
    expect(second.frames.slice(1).map((f) => [f["sequenceId"], (f["data"] as Frame)["n"]])).toEqual([
      [3, 3],
      [4, 4],
    ]);
    second.ws.close();
  });

  it("closes with 1008 when recovery names an unknown connection or a wrong reconnection token", async () => {
    const c = await RawClient.open(await clientUrl("p4"), RELIABLE);
    const connected = await c.next((f) => f["event"] === "connected");
    const base = await clientUrl("p4");
    const attempts = [
      { id: "unknown", token: "whatever" },
      { id: connected["connectionId"] as string, token: "wrong-token" },
    ];
    for (const { id, token } of attempts) {
      const url = new URL(base);
      url.searchParams.set("awps_connection_id", id);
      url.searchParams.set("awps_reconnection_token", token);
      const r = await RawClient.open(url.toString(), RELIABLE);
      expect(await r.closed()).toBe(1008);
      expect(r.frames[0]).toMatchObject({ type: "system", event: "disconnected" });
    }
    expect(await service.connectionExists(connected["connectionId"] as string)).toBe(true);
    c.ws.close();
  });

  it("drops a session whose socket stayed away longer than the recovery window", async () => {
    const c = await RawClient.open(await clientUrl("p5", ["webpubsub.joinLeaveGroup"]), RELIABLE);
    const connected = await c.next((f) => f["event"] === "connected");
    c.send({ type: "joinGroup", group: "kept", ackId: 1 });
    await c.next((f) => f["ackId"] === 1);
    c.ws.terminate();
    await new Promise((r) => setTimeout(r, RECOVERY_WINDOW_MS / 2));
    expect(await service.userExists("p5")).toBe(true);
    expect(await service.groupExists("kept")).toBe(true);
    await new Promise((r) => setTimeout(r, RECOVERY_WINDOW_MS));
    expect(await service.userExists("p5")).toBe(false);
    expect(await service.groupExists("kept")).toBe(false);

    const url = new URL(await clientUrl("p5"));
    url.searchParams.set("awps_connection_id", connected["connectionId"] as string);
    url.searchParams.set("awps_reconnection_token", connected["reconnectionToken"] as string);
    const late = await RawClient.open(url.toString(), RELIABLE);
    expect(await late.closed()).toBe(1008);
  });
});

describe("other client modes and handshake refusals", () => {
  it("json.webpubsub.azure.v1 removes a connection as soon as its socket closes", async () => {
    const c = await RawClient.open(await clientUrl("q1"), JSON_V1);
    const connected = await c.next((f) => f["event"] === "connected");
    expect(connected["reconnectionToken"]).toBeUndefined();
    await service.sendToUser("q1", "hi", { contentType: "text/plain" });
    expect(await c.next((f) => f["type"] === "message")).toEqual({
      type: "message",
      from: "server",
      dataType: "text",
      data: "hi",
    });
    c.ws.close();
    await c.closed();
    await new Promise((r) => setTimeout(r, 50));
    expect(await service.userExists("q1")).toBe(false);
  });

  it("a client without subprotocol receives bare payloads; the token may come in the Authorization header", async () => {
    const { token, baseUrl } = await service.getClientAccessToken({ userId: "q2" });
    const c = await RawClient.open(baseUrl, undefined, { authorization: `Bearer ${token}` });
    await service.sendToUser("q2", { json: true });
    await service.sendToUser("q2", "text", { contentType: "text/plain" });
    await service.sendToUser("q2", new Uint8Array([9, 8]).buffer);
    const deadline = Date.now() + 3_000;
    while (c.raw.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(c.raw).toEqual(['{"json":true}', "text", Buffer.from([9, 8])]);
    c.ws.close();
  });

  it("refuses bad tokens, unknown subprotocols and bad hub names before upgrading", async () => {
    const url = await clientUrl("q3");
    expect(await refusedStatus(url.replace(/access_token=[^&]+/, "access_token=garbage"), RELIABLE)).toBe(
      401,
    );
    expect(await refusedStatus(url.replace(/\?.*$/, ""), RELIABLE)).toBe(401);
    expect(await refusedStatus(url, "protobuf.webpubsub.azure.v1")).toBe(400);
    expect(await refusedStatus(url.replace(`/hubs/${HUB}`, "/hubs/9bad"), RELIABLE)).toBe(400);
    expect(await refusedStatus(url.replace("/client/hubs/", "/nothing/hubs/"), RELIABLE)).toBe(404);
  });

  it("answers a plain GET on the client endpoint with 426 and unknown REST routes with 404", async () => {
    const res = await fetch(`${emulator.endpoint}/client/hubs/${HUB}`);
    expect(res.status).toBe(426);
    const health = await fetch(`${emulator.endpoint}/api/health`);
    expect(health.status).toBe(200);
    const unknown = `${emulator.endpoint}/api/hubs/${HUB}/nothing/here`;
    const res404 = await fetch(unknown, { headers: { authorization: `Bearer ${await restToken(unknown)}` } });
    expect(res404.status).toBe(404);
  });

  it("rejects unsupported content types and OData filters instead of ignoring them", async () => {
    await expect(
      service.sendToAll("x", { contentType: "text/plain", filter: "userId eq 'a'" }),
    ).rejects.toMatchObject({ statusCode: 400 });
    const url = `${emulator.endpoint}/api/hubs/${HUB}/:send`;
    const xml = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${await restToken(url)}`, "content-type": "application/xml" },
      body: "<x/>",
    });
    expect(xml.status).toBe(415);
    const badJson = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${await restToken(url)}`, "content-type": "application/json" },
      body: "{",
    });
    expect(badJson.status).toBe(400);
  });
});
