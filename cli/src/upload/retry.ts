import { setTimeout as sleep } from "node:timers/promises";

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

/** Thrown by an attempt that may succeed when tried again (network error, 408/429/5xx). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RetryableError";
  }
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: spread retries of parallel blocks apart. */
export const backoffMs = (attempt: number, policy: RetryPolicy, random = Math.random): number =>
  Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));

/**
 * Runs `attempt` until it succeeds, throws something other than a {@link RetryableError}, or the
 * attempts are used up (then the last error is thrown). Aborting stops the wait at once.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  opts: { signal?: AbortSignal; onRetry?: (err: RetryableError, n: number, delayMs: number) => void } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof RetryableError) || n >= policy.attempts || opts.signal?.aborted) throw err;
      const delay = Math.min(policy.maxDelayMs, err.retryAfterMs ?? backoffMs(n, policy));
      opts.onRetry?.(err, n, delay);
      await sleep(delay, undefined, opts.signal ? { signal: opts.signal } : {});
    }
  }
}
