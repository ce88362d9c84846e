import { Backoff } from "../lib/backoff.js";
import type { BackoffOptions } from "../lib/backoff.js";

/** The part of `WebPubSubClient` the manager uses (events as @azure/web-pubsub-client names them). */
export interface RealtimeClient {
  on(event: "connected", listener: (e: { connectionId: string; userId?: string }) => void): void;
  on(event: "disconnected", listener: (e: { connectionId?: string; message?: unknown }) => void): void;
  on(event: "stopped", listener: () => void): void;
  on(event: "server-message", listener: (e: { message: { data: unknown } }) => void): void;
  start(): Promise<void>;
  stop(): void;
}

export type ConnectionState = "connecting" | "live" | "polling" | "stopped";

export interface ConnectionInfo {
  state: ConnectionState;
  /** When polling: milliseconds until the next read. */
  nextPollMs?: number;
}

export interface ConnectionManagerOptions {
  /** A fresh Web PubSub client URL (POST /api/negotiate): called on every (re)connect, tokens are short-lived. */
  negotiate: () => Promise<string>;
  createClient: (getClientAccessUrl: () => Promise<string>) => RealtimeClient;
  /** Re-reads job statuses from the API: the truth, which pushes only hint at. */
  refresh: (reason: string) => Promise<void>;
  onMessage: (data: unknown) => void;
  onState?: (info: ConnectionInfo) => void;
  /** Reads while the socket is down. */
  pollBackoff?: BackoffOptions;
  /** New clients after the client gave up reconnecting on its own. */
  restartBackoff?: BackoffOptions;
  onError?: (err: unknown, during: string) => void;
}

/**
 * Keeps the page's job statuses current: live over Web PubSub when it can, polling the API with
 * backoff when the socket is down, and re-reading from the API on every connect (missed events
 * are not replayed across connections) and whenever the page asks (tab visible, back online).
 */
export class ConnectionManager {
  private client: RealtimeClient | undefined;
  private current: ConnectionState = "stopped";
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly poll: Backoff;
  private readonly restart: Backoff;
  private generation = 0;

  constructor(private readonly options: ConnectionManagerOptions) {
    this.poll = new Backoff(options.pollBackoff ?? { initialMs: 2_000, maxMs: 30_000, jitter: 0.3 });
    this.restart = new Backoff(options.restartBackoff ?? { initialMs: 1_000, maxMs: 60_000 });
  }

  get state(): ConnectionState {
    return this.current;
  }

  start(): void {
    if (this.current !== "stopped") return;
    this.setState("connecting");
    this.startClient();
  }

  stop(): void {
    this.generation++;
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    this.setState("stopped");
    client?.stop();
  }

  /** Read now (tab became visible, network came back); also restarts a client that gave up. */
  refreshNow(reason: string): void {
    this.runRefresh(reason);
    if (this.current === "polling") {
      this.poll.reset();
      if (this.restartTimer !== undefined) {
        clearTimeout(this.restartTimer);
        this.restartTimer = undefined;
        this.startClient();
      }
    }
  }

  private startClient(): void {
    const generation = ++this.generation;
    const client = this.options.createClient(() => this.options.negotiate());
    this.client = client;
    const mine = () => generation === this.generation;
    client.on("connected", () => {
      if (!mine()) return;
      this.poll.reset();
      this.restart.reset();
      this.clearTimers();
      this.setState("live");
      this.runRefresh("connected");
    });
    client.on("disconnected", () => {
      // The client reconnects by itself; poll meanwhile.
      if (mine()) this.down();
    });
    client.on("stopped", () => {
      if (!mine()) return;
      this.down();
      // The client gave up: a new one later (negotiate may have failed, or the token expired).
      if (this.restartTimer === undefined)
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (mine()) this.startClient();
        }, this.restart.next());
    });
    client.on("server-message", (e) => {
      if (mine()) this.options.onMessage(e.message.data);
    });
    client.start().catch((err: unknown) => {
      if (!mine()) return;
      this.options.onError?.(err, "connect");
      // start() failing leaves the client stopped without a "stopped" event in some versions.
      this.down();
      if (this.restartTimer === undefined)
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (mine()) this.startClient();
        }, this.restart.next());
    });
  }

  private down(): void {
    if (this.current === "stopped") return;
    if (this.pollTimer === undefined) this.schedulePoll();
    else if (this.current !== "polling") this.setState("polling");
  }

  private schedulePoll(): void {
    const delay = this.poll.next();
    this.setState("polling", delay);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.current !== "polling") return;
      this.runRefresh("poll").finally(() => {
        if (this.current === "polling" && this.pollTimer === undefined) this.schedulePoll();
      });
    }, delay);
  }

  private runRefresh(reason: string): Promise<void> {
    return this.options
      .refresh(reason)
      .catch((err: unknown) => this.options.onError?.(err, `refresh (${reason})`));
  }

  private clearTimers(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.pollTimer = this.restartTimer = undefined;
  }

  private setState(state: ConnectionState, nextPollMs?: number): void {
    this.current = state;
    this.options.onState?.({ state, ...(nextPollMs !== undefined ? { nextPollMs } : {}) });
  }
}
