import { ProblemError, problem } from "@docsift/core";

// Continuation tokens are opaque to clients: wrapped so that a forged one is recognised here
// (and answered 400) instead of reaching the database.
export const wrapToken = (token: string): string =>
  Buffer.from(JSON.stringify({ v: 1, c: token })).toString("base64url");
export function unwrapToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      v?: unknown;
      c?: unknown;
    };
    if (parsed.v === 1 && typeof parsed.c === "string") return parsed.c;
  } catch {
    // fall through
  }
  throw new ProblemError(
    problem("validation-failed", {
      detail: "The continuation token is not valid.",
      errors: [{ field: "continuationToken", message: "not valid" }],
    }),
  );
}
