import type { CreateJobRequest } from "@docsift/core";
import { ApiError } from "./api.js";
import type { ApiClient } from "./api.js";
import { isAbortError } from "./lib/backoff.js";
import type { PendingStore } from "./offline/pending.js";
import { afterCreate } from "./upload/after-create.js";
import type { AfterCreate } from "./upload/after-create.js";
import { UploadError, uploadBlocks } from "./upload/engine.js";
import { NetworkError } from "./upload/transport.js";
import type { Transport } from "./upload/transport.js";

export type UploadState =
  "creating" | "uploading" | "submitting" | "done" | "failed" | "cancelled" | "waiting";

export interface UploadItem {
  id: string;
  file: File;
  contentType: string;
  idempotencyKey: string;
  state: UploadState;
  loaded: number;
  retries: number;
  jobId?: string;
  error?: string;
  controller?: AbortController;
}

export interface UploadsOptions {
  api: ApiClient;
  transport: Transport;
  pending: PendingStore;
  isOnline: () => boolean;
  /** The signed-in user (or the last one, offline): queued documents are kept per user. */
  userId?: () => string | undefined;
  /** A job was submitted (or created by another tab with the same key): read it into the list. */
  onSubmitted: (jobId: string) => void;
  concurrency?: number;
}

/** Whether a failure is the network's (wait for it) rather than the request's (tell the user). */
const isConnectivity = (err: unknown): boolean =>
  err instanceof NetworkError ||
  (err instanceof ApiError && err.offline) ||
  (err instanceof UploadError && err.retryable && err.status === undefined);

/**
 * The user's uploads: create the job, upload the blocks, submit; cancel and retry; and, when
 * the network is gone, keep the file in IndexedDB and finish when the browser is back online.
 */
/** A refused create (429: too many jobs this minute, or too many waiting for their upload). */
const isThrottled = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 429;

/** The longest a throttled document waits before it asks again (the server may say 30 min). */
const MAX_THROTTLE_WAIT_MS = 60_000;

export class Uploads {
  private readonly items = new Map<string, UploadItem>();
  /** Documents the server asked to wait, oldest first, each with its timer. */
  private readonly throttled = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly listeners = new Set<(item: UploadItem | undefined) => void>();

  constructor(private readonly options: UploadsOptions) {}

