export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive dependency failures that open the circuit. */
  failures: number;
  /** How long the circuit stays open before a probe; doubles after each failed probe, up to 8×. */
  cooldownMs: number;
  /** Resolves if the dependencies answer again. */
  probe(): Promise<void>;
  /** The circuit opened: stop taking work. */
  onOpen(): void | Promise<void>;
  /** A probe succeeded: take work again. */
  onClose(): void;
  onProbeFailed?(err: unknown): void;
}

const MAX_COOLDOWN_FACTOR = 8;

/**
 * Stops a worker from taking messages while a dependency it needs is down, so an outage costs
 * waiting instead of deliveries. Closed: outcomes are counted; `failures` dependency failures in
 * a row open it. Open: nothing is taken; after the cool-down one probe runs (half-open): success
 * closes the circuit, failure opens it again for a longer cool-down. Any success resets the count.
 */
export class CircuitBreaker {
  #state: BreakerState = "closed";
  #consecutive = 0;
  #openings = 0;
  #timer: NodeJS.Timeout | undefined;
  #disposed = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    return this.#state;
  }

  success(): void {
    this.#consecutive = 0;
  }

  failure(): void {
    if (this.#state !== "closed") return;
    if (++this.#consecutive >= this.options.failures) this.#open();
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #open(): void {
    this.#state = "open";
    const factor = Math.min(2 ** this.#openings, MAX_COOLDOWN_FACTOR);
    this.#openings++;
    void this.options.onOpen();
    this.#timer = setTimeout(() => void this.#probe(), this.options.cooldownMs * factor);
  }

  async #probe(): Promise<void> {
    if (this.#disposed) return;
    this.#state = "half-open";
    try {
      await this.options.probe();
    } catch (err) {
      if (this.#disposed) return;
      this.options.onProbeFailed?.(err);
      this.#open();
      return;
    }
    if (this.#disposed) return;
    this.#state = "closed";
    this.#consecutive = 0;
    this.#openings = 0;
    this.options.onClose();
  }
}
