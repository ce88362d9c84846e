import { openDB } from "idb";
import type { DBSchema, IDBPDatabase } from "idb";

/** A document picked while offline (or whose upload lost the network), kept until it is submitted. */
export interface PendingUpload {
  id: string;
  file: File;
  contentType: string;
  /** Sent as Idempotency-Key: a retry after a lost answer gets the same job, not a second one. */
  idempotencyKey: string;
  addedAt: string;
  lastError?: string;
  /** Who queued it: another user signing in on this device must not send it as theirs. */
  userId?: string;
}

/** What the upload queue needs of the store (an interface, so tests can keep it in memory). */
export interface PendingStore {
  put(item: PendingUpload): Promise<void>;
  list(): Promise<PendingUpload[]>;
  remove(id: string): Promise<void>;
}

interface PendingDb extends DBSchema {
  pending: { key: string; value: PendingUpload };
}

/**
 * Pending uploads in IndexedDB (files are stored as Blobs), so they survive a reload or a
 * closed tab and are sent when the browser is back online.
 */
export class PendingUploads implements PendingStore {
  private db: Promise<IDBPDatabase<PendingDb>> | undefined;

  constructor(private readonly name = "docsift") {}

  private open(): Promise<IDBPDatabase<PendingDb>> {
    return (this.db ??= openDB<PendingDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore("pending", { keyPath: "id" });
      },
    }));
  }

  async put(item: PendingUpload): Promise<void> {
    await (await this.open()).put("pending", item);
  }

  async list(): Promise<PendingUpload[]> {
    const all = await (await this.open()).getAll("pending");
    return all.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  }

  async remove(id: string): Promise<void> {
    await (await this.open()).delete("pending", id);
  }
}
