import type { EventPublisher, JobEvent } from "@docsift/core";

/**
 * A job event that could not be published. `transitionJob` publishes only after its write
 * succeeded (or for a duplicate, whose state is already stored), so this error means the job's
 * state is recorded and only the announcement is missing: the job did not fail.
 */
export class EventNotPublishedError extends Error {
  constructor(
    readonly event: JobEvent,
    options: { cause: unknown },
  ) {
    super(`could not publish ${event.type} (${event.eventId})`, options);
    this.name = "EventNotPublishedError";
  }
}

/** The publisher with its failures tagged, so the handler can tell them from job failures. */
export const taggingPublishFailures = (events: EventPublisher): EventPublisher => ({
  async publish(event) {
    try {
      await events.publish(event);
    } catch (cause) {
      throw new EventNotPublishedError(event, { cause });
    }
  },
});
