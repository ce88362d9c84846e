import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import WebSocket from "ws";
import {
  connectedJson,
  dataMessageJson,
  disconnectedJson,
  rawFrame,
  type ClientMode,
  type DataMessage,
} from "./protocol.js";

/** The two client permissions of Web PubSub; roles are `webpubsub.<permission>[.<group>]`. */
export type Permission = "joinLeaveGroup" | "sendToGroup";

export function isPermission(value: string): value is Permission {
  return value === "joinLeaveGroup" || value === "sendToGroup";
}

interface SequencedFrame {
  sequenceId: number;
  frame: string;
  bytes: number;
}

// Enough to recognise any retry the client makes (it retries an ackId a few times within seconds).
const REMEMBERED_ACK_IDS = 10_000;

/**
 * One logical client connection. In reliable mode it outlives its WebSocket: data messages are
 * numbered and kept until the client acknowledges them, so a recovered socket can be sent
 * whatever the previous one lost.
 */
export class ClientSession {
  readonly groups = new Set<string>();
  readonly reconnectionToken: string | undefined;
  private readonly roles: Set<string>;
  private socket: WebSocket | undefined;
  private nextSequenceId = 1;
  private readonly unacked: SequencedFrame[] = [];
  private unackedBytes = 0;
  private readonly seenAckIds = new Set<number>();

  constructor(
    readonly hub: string,
    readonly connectionId: string,
    readonly userId: string | undefined,
    roles: readonly string[],
    readonly mode: ClientMode,
    private readonly maxUnackedBytes: number,
    private readonly logger: Logger,
  ) {
    this.roles = new Set(roles);
    this.reconnectionToken = mode === "reliable" ? randomBytes(24).toString("base64url") : undefined;
  }

  get isAttached(): boolean {
    return this.socket !== undefined;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  get pendingSequenced(): number {
    return this.unacked.length;
  }

  reconnectionTokenMatches(candidate: string): boolean {
    if (this.reconnectionToken === undefined) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.reconnectionToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Binds a (new) socket: greets it and replays every sequenced message not yet acknowledged. */
  attach(socket: WebSocket): void {
    const previous = this.socket;
    this.socket = socket;
    // A recovery can race the server noticing the old socket is dead; only one may stay bound.
    if (previous && previous !== socket) previous.terminate();
    if (this.mode === "simple") return;
    this.send(connectedJson(this.connectionId, this.userId, this.reconnectionToken));
    for (const entry of this.unacked) this.send(entry.frame);
  }

  /** Forgets `socket` if it is still the bound one; returns whether it was. */
  detach(socket: WebSocket): boolean {
    if (this.socket !== socket) return false;
    this.socket = undefined;
    return true;
  }

  /** Queues or sends a data message; returns false when the replay buffer overflowed. */
  deliver(message: DataMessage): boolean {
    switch (this.mode) {
      case "simple":
        this.send(rawFrame(message.payload));
        return true;
      case "json":
        this.send(dataMessageJson(message, undefined));
        return true;
      case "reliable": {
        const sequenceId = this.nextSequenceId++;
        const frame = dataMessageJson(message, sequenceId);
        const bytes = Buffer.byteLength(frame);
        if (this.unackedBytes + bytes > this.maxUnackedBytes) return false;
        this.unacked.push({ sequenceId, frame, bytes });
        this.unackedBytes += bytes;
        this.send(frame);
        return true;
      }
    }
  }

  /** `sequenceAck` is cumulative: everything up to and including `sequenceId` arrived. */
  acknowledge(sequenceId: number): void {
    let drop = 0;
    while (drop < this.unacked.length && (this.unacked[drop] as SequencedFrame).sequenceId <= sequenceId) {
      this.unackedBytes -= (this.unacked[drop] as SequencedFrame).bytes;
      drop++;
    }
    if (drop > 0) this.unacked.splice(0, drop);
  }

  /** Records an ackId; false when this connection already processed it (the client retried). */
  firstUseOfAckId(ackId: number): boolean {
    if (this.seenAckIds.has(ackId)) return false;
    this.seenAckIds.add(ackId);
    if (this.seenAckIds.size > REMEMBERED_ACK_IDS) {
      const oldest = this.seenAckIds.values().next().value as number;
      this.seenAckIds.delete(oldest);
    }
    return true;
  }

  can(permission: Permission, group?: string): boolean {
    return (
      this.roles.has(`webpubsub.${permission}`) ||
      (group !== undefined && this.roles.has(`webpubsub.${permission}.${group}`))
    );
  }

  grant(permission: Permission, group?: string): void {
    this.roles.add(roleName(permission, group));
  }

  revoke(permission: Permission, group?: string): void {
    this.roles.delete(roleName(permission, group));
  }

  /** Unsequenced frames (acks, pongs, system messages) go only to a live socket. */
  send(frame: string | Buffer): void {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    socket.send(frame, (err) => {
      if (err) this.logger.debug({ connectionId: this.connectionId, err: err.message }, "send failed");
    });
  }

  /**
   * Ends the connection for good. 1008 tells the SDK not to try recovery (the session is gone);
   * 1000 is a plain goodbye.
   */
  close(code: 1000 | 1008 | 1001, reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    if (socket.readyState === WebSocket.OPEN) {
      if (this.mode !== "simple") socket.send(disconnectedJson(reason));
      socket.close(code, reason.slice(0, 120));
    } else {
      socket.terminate();
    }
  }

  /** Fault injection: cut the TCP connection as a network failure would, keeping the session. */
  dropSocket(): boolean {
    if (!this.socket) return false;
    // The socket's close event then runs the same path as a real network loss.
    this.socket.terminate();
    return true;
  }
}

function roleName(permission: Permission, group?: string): string {
  return group === undefined ? `webpubsub.${permission}` : `webpubsub.${permission}.${group}`;
}
