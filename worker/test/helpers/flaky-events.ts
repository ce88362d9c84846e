import type { EventPublisher, JobEvent, JobEventType } from "@docsift/core";

/**
 * The real event publisher, except that the first `times` publishes of one event type fail
 * (a broker hiccup after the job's state was written). Used through startWorker's seam.
 */
export class FlakyEvents implements EventPublisher {
  readonly attempts: JobEvent[] = [];
  private failuresLeft: number;

  constructor(
    private readonly real: EventPublisher,
    private readonly failType: JobEventType,
    times = 1,
  ) {
    this.failuresLeft = times;
  }

  async publish(event: JobEvent): Promise<void> {
    this.attempts.push(event);
    if (event.type === this.failType && this.failuresLeft > 0) {
      this.failuresLeft--;
      throw Object.assign(new Error("connection to the events queue dropped"), { code: "ECONNRESET" });
    }
    await this.real.publish(event);
  }
}
