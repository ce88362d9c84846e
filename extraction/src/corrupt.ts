import { DocsiftError } from "@docsift/core";

/**
 * Turns whatever a parser threw into a stable error: our own errors and aborts pass through,
 * everything else means the bytes could not be read. Parser messages go into `details` only,
 * so a client never sees a pdfjs or yauzl stack as the reason.
 */
export function asCorrupt(err: unknown, what: string): Error {
  if (err instanceof DocsiftError) return err;
  if (err instanceof Error && err.name === "AbortError") return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new DocsiftError(
    "CORRUPT_DOCUMENT",
    `The ${what} could not be read; it may be damaged or truncated.`,
    {
      cause: err,
      details: { reason },
    },
  );
}

/** Throws the signal's reason when it has fired; readers call this between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
