import { ERROR_CODES } from "./errors.js";
import type { ErrorCode } from "./errors.js";

/** Reasons Service Bus itself writes when it dead-letters a message. */
export const BROKER_DEAD_LETTER_REASONS = {
  MaxDeliveryCountExceeded: "MAX_DELIVERY_EXCEEDED",
  TTLExpiredException: "DEPENDENCY_UNAVAILABLE",
} as const satisfies Record<string, ErrorCode>;

/** The reason the worker gives a message that fails its contract. */
export const INVALID_MESSAGE_REASON = "InvalidMessage";

export interface DeadLetterClassification {
  code: ErrorCode;
  /** Worth one automatic resubmission after a delay. */
  transient: boolean;
}

/**
 * Decides what a dead-lettered message means. Our worker dead-letters only permanent failures,
 * with the error code as the reason; the broker dead-letters after too many deliveries or on
 * expiry, which in this pipeline means repeated transient failures (crashes, lost locks,
 * unavailable dependencies), unless the job's last recorded error says otherwise.
 */
export function classifyDeadLetter(reason: string, lastErrorCode?: ErrorCode): DeadLetterClassification {
  if (reason === INVALID_MESSAGE_REASON) return { code: "INVALID_MESSAGE", transient: false };
  if (Object.hasOwn(ERROR_CODES, reason)) {
    const code = reason as ErrorCode;
    return { code, transient: !ERROR_CODES[code].permanent };
  }
  if (Object.hasOwn(BROKER_DEAD_LETTER_REASONS, reason)) {
    const code = BROKER_DEAD_LETTER_REASONS[reason as keyof typeof BROKER_DEAD_LETTER_REASONS];
    if (lastErrorCode && ERROR_CODES[lastErrorCode].permanent)
      return { code: lastErrorCode, transient: false };
    // A document that ran out of time on every delivery will do so again: retrying it
    // automatically would only spend another round of worker-hours.
    if (lastErrorCode === "JOB_TIMEOUT") return { code: "JOB_TIMEOUT", transient: false };
    return { code, transient: true };
  }
  // Unknown reasons (a manual dead-letter from a tool, say) are for a human, not a retry loop.
  return { code: "INTERNAL", transient: false };
}
