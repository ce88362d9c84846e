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
  if (reason in ERROR_CODES) {
    const code = reason as ErrorCode;
    return { code, transient: !ERROR_CODES[code].permanent };
  }
  if (reason in BROKER_DEAD_LETTER_REASONS) {
    const code = BROKER_DEAD_LETTER_REASONS[reason as keyof typeof BROKER_DEAD_LETTER_REASONS];
    if (lastErrorCode && ERROR_CODES[lastErrorCode].permanent)
      return { code: lastErrorCode, transient: false };
    return { code, transient: true };
  }
  // Unknown reasons (a manual dead-letter from a tool, say) are for a human, not a retry loop.
  return { code: "INTERNAL", transient: false };
}
