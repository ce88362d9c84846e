import { JobEventSchema } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import type { InvocationContextType } from "../lib/azure-functions.js";
import { WEB_PUSH_EVENT_TYPES } from "./web-push.js";

/**
 * job-events → the user's live connections, and outcomes to their Web Push subscriptions. A
 * failed send throws, so the trigger retries and finally dead-letters: a push is never dropped
 * silently. Sending the same event twice is harmless: clients key on eventId and re-read the job
 * from the API anyway.
 */
export const pushHandler =
  (deps: FunctionDeps) =>
  async (message: unknown, context: InvocationContextType): Promise<void> => {
    const parsed = JobEventSchema.safeParse(message);
    if (!parsed.success) {
      context.error("job event does not match the contract", {
        messageId: context.triggerMetadata?.messageId,
        issues: parsed.error.issues.length,
      });
      throw new Error(
        `invalid job event: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    const event = parsed.data;
    await deps.realtime.notifyUser(event.userId, event);
    context.log("pushed job event", { jobId: event.jobId, type: event.type, eventId: event.eventId });
    // Web Push reaches users with no page open. A failure throws after the live push went out:
    // the retry repeats both, which is harmless (clients re-read; notifications share a tag).
    if (deps.webPush && WEB_PUSH_EVENT_TYPES.has(event.type)) {
      const outcome = await deps.webPush.notify(event);
      context.log("sent web push", { jobId: event.jobId, type: event.type, ...outcome });
    }
  };
