import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BlobModelStore } from "@docsift/adapters";
import { defaultModelLocation } from "@docsift/model";
import { runCaptured } from "./capture.js";

const env = inject("stackEnv");
const NAME = "docsift-kie";
let dir: string;
let container: string;
let store: BlobModelStore;
let committedVersion: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-rollout-"));
  container = `models-rollout-${randomUUID().slice(0, 8)}`;
  store = new BlobModelStore(
    BlobServiceClient.fromConnectionString(env.STORAGE_CONNECTION_STRING!),
    container,
  );
  const committed = defaultModelLocation();
  committedVersion = committed.version;
  await store.publish(committed, { setCurrent: true });
  const manifest = JSON.parse(await readFile(committed.manifestPath, "utf8")) as Record<string, unknown>;
  const candidateManifest = path.join(dir, "manifest.json");
  await writeFile(candidateManifest, JSON.stringify({ ...manifest, version: "9.0.0-rc" }));
  await store.publish(
    { onnxPath: committed.onnxPath, manifestPath: candidateManifest },
    { setCurrent: false },
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  runCaptured(["--json", "model", ...args, "--container", container], {
    STORAGE_CONNECTION_STRING: env.STORAGE_CONNECTION_STRING!,
  });

describe("docsift model promote / rollback on the Blob registry", () => {
  it("writes rollout.json and the current pointer the workers read", async () => {
    const canary = await cli("promote", "9.0.0-rc", "--canary", "10");
    expect(canary.code, canary.stderr).toBe(0);
    expect(await store.rollout(NAME)).toMatchObject({
      current: committedVersion,
      candidate: { version: "9.0.0-rc", mode: "canary", share: 0.1 },
    });

    expect((await cli("promote", "9.0.0-rc")).code).toBe(0);
    expect(await store.resolveVersion(NAME, "current")).toBe("9.0.0-rc");

    expect((await cli("rollback")).code).toBe(0);
    expect(await store.resolveVersion(NAME, "current")).toBe(committedVersion);
    expect(JSON.parse((await cli("status")).stdout)).toMatchObject({ current: committedVersion });
  });

  it("refuses a version that was never published", async () => {
    const missing = await cli("promote", "0.0.1");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/0\.0\.1 is not published/);
  });
});
