import net from "node:net";
import { once } from "node:events";
import { RestError } from "@azure/core-rest-pipeline";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import {
  SendMessageError,
  WebPubSubClient,
  WebPubSubJsonProtocol,
  type OnGroupDataMessageArgs,
  type OnServerDataMessageArgs,
  type WebPubSubClientOptions,
} from "@azure/web-pubsub-client";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWebPubSubEmulator, type WebPubSubEmulator } from "../src/webpubsub/index.js";

// Conformance of the emulator with the unchanged SDKs docsift uses, over plain http/ws (the mode
// the local stack runs in, so a browser page on http://127.0.0.1 needs no local CA).
const HUB = "jobs";
const KEY = "local-test-access-key";

let emulator: WebPubSubEmulator;
let service: WebPubSubServiceClient;
const started: WebPubSubClient[] = [];

beforeAll(async () => {
  emulator = await startWebPubSubEmulator({ accessKey: KEY });
  service = new WebPubSubServiceClient(emulator.connectionString, HUB, { allowInsecureConnection: true });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map(stopClient));
});

afterAll(async () => {
  await emulator.stop();
});

interface Inbox {
  client: WebPubSubClient;
  connectionId: string;
  server: OnServerDataMessageArgs["message"][];
  group: OnGroupDataMessageArgs["message"][];
  connectedEvents: number;
}

async function connect(userId: string | undefined, roles: string[] = [], options?: WebPubSubClientOptions) {
  const client = new WebPubSubClient(
    { getClientAccessUrl: async () => (await service.getClientAccessToken({ userId, roles })).url },
    { messageRetryOptions: { maxRetries: 0 }, ...options },
  );
  const inbox: Inbox = { client, connectionId: "", server: [], group: [], connectedEvents: 0 };
  client.on("server-message", (e) => inbox.server.push(e.message));
  client.on("group-message", (e) => inbox.group.push(e.message));
  client.on("connected", (e) => {
    inbox.connectionId = e.connectionId;
    inbox.connectedEvents++;
  });
  started.push(client);
  await client.start();
  await until(() => inbox.connectionId !== "");
  return inbox;
}

