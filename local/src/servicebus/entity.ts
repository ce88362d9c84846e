import type { Logger } from "pino";
import type { DeadlineScheduler } from "./deadline-scheduler.js";
import { lockKey, newLockToken } from "./lock-token.js";
import { MinHeap } from "./min-heap.js";
import {
  ANNOTATION,
  encodeWithAnnotations,
  ensureMessageId,
  scheduledTimeOf,
  type AmqpMessage,
} from "./message-codec.js";
import type { ResolvedQueueConfig } from "./types.js";

export type MessageState = "active" | "locked" | "deferred" | "scheduled";

export interface StoredMessage {
  readonly seq: number;
  message: AmqpMessage;
  enqueuedAt: number;
  expiresAt: number | undefined;
  scheduledAt: number | undefined;
  /** Times the message was handed out; the next delivery reports this as header.delivery_count. */
  deliveries: number;
  state: MessageState;
  /** A deferred message goes back to deferred, not active, when a lock on it ends. */
  deferred: boolean;
  lock: { token: Buffer; key: string; until: number } | undefined;
  /** Has an entry in the ready heap (entries for messages that moved on are skipped lazily). */
  queued: boolean;
}

/** A receive link as the broker sees it. */
export interface Consumer {
  readonly receiveAndDelete: boolean;
  /** Messages this link may take right now (its credit less what is still unwritten). */
  capacity(): number;
  deliver(encoded: Buffer, lockToken: Buffer | undefined): void;
  /** Called after every pump pass, so a pending drain can be answered. */
  pumped(): void;
}

export type LockResult = "ok" | "lock-lost";

export class MessageNotFoundError extends Error {}

export const DEAD_LETTER_SUFFIX = "/$DeadLetterQueue";
export const MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded";
export const TTL_EXPIRED_REASON = "TTLExpiredException";

const NEVER = Number.POSITIVE_INFINITY;

