/** Timers, so tests can drive the undo window without waiting. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Deletes that wait out an undo window before they are sent: deleting on the server cannot be
 * undone, so the app holds the request for `delayMs` and an undo simply never sends it. When the
 * page goes away (`flush`), every waiting delete is sent at once, so none is lost by closing the
 * tab.
 */
export class PendingDeletes {
  readonly #pending = new Map<string, { handle: unknown; send: () => Promise<void> }>();

  constructor(
    readonly delayMs: number,
    private readonly timers: Timers = globalThis,
  ) {}

  /** Sends `send` after the undo window unless `undo(id)` comes first. */
  schedule(id: string, send: () => Promise<void>): void {
    this.undo(id);
    const handle = this.timers.setTimeout(() => void this.#send(id), this.delayMs);
    this.#pending.set(id, { handle, send });
  }

  /** Whether the delete was still waiting (and is now dropped). */
  undo(id: string): boolean {
    const pending = this.#pending.get(id);
    if (!pending) return false;
    this.timers.clearTimeout(pending.handle);
    this.#pending.delete(id);
    return true;
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Sends every waiting delete now. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((id) => this.#send(id)));
  }

  async #send(id: string): Promise<void> {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.timers.clearTimeout(pending.handle);
    this.#pending.delete(id);
    await pending.send();
  }
}
