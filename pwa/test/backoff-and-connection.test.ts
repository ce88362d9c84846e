import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Backoff, backoffDelay, sleep } from "../src/lib/backoff.js";
import { ConnectionManager } from "../src/realtime/connection.js";
import type { ConnectionInfo, RealtimeClient } from "../src/realtime/connection.js";

describe("backoff", () => {
  it("grows exponentially to the cap, with jitter inside its share", () => {
    const fixed = { initialMs: 100, maxMs: 1000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, fixed))).toEqual([100, 200, 400, 800, 1000, 1000]);
    const low = backoffDelay(3, { initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    const high = backoffDelay(3, { initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.999999 });
    expect(low).toBe(400);
    expect(high).toBe(800);
    expect(() => backoffDelay(-1, fixed)).toThrow(RangeError);
  });

  it("resets after a success", () => {
    const b = new Backoff({ initialMs: 10, maxMs: 100, jitter: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([10, 20, 40]);
    b.reset();
    expect(b.next()).toBe(10);
  });

  it("sleep rejects with an AbortError when aborted", async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });
});

/**
 * A stand-in for WebPubSubClient that the test drives: the real client and emulator are
 * exercised by the browser tests; here the point is the manager's timing decisions.
 */
class ScriptedClient implements RealtimeClient {
  listeners: Record<string, Array<(e: never) => void>> = {};
  started = 0;
  stopped = false;
  constructor(readonly getUrl: () => Promise<string>) {}
  on(event: string, listener: (e: never) => void): void {
    (this.listeners[event] ??= []).push(listener);
  }
  emit(event: string, e: unknown = {}) {
    for (const l of this.listeners[event] ?? []) l(e as never);
  }
  async start() {
    this.started++;
    await this.getUrl();
  }
  stop() {
    this.stopped = true;
  }
}

describe("connection manager", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const clients: ScriptedClient[] = [];
    const refreshes: string[] = [];
    const states: ConnectionInfo[] = [];
    const messages: unknown[] = [];
    let negotiations = 0;
    const manager = new ConnectionManager({
      negotiate: async () => `ws://emulator/${++negotiations}`,
      createClient: (getUrl) => {
        const c = new ScriptedClient(getUrl);
        clients.push(c);
        return c;
      },
      refresh: async (reason) => void refreshes.push(reason),
      onMessage: (m) => messages.push(m),
      onState: (s) => states.push(s),
      pollBackoff: { initialMs: 1000, maxMs: 8000, jitter: 0 },
      restartBackoff: { initialMs: 5000, maxMs: 60000, jitter: 0 },
    });
    return { manager, clients, refreshes, states, messages, negotiations: () => negotiations };
  }

  it("re-reads from the API on every connect and passes messages on", async () => {
    const { manager, clients, refreshes, messages } = setup();
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    clients[0]!.emit("connected", { connectionId: "c1" });
    expect(manager.state).toBe("live");
    clients[0]!.emit("server-message", { message: { data: { type: "job.queued" } } });
    clients[0]!.emit("disconnected");
    clients[0]!.emit("connected", { connectionId: "c2" });
    expect(refreshes).toEqual(["connected", "connected"]);
    expect(messages).toEqual([{ type: "job.queued" }]);
  });

  it("polls with growing delays while the socket is down, and stops polling once live again", async () => {
    const { manager, clients, refreshes, states } = setup();
    manager.start();
    clients[0]!.emit("connected", {});
    refreshes.length = 0;
    clients[0]!.emit("disconnected");
    expect(manager.state).toBe("polling");
    await vi.advanceTimersByTimeAsync(999);
    expect(refreshes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshes).toEqual(["poll"]);
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(4000);
    await vi.advanceTimersByTimeAsync(8000);
    await vi.advanceTimersByTimeAsync(8000);
    expect(refreshes).toEqual(["poll", "poll", "poll", "poll", "poll"]);
    expect(states.filter((s) => s.state === "polling").map((s) => s.nextPollMs)).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    refreshes.length = 0;
    clients[0]!.emit("connected", {});
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshes).toEqual(["connected"]);
  });

  it("starts a new client (negotiating a new URL) after the old one gave up", async () => {
    const { manager, clients, negotiations } = setup();
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    clients[0]!.emit("stopped");
    expect(clients).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(clients).toHaveLength(2);
    expect(negotiations()).toBe(2);
    // Events from the abandoned client no longer count.
    clients[0]!.emit("connected", {});
    expect(manager.state).toBe("polling");
    clients[1]!.emit("connected", {});
    expect(manager.state).toBe("live");
  });

  it("reads at once when asked (tab visible, back online) and restarts a client that gave up", async () => {
    const { manager, clients, refreshes } = setup();
    manager.start();
    clients[0]!.emit("stopped");
    manager.refreshNow("visible");
    expect(refreshes).toEqual(["visible"]);
    expect(clients).toHaveLength(2);
    manager.stop();
    expect(clients[1]!.stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(refreshes).toEqual(["visible"]);
  });

  it("polls and retries when negotiate fails", async () => {
    const refreshes: string[] = [];
    let attempts = 0;
    const manager = new ConnectionManager({
      negotiate: async () => {
        attempts++;
        throw new Error("offline");
      },
      createClient: (getUrl) => new ScriptedClient(getUrl),
      refresh: async (r) => void refreshes.push(r),
      onMessage: () => undefined,
      pollBackoff: { initialMs: 1000, maxMs: 1000, jitter: 0 },
      restartBackoff: { initialMs: 3000, maxMs: 3000, jitter: 0 },
    });
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.state).toBe("polling");
    await vi.advanceTimersByTimeAsync(3000);
    expect(attempts).toBe(2);
    expect(refreshes.filter((r) => r === "poll").length).toBe(3);
    manager.stop();
  });
});
