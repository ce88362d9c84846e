import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConcurrencyConflictError,
  DocsiftError,
  InvalidContinuationTokenError,
  StoredDocumentInvalidError,
} from "@docsift/core";
import { parseStored, withContinuation } from "../src/cosmos-client.js";
import { asDependencyFailure } from "../src/cosmos-job-repository.js";

// Cosmos' own answers, as the SDK throws them: the emulator accepts any continuation token, so
// the 400 a real account gives for a forged one is reproduced here.
const cosmosError = (code: number) => Object.assign(new Error(`Cosmos ${code}`), { code });

describe("Cosmos failures as the core's error types", () => {
  it("turns a refused continuation token into InvalidContinuationTokenError, only when one was sent", async () => {
    await expect(withContinuation("tok", () => Promise.reject(cosmosError(400)))).rejects.toBeInstanceOf(
      InvalidContinuationTokenError,
    );
    // Without a token a 400 is our own query's fault: it stays what it was.
    await expect(withContinuation(undefined, () => Promise.reject(cosmosError(400)))).rejects.toThrow(
      "Cosmos 400",
    );
    await expect(withContinuation("tok", () => Promise.reject(cosmosError(503)))).rejects.toThrow(
      "Cosmos 503",
    );
    expect(await withContinuation("tok", async () => "page")).toBe("page");
  });

  it("parses a stored document without Cosmos' system properties, and names what no longer matches", () => {
    const schema = z.object({ id: z.string(), status: z.enum(["A", "B"]) }).strict();
    expect(parseStored(schema, "thing", { id: "1", status: "A", _etag: "e", _ts: 1, _rid: "r" })).toEqual({
      id: "1",
      status: "A",
    });
    let err: unknown;
    try {
      parseStored(schema, "thing", { id: "2", status: "C", _etag: "e" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoredDocumentInvalidError);
    expect(err).toMatchObject({ entity: "thing", id: "2" });
    expect((err as StoredDocumentInvalidError).problems).toHaveLength(1);
    expect((err as StoredDocumentInvalidError).problems[0]).toMatch(/^status: /);
  });
});

describe("Cosmos outages as DEPENDENCY_UNAVAILABLE", () => {
  const codeOf = (err: unknown) => (err instanceof DocsiftError ? err.code : "unchanged");

  it("classifies no answer at all, timeouts, throttling and server errors as the store being unavailable", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const timeout = Object.assign(new Error("timed out"), { name: "TimeoutError" });
    for (const err of [
      refused,
      timeout,
      cosmosError(408),
      cosmosError(429),
      cosmosError(503),
      cosmosError(500),
    ])
      expect(codeOf(asDependencyFailure(err))).toBe("DEPENDENCY_UNAVAILABLE");
    expect((asDependencyFailure(refused) as DocsiftError).cause).toBe(refused);
  });

  it("leaves the caller's own faults and the domain's errors as they were", () => {
    const conflict = new ConcurrencyConflictError("job", "1");
    for (const err of [cosmosError(400), cosmosError(404), cosmosError(409), cosmosError(412), conflict])
      expect(asDependencyFailure(err)).toBe(err);
  });
});
