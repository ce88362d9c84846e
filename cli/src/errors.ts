/** Exit codes of every docsift command: scripts branch on them. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line itself is wrong (exit 2): nothing was sent anywhere. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A failure the user can act on (exit 1), printed as its message alone: no stack trace.
 * `json` is what `--json` prints instead.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly json: Record<string, unknown> = { message },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}
