/**
 * Exponential backoff with jitter, for retries that must not hammer a dependency that is down:
 * the n-th retry (0-based) waits between half and all of min(cap, base·2^n). Half is kept
 * fixed so a retry never comes back at once; the random half spreads the many messages that
 * failed together in one outage so they do not all return in the same instant.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(retry, 30));
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
