// One taxonomy of failures for every process. The code is stable (clients, dead-letter reasons
// and alerts key on it); `permanent` decides between failing a job and retrying it.
export const ERROR_CODES = {
  UNSUPPORTED_DOCUMENT: {
    permanent: true,
    userMessage:
      "This file type is not supported. Upload a PDF, DOCX, text file, PNG/JPEG/TIFF image or XML e-invoice.",
  },
  DOCUMENT_TOO_LARGE: { permanent: true, userMessage: "The document is larger than the allowed maximum." },
  TOO_MANY_PAGES: { permanent: true, userMessage: "The document has more pages than can be processed." },
  CORRUPT_DOCUMENT: {
    permanent: true,
    userMessage: "The document could not be read; it may be damaged or truncated.",
  },
  EMPTY_DOCUMENT: { permanent: true, userMessage: "The document is empty." },
  DOCUMENT_CHANGED: {
    permanent: true,
    userMessage: "The document was changed after it was submitted. Upload it again as a new job.",
  },
  DOCUMENT_MISSING: { permanent: true, userMessage: "The uploaded document could not be found." },
  EXTRACTION_TIMEOUT: { permanent: true, userMessage: "Reading the document took too long." },
  INVALID_MESSAGE: {
    permanent: true,
    userMessage: "The job could not be processed because its request was malformed.",
  },
  MAX_DELIVERY_EXCEEDED: { permanent: true, userMessage: "The job failed repeatedly and was stopped." },
  DEPENDENCY_UNAVAILABLE: { permanent: false, userMessage: "A service the job depends on was unavailable." },
  LOCK_LOST: { permanent: false, userMessage: "The worker lost its claim on the job." },
  JOB_TIMEOUT: { permanent: false, userMessage: "Processing took longer than allowed." },
  WORKER_SHUTDOWN: { permanent: false, userMessage: "The worker was stopped before the job finished." },
  INTERNAL: { permanent: false, userMessage: "An unexpected error occurred." },
  // Intake refusals (429): nothing wrong with the request, only with its timing.
  JOB_RATE_LIMITED: { permanent: false, userMessage: "Too many jobs were created in the last minute." },
  TOO_MANY_OPEN_UPLOADS: {
    permanent: false,
    userMessage: "Too many jobs are waiting for their upload.",
  },
} as const satisfies Record<string, { permanent: boolean; userMessage: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const isPermanent = (code: ErrorCode): boolean => ERROR_CODES[code].permanent;

/** A failure with a stable code. Anything thrown that is not one is treated as INTERNAL (transient). */
export class DocsiftError extends Error {
  readonly code: ErrorCode;
  readonly permanent: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(
      message ?? ERROR_CODES[code].userMessage,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = "DocsiftError";
    this.code = code;
    this.permanent = ERROR_CODES[code].permanent;
    this.details = options?.details;
  }
}

export const toDocsiftError = (err: unknown): DocsiftError =>
  err instanceof DocsiftError
    ? err
    : new DocsiftError("INTERNAL", err instanceof Error ? err.message : String(err), { cause: err });

/** An etag-guarded write lost a race: the caller re-reads and decides again. */
export class ConcurrencyConflictError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} was changed concurrently`);
    this.name = "ConcurrencyConflictError";
  }
}

/** A state-machine event that the current state does not allow. */
export class InvalidTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly event: string,
  ) {
    super(`cannot ${event} a job in state ${from}`);
    this.name = "InvalidTransitionError";
  }
}

/**
 * A document read from a store no longer matches its contract: the service's fault, never the
 * caller's (a 500 with a reference id, not a 400), and nothing to retry.
 */
export class StoredDocumentInvalidError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`stored ${entity} ${id} does not match its schema: ${problems.join("; ")}`, options);
    this.name = "StoredDocumentInvalidError";
  }
}

/** A continuation token the store does not accept (forged, from another query, or too old). */
export class InvalidContinuationTokenError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("the continuation token is not valid", options);
    this.name = "InvalidContinuationTokenError";
  }
}

/** The broker no longer holds this delivery's lock: another delivery of the message owns it. */
export class DeliveryLockLostError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("the message's lock was lost", options);
    this.name = "DeliveryLockLostError";
  }
}

/** A per-user intake limit was reached: a 429 whose Retry-After says when to try again. */
export class QuotaExceededError extends DocsiftError {
  constructor(
    code: "JOB_RATE_LIMITED" | "TOO_MANY_OPEN_UPLOADS",
    readonly retryAfterSeconds: number,
    message?: string,
  ) {
    super(code, message);
    this.name = "QuotaExceededError";
  }
}
