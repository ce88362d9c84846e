import type { Readable } from "node:stream";
import type { Job } from "./contracts/job.js";
import type { InferenceTask, JobEvent } from "./contracts/messages.js";
import type { IntakeUsage } from "./intake-quota.js";
import type { DeadLetterListQuery, DeadLetterRecord } from "./contracts/dead-letter.js";

// Ports: what the domain needs from the outside world. Adapters implement them with the Azure
// SDKs (@docsift/adapters); handlers and the worker loop receive them already wired.

export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface JobRepository {
  /** Fails with ConcurrencyConflictError if the id exists. */
  create(job: Job): Promise<Versioned<Job>>;
  get(userId: string, jobId: string): Promise<Versioned<Job> | undefined>;
  /** Writes only if the stored etag still equals `etag`; otherwise ConcurrencyConflictError. */
  replace(job: Job, etag: string): Promise<Versioned<Job>>;
  /** Newest first. */
  listByUser(userId: string, options: { limit: number; continuationToken?: string }): Promise<Page<Job>>;
  /** Jobs still AWAITING_UPLOAD whose upload window ended before `now` (across users). */
  listUploadExpired(now: Date, limit: number): Promise<Job[]>;
  /**
   * QUEUED jobs whose task for the current submission was never recorded as sent, last changed
   * before `olderThan` (across users): what a crash between the QUEUED write and the send leaves.
   */
  listUndispatched(olderThan: Date, limit: number): Promise<Job[]>;
  /**
   * Jobs whose task is presumed lost (across users): QUEUED with the task sent but unchanged
   * since before `queuedBefore`, and PROCESSING with a lease that ended before `now`.
   */
  listStalled(options: { queuedBefore: Date; now: Date; limit: number }): Promise<Job[]>;
  /** Jobs whose outbox still holds an event, last changed before `olderThan` (across users). */
  listPendingEvents(olderThan: Date, limit: number): Promise<Job[]>;
  /**
   * One user's intake (a query of that user's partition): the jobs created after `since` and
   * the jobs still AWAITING_UPLOAD, with their upload deadline.
   */
  intakeUsage(userId: string, since: Date): Promise<IntakeUsage>;
  /** Removes the document for good (used after the DELETED transition was recorded). */
  purge(userId: string, jobId: string): Promise<void>;
}

export interface DocumentProperties {
  sizeBytes: number;
  contentType?: string;
  etag: string;
}

export interface UploadGrant {
  url: string;
  expiresAt: Date;
}

export interface DocumentStore {
  /** A SAS URL that can only create/write exactly this one blob, valid for `ttlMs` (≤ 15 min). */
  grantUpload(container: string, blobName: string, ttlMs: number): Promise<UploadGrant>;
  /** Streams into the blob without buffering it whole. */
  upload(
    container: string,
    blobName: string,
    body: Readable,
    options: { contentType: string; maxBytes: number },
  ): Promise<DocumentProperties>;
  properties(container: string, blobName: string): Promise<DocumentProperties | undefined>;
  /** The first `length` bytes (magic-byte checks). */
  readHead(container: string, blobName: string, length: number): Promise<Buffer>;
  /**
   * Streams the blob. With `ifMatch`, only that version: a blob changed since (overwritten through
   * a still-valid SAS) fails with DocsiftError DOCUMENT_CHANGED.
   */
  download(container: string, blobName: string, options?: { ifMatch?: string }): Promise<Readable>;
  /** Idempotent: deleting what is gone succeeds. */
  remove(container: string, blobName: string): Promise<void>;
  /**
   * Ends every upload grant of the blob while they are still valid: its content is replaced by
   * an empty tombstone that `holder` (a GUID, e.g. the job id) leases for good, so a write
   * without that lease id — any SAS write — is refused. Idempotent for the same holder.
   */
  revokeUploads(container: string, blobName: string, holder: string): Promise<void>;
}

/**
 * One delivery of a task message, held under a peek-lock until it is settled. Settling after the
 * lock is gone fails with DeliveryLockLostError: another delivery of the message owns it then.
 */
export interface TaskDelivery {
  /** The message body as sent (an object, or JSON text or bytes from other tools). */
  readonly body: unknown;
  readonly messageId: string;
  /**
   * 1 for the first delivery of the task, one more for each redelivery and each rescheduled
   * copy: it keeps growing across reschedules, so a later delivery always outranks an earlier one.
   */
  readonly attempt: number;
  /** How many times the task was rescheduled after a transient failure (0 for the original). */
  readonly retries: number;
  /** When the lock expires, as last renewed. */
  readonly lockedUntil: Date | undefined;
  complete(): Promise<void>;
  /** Back to the queue at once, counted as a delivery. */
  abandon(): Promise<void>;
  deadLetter(reason: string, description: string): Promise<void>;
  /**
   * Schedules a copy of the message (with `retries` one higher) for `at`, then completes this
   * delivery: a retry that waits without holding a lock or spending a delivery. A failure after
   * the copy was scheduled leaves two copies, which the job's state machine absorbs.
   */
  reschedule(at: Date): Promise<void>;
  /** Extends the lock; the new expiry. */
  renewLock(): Promise<Date>;
}

/**
 * Where the worker's deliveries come from (Service Bus' `inference-tasks` in peek-lock mode): each
 * is handed to the handler the source was made with, at most its concurrency at a time.
 */
export interface TaskSource {
  /** Whether the broker answered lately (for readiness). */
  readonly connected: boolean;
  /** Checks the queue answers, then starts handing out deliveries. */
  start(): Promise<void>;
  /** Takes no further delivery; those in hand keep their lock and can still settle (a drain). */
  stop(): Promise<void>;
  /** Like stop, but for a while: `resume` takes deliveries again (a circuit breaker's pause). */
  pause(): Promise<void>;
  resume(): void;
  close(): Promise<void>;
}

export interface TaskQueue {
  /** Sends one task; the message id is derived from job and submission so a retried send is the same message. */
  enqueue(task: InferenceTask, options?: { scheduledAt?: Date }): Promise<void>;
}

export interface EventPublisher {
  publish(event: JobEvent): Promise<void>;
}

export interface Notifier {
  /** Pushes an event to every live connection of the user. */
  notifyUser(userId: string, event: JobEvent): Promise<void>;
}

export interface DeadLetterRepository {
  /** Idempotent on record id: a second call with the same id returns the stored record. */
  record(entry: DeadLetterRecord): Promise<Versioned<DeadLetterRecord>>;
  get(id: string, jobId: string): Promise<Versioned<DeadLetterRecord> | undefined>;
  find(id: string): Promise<Versioned<DeadLetterRecord> | undefined>;
  replace(entry: DeadLetterRecord, etag: string): Promise<Versioned<DeadLetterRecord>>;
  list(query: DeadLetterListQuery): Promise<Page<DeadLetterRecord>>;
  /** Every dead letter of one job (to know whether it was retried automatically already). */
  listForJob(jobId: string): Promise<DeadLetterRecord[]>;
}

/** Clock and id generation are ports too, so tests can pin them. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