  subscribe(listener: (item: UploadItem | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): UploadItem[] {
    return [...this.items.values()];
  }

  add(file: File, contentType: string): UploadItem {
    const item: UploadItem = {
      id: crypto.randomUUID(),
      file,
      contentType,
      idempotencyKey: crypto.randomUUID(),
      state: "creating",
      loaded: 0,
      retries: 0,
    };
    this.items.set(item.id, item);
    void this.run(item);
    return item;
  }

  cancel(id: string): void {
    const item = this.items.get(id);
    if (!item) return;
    if (item.controller) item.controller.abort();
    else if (item.state === "waiting" || item.state === "failed") void this.finishCancelled(item);
  }

  retry(id: string): void {
    const item = this.items.get(id);
    if (item && (item.state === "failed" || item.state === "waiting" || item.state === "cancelled"))
      void this.run(item);
  }

  /** Removes finished entries from view. */
  dismiss(id: string): void {
    const item = this.items.get(id);
    if (item && !item.controller) {
      this.items.delete(id);
      this.changed(undefined);
    }
  }

  /** Loads what waited in IndexedDB and sends everything waiting, if online. */
  async resumePending(): Promise<void> {
    const userId = this.options.userId?.();
    for (const p of await this.options.pending.list()) {
      // Queued by someone else on this device: never send it under this user's name.
      if (userId && p.userId && p.userId !== userId) continue;
      if (!this.items.has(p.id))
        this.items.set(p.id, {
          id: p.id,
          file: p.file,
          contentType: p.contentType,
          idempotencyKey: p.idempotencyKey,
          state: "waiting",
          loaded: 0,
          retries: 0,
          ...(p.lastError ? { error: p.lastError } : {}),
        });
    }
    this.changed(undefined);
    if (!this.options.isOnline()) return;
    for (const item of this.items.values()) if (item.state === "waiting") void this.run(item);
  }

  private async run(item: UploadItem): Promise<void> {
    if (item.controller) return;
    const controller = new AbortController();
    item.controller = controller;
    delete item.error;
    item.loaded = 0;
    if (!this.options.isOnline())
      return this.wait(item, "You are offline; it will upload when you are back online.");
    try {
      this.set(item, "creating");
      const request: CreateJobRequest = {
        fileName: item.file.name,
        contentType: item.contentType as CreateJobRequest["contentType"],
        sizeBytes: item.file.size,
      };
      let step = await this.create(request, item);
      if (step.action === "start-over") {
        // The key's job was deleted or its upload window ran out: a new key makes a new job.
        item.idempotencyKey = crypto.randomUUID();
        step = await this.create(request, item);
        if (step.action === "start-over")
          throw new Error("The server did not create a new job for a new Idempotency-Key.");
      }
      const jobId = step.jobId;
      item.jobId = jobId;
      if (step.action === "upload") {
        this.set(item, "uploading");
        const outcome = await uploadBlocks({
          url: step.upload.url,
          file: item.file,
          contentType: item.contentType,
          blockSizeBytes: step.upload.blockSizeBytes,
          transport: this.options.transport,
          signal: controller.signal,
          ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
          onProgress: (p) => {
            item.loaded = p.loaded;
            item.retries = p.retries;
            this.changed(item);
          },
        });
        item.retries = outcome.retries;
      }
      if (step.action === "upload" || step.action === "submit") {
        // After a lost submit answer the job may be QUEUED with its task never sent: submit
        // again, the server sends the task only if it is still missing.
        this.set(item, "submitting");
        await this.options.api.submitJob(jobId);
      }
      delete item.controller;
      this.set(item, "done");
      await this.options.pending.remove(item.id).catch(() => undefined);
      this.options.onSubmitted(jobId);
      // This job no longer waits for its upload: room for one that the server asked to wait.
      this.resumeThrottled();
    } catch (err) {
      delete item.controller;
      if (isAbortError(err)) return this.finishCancelled(item);
      if (isThrottled(err)) return this.throttle(item, err);
      if (isConnectivity(err) || !this.options.isOnline())
        return this.wait(item, "The connection dropped; it will upload when you are back online.");
      item.error = err instanceof Error ? err.message : String(err);
      // The server read the document and refused it (422: its content is not a document docsift
      // reads, or not the declared kind): the job could never run, so it is deleted (before the
      // item shows as failed) rather than left in the list waiting for an upload.
      if (item.jobId && err instanceof ApiError && err.status === 422)
        await this.options.api.deleteJob(item.jobId).catch(() => undefined);
      this.set(item, "failed");
      await this.options.pending.remove(item.id).catch(() => undefined);
    }
  }

  private async create(request: CreateJobRequest, item: UploadItem): Promise<AfterCreate> {
    const answer = await this.options.api.createJob(request, item.idempotencyKey).then(
      (response) => ({ response }),
      (error: unknown) => ({ error }),
    );
    return afterCreate(answer);
  }

  /**
   * Many documents dropped at once can exceed the user's limits: each one past them waits, and
   * asks again when one of this tab's uploads finishes or when the server's Retry-After ends
   * (at most a minute), whichever comes first.
   */
  private async throttle(item: UploadItem, err: ApiError): Promise<void> {
    const waitMs = Math.min(MAX_THROTTLE_WAIT_MS, (err.retryAfterSeconds ?? 30) * 1000);
    clearTimeout(this.throttled.get(item.id));
    this.throttled.set(
      item.id,
      setTimeout(() => this.resumeThrottled(item.id), waitMs),
    );
    await this.wait(item, `${err.message} It continues by itself.`);
  }

  private resumeThrottled(id: string | undefined = this.throttled.keys().next().value): void {
    if (id === undefined) return;
    clearTimeout(this.throttled.get(id));
    this.throttled.delete(id);
    const item = this.items.get(id);
    if (item?.state === "waiting") void this.run(item);
  }

  private async wait(item: UploadItem, message: string): Promise<void> {
    delete item.controller;
    item.error = message;
    this.set(item, "waiting");
    const userId = this.options.userId?.();
    await this.options.pending.put({
      id: item.id,
      file: item.file,
      contentType: item.contentType,
      idempotencyKey: item.idempotencyKey,
      addedAt: new Date().toISOString(),
      lastError: message,
      ...(userId ? { userId } : {}),
    });
  }

  private async finishCancelled(item: UploadItem): Promise<void> {
    this.set(item, "cancelled");
    await this.options.pending.remove(item.id).catch(() => undefined);
    // The job waits for an upload that will not come: remove it rather than let it expire.
    if (item.jobId) await this.options.api.deleteJob(item.jobId).catch(() => undefined);
  }

  private set(item: UploadItem, state: UploadState): void {
    item.state = state;
    this.changed(item);
  }

  private changed(item: UploadItem | undefined): void {
    for (const l of this.listeners) l(item);
  }
}
