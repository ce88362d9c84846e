import type { Logger } from "pino";

/**
 * Reports pages done at most every `everyPages` pages and `minIntervalMs` (the first, too, comes
 * no sooner than `minIntervalMs` after the start: a job done within it needs no progress, and its
 * state write would only slow it down), one write at a time,
 * never holding up the page loop: a page that arrives while a write is pending is skipped, a
 * later one reports the newer count. Progress is best effort; a failed write is only logged.
 */
export class ProgressReporter {
  private lastPages = 0;
  private lastAt = Date.now();
  private pending: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly everyPages: number,
    private readonly minIntervalMs: number,
    private readonly send: (pagesDone: number) => Promise<void>,
    private readonly log: Logger,
  ) {}

  page(pagesDone: number): void {
    if (this.stopped || this.pending) return;
    if (pagesDone - this.lastPages < this.everyPages) return;
    const now = Date.now();
    if (now - this.lastAt < this.minIntervalMs) return;
    this.lastPages = pagesDone;
    this.lastAt = now;
    this.pending = this.send(pagesDone)
      .catch((err: unknown) => this.log.warn({ err, pagesDone }, "progress update failed"))
      .finally(() => {
        this.pending = undefined;
      });
  }

  /** Stops reporting and waits for the write in flight, so no progress event trails the outcome. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.pending;
  }
}
