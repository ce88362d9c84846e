import { MinHeap } from "./min-heap.js";

interface Deadline {
  at: number;
  run: () => void;
}

/**
 * Many deadlines (lock expiry, scheduled enqueue, TTL) behind one timer. Callbacks re-check the
 * state they were set for, so a superseded deadline (a renewed lock, a completed message) simply
 * finds nothing to do instead of being searched for and cancelled.
 */
export class DeadlineScheduler {
  private readonly heap = new MinHeap<Deadline>((a, b) => a.at < b.at);
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private stopped = false;

  at(at: number, run: () => void): void {
    if (this.stopped) return;
    this.heap.push({ at, run });
    if (at < this.armedFor) this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.clear();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const next = this.heap.peek();
    if (!next) {
      this.timer = undefined;
      this.armedFor = Number.POSITIVE_INFINITY;
      return;
    }
    this.armedFor = next.at;
    // setTimeout caps at 2^31-1 ms; a far deadline just re-arms when that fires.
    const delay = Math.min(Math.max(0, next.at - Date.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (let next = this.heap.peek(); next && next.at <= now && !this.stopped; next = this.heap.peek()) {
      this.heap.pop();
      next.run();
    }
    if (!this.stopped) this.arm();
  }
}