async function stopClient(client: WebPubSubClient): Promise<void> {
  const stopped = new Promise<void>((resolve) => client.on("stopped", () => resolve()));
  client.stop();
  await Promise.race([stopped, sleep(2_000)]);
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Web PubSub emulator with the real SDKs (http/ws)", () => {
  it("advertises an http endpoint and a connection string the service SDK parses", () => {
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.connectionString).toBe(
      `Endpoint=http://127.0.0.1;Port=${emulator.port};AccessKey=${KEY};Version=1.0;`,
    );
    expect(service.endpoint).toBe(`http://127.0.0.1:${emulator.port}/`);
  });

  it("sendToUser reaches only that user's connections, with every content type", async () => {
    const alice1 = await connect("alice");
    const alice2 = await connect("alice");
    const bob = await connect("bob");

    await service.sendToUser("alice", { jobId: "j1", status: "COMPLETED" });
    await service.sendToUser("alice", "plain text", { contentType: "text/plain" });
    await service.sendToUser("alice", new Uint8Array([1, 2, 3]).buffer);

    await until(() => alice1.server.length === 3 && alice2.server.length === 3);
    for (const inbox of [alice1, alice2]) {
      expect(inbox.server.map((m) => m.dataType)).toEqual(["json", "text", "binary"]);
      expect(inbox.server[0]?.data).toEqual({ jobId: "j1", status: "COMPLETED" });
      expect(inbox.server[1]?.data).toBe("plain text");
      expect([...new Uint8Array(inbox.server[2]?.data as ArrayBuffer)]).toEqual([1, 2, 3]);
      expect(inbox.server.map((m) => m.sequenceId)).toEqual([1, 2, 3]);
    }
    await sleep(100);
    expect(bob.server).toEqual([]);
    expect(emulator.connectionCount(HUB)).toBe(3);
  });

  it("userExists answers true for a connected user and false otherwise", async () => {
    await connect("carol");
    expect(await service.userExists("carol")).toBe(true);
    expect(await service.userExists("nobody")).toBe(false);
  });

  it("sendToAll reaches everyone except excluded connections", async () => {
    const a = await connect("a");
    const b = await connect("b");
    const anonymous = await connect(undefined);
    await service.sendToAll({ hello: "all" });
    await until(() => [a, b, anonymous].every((i) => i.server.length === 1));

    await service.sendToAll("not for b", {
      contentType: "text/plain",
      excludedConnections: [b.connectionId],
    });
    await until(() => a.server.length === 2 && anonymous.server.length === 2);
    await sleep(100);
    expect(b.server).toHaveLength(1);
  });

  it("sendToConnection reaches exactly one connection", async () => {
    const first = await connect("dave");
    const second = await connect("dave");
    expect(await service.connectionExists(first.connectionId)).toBe(true);
    expect(await service.connectionExists("no-such-connection")).toBe(false);
    await service.sendToConnection(first.connectionId, { only: "first" });
    await until(() => first.server.length === 1);
    await sleep(100);
    expect(second.server).toEqual([]);
  });

  it("groups: a client joins, the server and a client with the role publish to it", async () => {
    const member = await connect("member", ["webpubsub.joinLeaveGroup"]);
    const publisher = await connect("publisher", ["webpubsub.sendToGroup"]);
    const outsider = await connect("outsider");

    await member.client.joinGroup("job-j1");
    expect(await service.groupExists("job-j1")).toBe(true);
    expect(await service.groupExists("job-none")).toBe(false);

    await service.group("job-j1").sendToAll({ from: "server" });
    await until(() => member.server.length === 1);
    expect(member.server[0]).toMatchObject({ from: "server", data: { from: "server" } });

    const ack = await publisher.client.sendToGroup("job-j1", { from: "client" }, "json");
    expect(ack.isDuplicated).toBe(false);
    await until(() => member.group.length === 1);
    expect(member.group[0]).toMatchObject({
      from: "group",
      group: "job-j1",
      fromUserId: "publisher",
      data: { from: "client" },
    });

    await member.client.leaveGroup("job-j1");
    expect(await service.groupExists("job-j1")).toBe(false);
    await sleep(100);
    expect(outsider.server).toEqual([]);
    expect(outsider.group).toEqual([]);
  });

  it("refuses group operations without the role (Forbidden ack)", async () => {
    const plain = await connect("no-roles");
    const join = plain.client.joinGroup("secret");
    await expect(join).rejects.toBeInstanceOf(SendMessageError);
    await expect(join).rejects.toMatchObject({ errorDetail: { name: "Forbidden" } });
    await expect(plain.client.sendToGroup("secret", "x", "text")).rejects.toMatchObject({
      errorDetail: { name: "Forbidden" },
    });
    expect(await service.groupExists("secret")).toBe(false);
  });

  it("server-side group management and permissions reach the client", async () => {
    const inbox = await connect("erin");
    await service.group("ops").addUser("erin");
    await service.group("ops").sendToAll("ops text", { contentType: "text/plain" });
    await until(() => inbox.server.length === 1);

    expect(await service.hasPermission(inbox.connectionId, "sendToGroup", { targetName: "ops" })).toBe(false);
    await service.grantPermission(inbox.connectionId, "sendToGroup", { targetName: "ops" });
    expect(await service.hasPermission(inbox.connectionId, "sendToGroup", { targetName: "ops" })).toBe(true);
    await inbox.client.sendToGroup("ops", "from erin", "text");
    await until(() => inbox.group.length === 1);

    await service.group("ops").removeUser("erin");
    expect(await service.groupExists("ops")).toBe(false);
  });

  it("closeUserConnections closes with 1008 and the SDK reconnects as a new connection", async () => {
    const inbox = await connect("frank");
    const firstId = inbox.connectionId;
    await service.closeUserConnections("frank", { reason: "test" });
    await until(() => inbox.connectionId !== firstId);
    expect(await service.connectionExists(firstId)).toBe(false);
    expect(await service.connectionExists(inbox.connectionId)).toBe(true);
  });

  it("plain json.webpubsub.azure.v1 clients receive unsequenced messages", async () => {
    const inbox = await connect("grace", ["webpubsub.joinLeaveGroup"], { protocol: WebPubSubJsonProtocol() });
    await inbox.client.joinGroup("g");
    await service.sendToUser("grace", { n: 1 });
    await service.group("g").sendToAll("t", { contentType: "text/plain" });
    await until(() => inbox.server.length === 2);
    expect(inbox.server.map((m) => m.sequenceId)).toEqual([undefined, undefined]);
  });

  it("recovers a dropped socket: same connection id, groups kept, outage message delivered once", async () => {
    const proxy = await startCuttableProxy(emulator.port);
    try {
      const viaProxy = async () => {
        const { url } = await service.getClientAccessToken({
          userId: "henry",
          roles: ["webpubsub.joinLeaveGroup"],
        });
        const u = new URL(url);
        u.port = String(proxy.port);
        return u.toString();
      };
      const client = new WebPubSubClient({ getClientAccessUrl: viaProxy });
      started.push(client);
      const received: unknown[] = [];
      const connectionIds: string[] = [];
      client.on("server-message", (e) => received.push(e.message.data));
      client.on("connected", (e) => connectionIds.push(e.connectionId));
      await client.start();
      await until(() => connectionIds.length === 1);
      await client.joinGroup("watchers");
      await service.sendToUser("henry", { n: "before" });
      await until(() => received.length === 1);

      proxy.cut();
      await until(() => emulator.connectionCount(HUB) === 0);
      await service.sendToUser("henry", { n: "during" });
      await service.group("watchers").sendToAll({ n: "group-during" });
      expect(await service.connectionExists(connectionIds[0] as string)).toBe(true);
      proxy.restore();

      await until(() => received.length === 3);
      await sleep(1_500); // past the client's 1 s sequenceAck tick, so a second replay would show up
      expect(received).toEqual([{ n: "before" }, { n: "during" }, { n: "group-during" }]);
      expect(connectionIds).toHaveLength(1);
      expect(proxy.connections).toBeGreaterThanOrEqual(2);
      expect(await service.connectionExists(connectionIds[0] as string)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("emulator-side socket drop is recovered the same way", async () => {
    const inbox = await connect("ivy");
    expect(emulator.dropConnection(inbox.connectionId)).toBe(true);
    expect(emulator.dropConnection("unknown")).toBe(false);
    await service.sendToUser("ivy", "after drop", { contentType: "text/plain" });
    await until(() => inbox.server.length === 1);
    await until(() => emulator.connectionCount(HUB) === 1);
    expect(inbox.connectedEvents).toBe(1);
    expect(await service.connectionExists(inbox.connectionId)).toBe(true);
  });
});

describe("authentication", () => {
  const restUrl = (path: string) => `${emulator.endpoint}/api/hubs/${HUB}${path}?api-version=2024-12-01`;
  const sign = (aud: string, exp: number | string = "1h", key = KEY) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setAudience(aud)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(key));
  const post = (url: string, token: string) =>
    fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
      body: "x",
    });

  it("accepts a hand-signed token whose audience is the URL with or without its query", async () => {
    const url = restUrl("/users/u1/:send");
    expect((await post(url, await sign(url))).status).toBe(202);
    expect((await post(url, await sign(url.split("?")[0] as string))).status).toBe(202);
  });

  it("rejects a wrong AccessKey with 401 through the SDK", async () => {
    const wrong = new WebPubSubServiceClient(
      `Endpoint=http://127.0.0.1;Port=${emulator.port};AccessKey=not-the-key;Version=1.0;`,
      HUB,
      { allowInsecureConnection: true },
    );
    const err = await wrong.sendToUser("u1", "x", { contentType: "text/plain" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).statusCode).toBe(401);
    await expect(wrong.userExists("u1")).rejects.toMatchObject({ statusCode: 401 });
  });

  it("rejects missing, expired and wrong-audience tokens with a clear 401 body", async () => {
    const url = restUrl("/users/u1/:send");
    const missing = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      code: "Unauthorized",
      message: expect.stringMatching(/Bearer/),
    });

    const expired = await post(url, await sign(url, Math.floor(Date.now() / 1000) - 60));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ message: expect.stringMatching(/expired/) });

    const elsewhere = await post(url, await sign(restUrl("/users/u2/:send")));
    expect(elsewhere.status).toBe(401);
    expect(await elsewhere.json()).toMatchObject({ message: expect.stringMatching(/audience/) });
    expect(elsewhere.headers.get("www-authenticate")).toMatch(/invalid_token/);

    const otherHost = await post(url, await sign(url.replace("127.0.0.1", "example.invalid")));
    expect(otherHost.status).toBe(401);
  });

  it("refuses a WebSocket with a bad signature, an expired token or a token for another hub", async () => {
    const wrongKey = new WebPubSubServiceClient(
      `Endpoint=http://127.0.0.1;Port=${emulator.port};AccessKey=not-the-key;Version=1.0;`,
      HUB,
    );
    const otherHub = new WebPubSubServiceClient(emulator.connectionString, "otherhub", {
      allowInsecureConnection: true,
    });
    const urls = [
      (await wrongKey.getClientAccessToken({ userId: "u1" })).url,
      (await service.getClientAccessToken({ userId: "u1", expirationTimeInMinutes: -1 })).url,
      (await otherHub.getClientAccessToken({ userId: "u1" })).url.replace("/hubs/otherhub", `/hubs/${HUB}`),
    ];
    for (const url of urls) {
      const client = new WebPubSubClient(url, { reconnectRetryOptions: { maxRetries: 0 } });
      await expect(client.start()).rejects.toThrow();
    }
    expect(emulator.connectionCount()).toBe(0);
  });
});

