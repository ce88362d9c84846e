import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { FsModelRegistry, artifactsRoot } from "@docsift/model";
import { runCaptured } from "./capture.js";

const NAME = "docsift-kie";
let dir: string;

/** A registry holding the committed model as 4.1.0 (current) and, renamed, as 4.2.0. */
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rollout-registry-"));
  const registry = new FsModelRegistry(dir);
  const committed = await new FsModelRegistry(artifactsRoot()).resolve(NAME, "4.1.0");
  await registry.publish(committed, { makeCurrent: true });
  await registry.publish(
    { ...committed, manifest: { ...committed.manifest, version: "4.2.0" } },
    { makeCurrent: false },
  );
});

const cli = (...args: string[]) => runCaptured(["--json", "model", ...args, "--registry-dir", dir]);
const pointer = async () => (await readFile(path.join(dir, NAME, "current"), "utf8")).trim();

describe("docsift model promote / rollback / status", () => {
  it("reads the current pointer when no rollout was written yet", async () => {
    const status = await cli("status");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ name: NAME, current: "4.1.0" });
  });

  it("--canary 10 tries the version on 10% of jobs and leaves current where it was", async () => {
    const promoted = await cli("promote", "4.2.0", "--canary", "10");
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      current: "4.1.0",
      candidate: { version: "4.2.0", mode: "canary", share: 0.1 },
    });
    expect(await pointer()).toBe("4.1.0");
    expect(JSON.parse((await cli("status")).stdout)).toMatchObject({ candidate: { mode: "canary" } });
  });

  it("promote moves current (and the pointer older workers read); rollback moves it back", async () => {
    await cli("promote", "4.2.0", "--shadow", "50");
    const promoted = await cli("promote", "4.2.0");
    expect(JSON.parse(promoted.stdout)).toMatchObject({ current: "4.2.0", previous: "4.1.0" });
    expect(JSON.parse(promoted.stdout).candidate).toBeUndefined();
    expect(await pointer()).toBe("4.2.0");

    const rolledBack = await cli("rollback");
    expect(rolledBack.code).toBe(0);
    expect(JSON.parse(rolledBack.stdout)).toMatchObject({ current: "4.1.0" });
    expect(await pointer()).toBe("4.1.0");
  });

  it("rollback during a canary stops the canary and keeps current", async () => {
    await cli("promote", "4.2.0", "--canary", "25");
    const rolledBack = await cli("rollback");
    expect(JSON.parse(rolledBack.stdout)).toMatchObject({ current: "4.1.0" });
    expect(JSON.parse(rolledBack.stdout).candidate).toBeUndefined();
  });

  it("says in words what is going on without --json", async () => {
    await runCaptured(["model", "promote", "4.2.0", "--shadow", "5", "--registry-dir", dir]);
    const status = await runCaptured(["model", "status", "--registry-dir", dir]);
    expect(status.stdout).toMatch(/current 4\.1\.0/);
    expect(status.stdout).toMatch(/shadow 4\.2\.0 on 5% of jobs/);
  });

  it("refuses an unpublished version, a share over 100%, two modes at once, and a rollback with nowhere to go", async () => {
    const unknown = await cli("promote", "9.9.9");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/9\.9\.9 not found/);
    expect(await pointer()).toBe("4.1.0");

    const tooMuch = await cli("promote", "4.2.0", "--canary", "150");
    expect(tooMuch.code).toBe(2);
    expect(tooMuch.stderr).toMatch(/percentage from 0 to 100/);

    const both = await cli("promote", "4.2.0", "--canary", "10", "--shadow", "10");
    expect(both.code).toBe(2);

    const nowhere = await cli("rollback");
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/no version before 4\.1\.0/);
  });
});
