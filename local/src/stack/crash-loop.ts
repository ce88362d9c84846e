/** How the local stack restarts a child that exits on its own. */
export interface RestartPolicy {
  /** Wait before the first restart; doubled for each further crash in the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A child that crashes this many times within `windowMs` is given up on, and the stack with it. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 5 * 60_000,
};

export type CrashVerdict =
  { restart: true; delayMs: number; crashesInWindow: number } | { restart: false; crashesInWindow: number };

/**
 * The crash history of one child. Only crashes within the window count, so a child that ran
 * well for a while starts again from the shortest delay.
 */
export class CrashLoop {
  private crashes: number[] = [];

  constructor(private readonly policy: RestartPolicy) {}

  crashed(atMs: number): CrashVerdict {
    this.crashes = [...this.crashes.filter((t) => t > atMs - this.policy.windowMs), atMs];
    const n = this.crashes.length;
    if (n >= this.policy.maxCrashes) return { restart: false, crashesInWindow: n };
    const delayMs = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (n - 1));
    return { restart: true, delayMs, crashesInWindow: n };
  }
}
