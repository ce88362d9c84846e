import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidContinuationTokenError, StoredDocumentInvalidError } from "@docsift/core";
import { parseStored, withContinuation } from "../src/cosmos-client.js";

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