function isOutcomeProperty(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * One queue or dead-letter queue. Messages live in a Map keyed by sequence number (insertion is
 * in sequence order, which peek relies on); ready messages sit in a heap ordered by sequence
 * number, locks in a Map keyed by token. No operation scans all messages except peek and the
 * runtime counts, which are not on the per-message path.
 */
export class Entity {
  readonly messages = new Map<number, StoredMessage>();
  private readonly ready = new MinHeap<StoredMessage>((a, b) => a.seq < b.seq);
  private readonly locks = new Map<string, StoredMessage>();
  private readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  private nextSeq = 1;
  private pumpHandle: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly config: ResolvedQueueConfig,
    private readonly scheduler: DeadlineScheduler,
    private readonly log: Logger,
    /** Undefined for a dead-letter queue itself. */
    private readonly deadLetterQueue: Entity | undefined,
  ) {}

  get isDeadLetterQueue(): boolean {
    return this.deadLetterQueue === undefined;
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.schedulePump();
  }

  removeConsumer(consumer: Consumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  close(): void {
    this.closed = true;
    if (this.pumpHandle) clearImmediate(this.pumpHandle);
    this.pumpHandle = undefined;
    this.consumers.length = 0;
  }

  /**
   * Stores a message as a sender delivered it. Honours `x-opt-scheduled-enqueue-time`, the
   * message's TTL and the queue's default TTL (not on a dead-letter queue, where nothing expires).
   */
  enqueue(message: AmqpMessage, carried?: { enqueuedAt: number; deliveries: number }): StoredMessage {
    ensureMessageId(message);
    const now = Date.now();
    const scheduledFor = carried ? undefined : scheduledTimeOf(message);
    const scheduledAt = scheduledFor !== undefined && scheduledFor > now ? scheduledFor : undefined;
    const stored: StoredMessage = {
      seq: this.nextSeq++,
      message,
      enqueuedAt: carried?.enqueuedAt ?? scheduledAt ?? now,
      expiresAt: undefined,
      scheduledAt,
      deliveries: carried?.deliveries ?? 0,
      state: scheduledAt !== undefined ? "scheduled" : "active",
      deferred: false,
      lock: undefined,
      queued: false,
    };
    if (!this.isDeadLetterQueue) this.applyTimeToLive(stored, scheduledAt ?? now);
    this.messages.set(stored.seq, stored);
    if (scheduledAt !== undefined) {
      this.scheduler.at(scheduledAt, () => this.activateScheduled(stored));
    } else {
      this.makeReady(stored);
    }
    return stored;
  }

  private applyTimeToLive(stored: StoredMessage, from: number): void {
    const own = typeof stored.message.ttl === "number" && stored.message.ttl > 0 ? stored.message.ttl : NEVER;
    const ttl = Math.min(own, this.config.defaultMessageTimeToLiveMs ?? NEVER);
    if (ttl === NEVER) return;
    // The SDK derives expiresAtUtc from enqueued time + header.ttl, so carry the effective TTL.
    if (ttl <= 0xffffffff) stored.message.ttl = ttl;
    stored.expiresAt = from + ttl;
    this.scheduler.at(stored.expiresAt, () => this.expireIfDue(stored));
  }

  private activateScheduled(stored: StoredMessage): void {
    if (stored.state !== "scheduled" || this.messages.get(stored.seq) !== stored) return;
    stored.enqueuedAt = Date.now();
    stored.scheduledAt = undefined;
    this.makeReady(stored);
  }

  private expireIfDue(stored: StoredMessage): void {
    if (this.messages.get(stored.seq) !== stored) return;
    // A locked message expires when its lock ends (Azure does the same).
    if (stored.state === "locked") return;
    if (stored.expiresAt === undefined || stored.expiresAt > Date.now()) return;
    this.messages.delete(stored.seq);
    if (this.config.deadLetteringOnMessageExpiration) {
      this.moveToDeadLetter(
        stored,
        TTL_EXPIRED_REASON,
        "The message expired and was dead lettered.",
        undefined,
      );
    } else {
      this.log.debug({ entity: this.name, seq: stored.seq }, "message expired");
    }
  }

  private makeReady(stored: StoredMessage): void {
    stored.state = "active";
    if (!stored.queued) {
      stored.queued = true;
      this.ready.push(stored);
    }
    this.schedulePump();
  }

  /** Deliveries happen on the next turn so a burst of sends or flows is distributed in one pass. */
  schedulePump(): void {
    if (this.pumpHandle || this.closed || this.consumers.length === 0) return;
    this.pumpHandle = setImmediate(() => {
      this.pumpHandle = undefined;
      this.pump();
    });
  }

  private takeReady(): StoredMessage | undefined {
    for (let next = this.ready.pop(); next; next = this.ready.pop()) {
      next.queued = false;
      if (next.state !== "active" || this.messages.get(next.seq) !== next) continue;
      if (next.expiresAt !== undefined && next.expiresAt <= Date.now()) {
        this.expireIfDue(next);
        continue;
      }
      return next;
    }
    return undefined;
  }

  private pump(): void {
    const consumers = [...this.consumers];
    const n = consumers.length;
    const budgets = consumers.map((c) => c.capacity());
    let remaining = budgets.reduce((a, b) => a + b, 0);
    let i = this.nextConsumer % Math.max(1, n);
    while (remaining > 0) {
      const stored = this.takeReady();
      if (!stored) break;
      while ((budgets[i] as number) <= 0) i = (i + 1) % n;
      budgets[i] = (budgets[i] as number) - 1;
      remaining--;
      this.handOut(stored, consumers[i] as Consumer);
      i = (i + 1) % n;
    }
    this.nextConsumer = i;
    for (const c of consumers) c.pumped();
  }

  private handOut(stored: StoredMessage, consumer: Consumer): void {
    const deliveryCount = stored.deliveries;
    stored.deliveries++;
    if (consumer.receiveAndDelete) {
      this.messages.delete(stored.seq);
      consumer.deliver(this.encode(stored, deliveryCount), undefined);
      return;
    }
    const token = this.lock(stored);
    consumer.deliver(this.encode(stored, deliveryCount), token);
  }

  private lock(stored: StoredMessage): Buffer {
    const token = newLockToken();
    const key = lockKey(token);
    stored.state = "locked";
    stored.lock = { token, key, until: Date.now() + this.config.lockDurationMs };
    this.locks.set(key, stored);
    this.scheduleLockDeadline(stored);
    return token;
  }

  private scheduleLockDeadline(stored: StoredMessage): void {
    const lock = stored.lock;
    if (!lock) return;
    const until = lock.until;
    this.scheduler.at(until, () => {
      if (stored.lock === lock && lock.until === until) this.releaseLock(stored, true);
    });
  }

  private encode(stored: StoredMessage, deliveryCount: number, peekState?: number): Buffer {
    return encodeWithAnnotations(stored.message, {
      sequenceNumber: stored.seq,
      enqueuedAt: stored.enqueuedAt,
      deliveryCount,
      lockedUntil: stored.lock?.until,
      state: peekState,
    });
  }

  /** The locked message for a token, or undefined when the lock is unknown or has lapsed. */
  private lockedMessage(token: Buffer): StoredMessage | undefined {
    const stored = this.locks.get(lockKey(token));
    if (!stored?.lock) return undefined;
    if (stored.lock.until <= Date.now()) {
      // The deadline timer has not run yet; the lock is gone all the same.
      this.releaseLock(stored, true);
      return undefined;
    }
    return stored;
  }

  private unlock(stored: StoredMessage): void {
    if (stored.lock) this.locks.delete(stored.lock.key);
    stored.lock = undefined;
  }

  /** Ends a lock by abandon or expiry: back to the queue, or to the dead-letter queue when spent. */
  private releaseLock(stored: StoredMessage, counted: boolean): void {
    this.unlock(stored);
    if (!counted) stored.deliveries = Math.max(0, stored.deliveries - 1);
    if (stored.expiresAt !== undefined && stored.expiresAt <= Date.now()) {
      stored.state = "active";
      this.expireIfDue(stored);
      return;
    }
    if (!this.isDeadLetterQueue && stored.deliveries >= this.config.maxDeliveryCount) {
      this.messages.delete(stored.seq);
      this.moveToDeadLetter(
        stored,
        MAX_DELIVERY_REASON,
        `Message could not be consumed after ${this.config.maxDeliveryCount} delivery attempts.`,
        undefined,
      );
      return;
    }
    if (stored.deferred) {
      stored.state = "deferred";
      return;
    }
    this.makeReady(stored);
  }

  complete(token: Buffer): LockResult {
    const stored = this.lockedMessage(token);
    if (!stored) return "lock-lost";
    this.unlock(stored);
    this.messages.delete(stored.seq);
    return "ok";
  }

  /** `counted` is false for AMQP `released`, which says the message was never processed. */
  abandon(token: Buffer, propertiesToModify?: Record<string, unknown> | null, counted = true): LockResult {
    const stored = this.lockedMessage(token);
    if (!stored) return "lock-lost";
    this.modifyProperties(stored, propertiesToModify);
    this.releaseLock(stored, counted);
    return "ok";
  }

  defer(token: Buffer, propertiesToModify?: Record<string, unknown> | null): LockResult {
    const stored = this.lockedMessage(token);
    if (!stored) return "lock-lost";
    this.modifyProperties(stored, propertiesToModify);
    this.unlock(stored);
    stored.deferred = true;
    stored.state = "deferred";
    return "ok";
  }

  deadLetter(
    token: Buffer,
    reason: string | undefined,
    description: string | undefined,
    propertiesToModify?: Record<string, unknown> | null,
  ): LockResult {
    const stored = this.lockedMessage(token);
    if (!stored) return "lock-lost";
    this.unlock(stored);
    if (this.isDeadLetterQueue) {
      // Azure keeps a message dead-lettered again in the dead-letter queue, with the new reason.
      this.modifyProperties(stored, {
        ...propertiesToModify,
        DeadLetterReason: reason,
        DeadLetterErrorDescription: description,
      });
      this.makeReady(stored);
      return "ok";
    }
    this.messages.delete(stored.seq);
    this.moveToDeadLetter(stored, reason, description, propertiesToModify);
    return "ok";
  }

  renewLock(token: Buffer): number | "lock-lost" {
    const stored = this.lockedMessage(token);
    if (!stored?.lock) return "lock-lost";
    stored.lock.until = Date.now() + this.config.lockDurationMs;
    this.scheduleLockDeadline(stored);
    return stored.lock.until;
  }

  private modifyProperties(stored: StoredMessage, properties?: Record<string, unknown> | null): void {
    if (!properties) return;
    const entries = Object.entries(properties).filter(([, v]) => isOutcomeProperty(v));
    if (entries.length === 0) return;
    stored.message.application_properties = {
      ...stored.message.application_properties,
      ...Object.fromEntries(entries),
    };
  }

  private moveToDeadLetter(
    stored: StoredMessage,
    reason: string | undefined,
    description: string | undefined,
    propertiesToModify: Record<string, unknown> | null | undefined,
  ): void {
    stored.state = "active";
    this.modifyProperties(stored, propertiesToModify);
    const properties: Record<string, unknown> = { ...stored.message.application_properties };
    if (isOutcomeProperty(reason)) properties.DeadLetterReason = reason;
    if (isOutcomeProperty(description)) properties.DeadLetterErrorDescription = description;
    const annotations: Record<string, unknown> = { ...stored.message.message_annotations };
    delete annotations[ANNOTATION.scheduledEnqueueTime];
    annotations[ANNOTATION.deadLetterSource] = this.name;
    const message: AmqpMessage = {
      ...stored.message,
      application_properties: properties,
      message_annotations: annotations,
    };
    if (!this.deadLetterQueue) throw new Error(`${this.name} has no dead-letter queue`);
    this.log.debug({ entity: this.name, seq: stored.seq, reason }, "message dead-lettered");
    this.deadLetterQueue.enqueue(message, { enqueuedAt: stored.enqueuedAt, deliveries: stored.deliveries });
  }

  /** Messages from a sequence number on, in order, as peek reports them (locked ones included). */
  peek(fromSeq: number, count: number): Buffer[] {
    const out: Buffer[] = [];
    if (fromSeq >= this.nextSeq) return out;
    for (const stored of this.messages.values()) {
      if (stored.seq < fromSeq) continue;
      const state = stored.state === "deferred" ? 1 : stored.state === "scheduled" ? 2 : 0;
      out.push(this.encode(stored, stored.deliveries, state));
      if (out.length >= count) break;
    }
    return out;
  }

  /** Scheduled sends over $management: the messages carry their enqueue time annotation. */
  schedule(messages: AmqpMessage[]): number[] {
    return messages.map((m) => this.enqueue(m).seq);
  }

  cancelScheduled(seqs: number[]): void {
    for (const seq of seqs) {
      const stored = this.messages.get(seq);
      if (stored?.state === "scheduled") this.messages.delete(seq);
    }
  }

  /** Locks (or, in receive-and-delete mode, removes) deferred messages by sequence number. */
  receiveDeferred(seqs: number[], receiveAndDelete: boolean): { encoded: Buffer; lockToken?: Buffer }[] {
    const found = seqs.map((seq) => {
      const stored = this.messages.get(seq);
      if (stored?.state !== "deferred") {
        throw new MessageNotFoundError(
          `Failed to lock one or more specified messages. The message with sequence number ${seq} does not exist or is not deferred.`,
        );
      }
      return stored;
    });
    return found.map((stored) => {
      const deliveryCount = stored.deliveries;
      stored.deliveries++;
      if (receiveAndDelete) {
        this.messages.delete(stored.seq);
        return { encoded: this.encode(stored, deliveryCount) };
      }
      const lockToken = this.lock(stored);
      return { encoded: this.encode(stored, deliveryCount), lockToken };
    });
  }

  counts(): { active: number; scheduled: number } {
    let active = 0;
    let scheduled = 0;
    for (const stored of this.messages.values()) {
      if (stored.state === "scheduled") scheduled++;
      else active++;
    }
    return { active, scheduled };
  }
}
