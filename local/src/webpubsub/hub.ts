import type { Logger } from "pino";
import type { DataMessage } from "./protocol.js";
import type { ClientSession } from "./session.js";

/**
 * Who is connected to one hub, and which groups and users they belong to. A reliable session
 * whose socket is lost stays registered (and keeps receiving into its replay buffer) for the
 * recovery window, so user and group sends during an outage still reach it.
 */
export class Hub {
  private readonly connections = new Map<string, ClientSession>();
  private readonly users = new Map<string, Set<ClientSession>>();
  private readonly groups = new Map<string, Set<ClientSession>>();
  // Adding a *user* to a group also covers that user's later connections while the user is online.
  private readonly userGroups = new Map<string, Set<string>>();
  private readonly recoveryTimers = new Map<ClientSession, NodeJS.Timeout>();

  constructor(
    readonly name: string,
    private readonly recoveryWindowMs: number,
    private readonly logger: Logger,
  ) {}

  add(session: ClientSession): void {
    this.connections.set(session.connectionId, session);
    if (session.userId === undefined) return;
    addTo(this.users, session.userId, session);
    for (const group of this.userGroups.get(session.userId) ?? []) this.join(session, group);
  }

  connection(connectionId: string): ClientSession | undefined {
    return this.connections.get(connectionId);
  }

  /** Removes the session for good and closes its socket, if it still has one. */
  remove(session: ClientSession, code: 1000 | 1001 | 1008, reason: string): void {
    if (this.connections.get(session.connectionId) !== session) return;
    this.clearRecoveryTimer(session);
    this.connections.delete(session.connectionId);
    for (const group of session.groups) removeFrom(this.groups, group, session);
    session.groups.clear();
    if (session.userId !== undefined) {
      removeFrom(this.users, session.userId, session);
      if (!this.users.has(session.userId)) this.userGroups.delete(session.userId);
    }
    session.close(code, reason);
    this.logger.debug({ hub: this.name, connectionId: session.connectionId, reason }, "connection removed");
  }

  /** The session's socket went away: keep a reliable session for recovery, drop any other. */
  socketLost(session: ClientSession): void {
    if (session.mode !== "reliable") {
      this.remove(session, 1000, "socket closed");
      return;
    }
    this.clearRecoveryTimer(session);
    const timer = setTimeout(
      () => this.remove(session, 1008, "Recovery window elapsed; the connection was dropped"),
      this.recoveryWindowMs,
    );
    timer.unref();
    this.recoveryTimers.set(session, timer);
  }

  recovered(session: ClientSession): void {
    this.clearRecoveryTimer(session);
  }

  join(session: ClientSession, group: string): void {
    session.groups.add(group);
    addTo(this.groups, group, session);
  }

  leave(session: ClientSession, group: string): void {
    session.groups.delete(group);
    removeFrom(this.groups, group, session);
  }

  leaveAll(session: ClientSession): void {
    for (const group of [...session.groups]) this.leave(session, group);
  }

  addUserToGroup(userId: string, group: string): void {
    const sessions = this.users.get(userId);
    if (!sessions) return;
    addTo(this.userGroups, userId, group);
    for (const session of sessions) this.join(session, group);
  }

  removeUserFromGroup(userId: string, group: string): void {
    removeFrom(this.userGroups, userId, group);
    for (const session of this.users.get(userId) ?? []) this.leave(session, group);
  }

  removeUserFromAllGroups(userId: string): void {
    this.userGroups.delete(userId);
    for (const session of this.users.get(userId) ?? []) this.leaveAll(session);
  }

  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  sessions(): ClientSession[] {
    return [...this.connections.values()];
  }

  sessionsOfUser(userId: string): ClientSession[] {
    return [...(this.users.get(userId) ?? [])];
  }

  membersOf(group: string): ClientSession[] {
    return [...(this.groups.get(group) ?? [])];
  }

  /** Counts sockets that are open right now (a session waiting for recovery has none). */
  openCount(): number {
    let open = 0;
    for (const session of this.connections.values()) if (session.isOpen) open++;
    return open;
  }

  deliver(targets: readonly ClientSession[], message: DataMessage, excluded?: ReadonlySet<string>): number {
    let delivered = 0;
    for (const session of targets) {
      if (excluded?.has(session.connectionId)) continue;
      if (session.deliver(message)) {
        delivered++;
      } else {
        this.logger.warn(
          { hub: this.name, connectionId: session.connectionId, pending: session.pendingSequenced },
          "client left too many messages unacknowledged; dropping its connection",
        );
        this.remove(session, 1008, "Too many unacknowledged messages");
      }
    }
    return delivered;
  }

  closeAll(code: 1000 | 1001 | 1008, reason: string): void {
    for (const session of this.sessions()) this.remove(session, code, reason);
  }

  private clearRecoveryTimer(session: ClientSession): void {
    const timer = this.recoveryTimers.get(session);
    if (timer) clearTimeout(timer);
    this.recoveryTimers.delete(session);
  }
}

/** Hubs by name. Azure treats hub names case-insensitively, so they are keyed in lower case. */
export class HubRegistry {
  private readonly hubs = new Map<string, Hub>();

  constructor(
    private readonly recoveryWindowMs: number,
    private readonly logger: Logger,
  ) {}

  get(name: string): Hub {
    const key = name.toLowerCase();
    let hub = this.hubs.get(key);
    if (!hub) {
      hub = new Hub(key, this.recoveryWindowMs, this.logger);
      this.hubs.set(key, hub);
    }
    return hub;
  }

  findConnection(connectionId: string): ClientSession | undefined {
    for (const hub of this.hubs.values()) {
      const session = hub.connection(connectionId);
      if (session) return session;
    }
    return undefined;
  }

  openCount(hub?: string): number {
    if (hub !== undefined) return this.hubs.get(hub.toLowerCase())?.openCount() ?? 0;
    let total = 0;
    for (const h of this.hubs.values()) total += h.openCount();
    return total;
  }

  closeAll(code: 1000 | 1001 | 1008, reason: string): void {
    for (const hub of this.hubs.values()) hub.closeAll(code, reason);
  }
}

const HUB_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

export function isValidHubName(name: string): boolean {
  return HUB_NAME.test(name);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
