/**
 * Runs tasks one after another in the order they were queued. A page being recognised holds
 * 0.7–1.6 GB, so two at once could take a worker pod past its memory limit.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(task).finally(() => {
      this.#pending--;
    });
    // A failed task must not stop the ones queued behind it.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
