import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import { describe, expect, inject, it } from "vitest";
import { BlobModelStore } from "@docsift/adapters";
import { defaultModelLocation } from "@docsift/model";

const run = promisify(execFile);
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/docsift.js");
const env = inject("stackEnv");

describe("docsift model publish", () => {
  it("uploads the committed model to the Blob registry the workers read, and moves current", async () => {
    const container = `models-test-${Date.now()}`;
    const { stdout } = await run(
      process.execPath,
      [CLI, "--json", "model", "publish", "--container", container],
      {
        env: {
          ...process.env,
          STORAGE_CONNECTION_STRING: env.STORAGE_CONNECTION_STRING!,
          STORAGE_ACCOUNT_URL: "",
        },
      },
    );
    const answer = JSON.parse(stdout) as { name: string; version: string; current: boolean };
    const committed = defaultModelLocation();
    expect(answer).toMatchObject({ name: "docsift-kie", version: committed.version, current: true });
    const store = new BlobModelStore(
      BlobServiceClient.fromConnectionString(env.STORAGE_CONNECTION_STRING!),
      container,
    );
    const fetched = await store.fetch(
      "docsift-kie",
      "current",
      await mkdtemp(path.join(os.tmpdir(), "model-cache-")),
    );
    expect(fetched.version).toBe(committed.version);
  });

  it("refuses to run without a destination", async () => {
    const failed = await run(process.execPath, [CLI, "model", "publish"], {
      env: { ...process.env, STORAGE_CONNECTION_STRING: "", STORAGE_ACCOUNT_URL: "" },
    }).catch((err: { code: number; stderr: string }) => err);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(/--account-url/);
  });
});