describe("stop", () => {
  it("closes connected clients and frees the port", async () => {
    const own = await startWebPubSubEmulator({ accessKey: KEY });
    const svc = new WebPubSubServiceClient(own.connectionString, HUB, { allowInsecureConnection: true });
    // Non-reliable protocol: a reliable client would spend 30 s trying to recover first.
    const client = new WebPubSubClient((await svc.getClientAccessToken({ userId: "u" })).url, {
      autoReconnect: false,
      protocol: WebPubSubJsonProtocol(),
    });
    const stopped = new Promise<void>((resolve) => client.on("stopped", () => resolve()));
    await client.start();
    expect(own.connectionCount()).toBe(1);
    await own.stop();
    await stopped;

    const probe = net.createServer();
    probe.listen(own.port, "127.0.0.1");
    await once(probe, "listening");
    await new Promise((resolve) => probe.close(resolve));
  });
});

/**
 * A TCP forwarder whose connections can be cut and whose listener can refuse new ones for a
 * while: a network outage between browser and service, seen from both ends as a dead socket.
 */
async function startCuttableProxy(targetPort: number) {
  const live = new Set<net.Socket>();
  let refusing = false;
  let connections = 0;
  const server = net.createServer((inbound) => {
    if (refusing) {
      inbound.destroy();
      return;
    }
    connections++;
    const outbound = net.connect(targetPort, "127.0.0.1");
    for (const [a, b] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      live.add(a);
      a.pipe(b);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        live.delete(a);
        b.destroy();
      });
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    cut() {
      refusing = true;
      for (const socket of live) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of live) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
