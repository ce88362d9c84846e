import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(repoRoot, "local/dist/cli.js");

/** Every process below `pid`, read from ps. */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows)
      if (parent === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startStack(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [CLI, "start"], {
    env: {
      ...process.env,
      LOCAL_BLOB_PORT: "0",
      LOCAL_COSMOS_PORT: "0",
      LOCAL_SERVICEBUS_PORT: "0",
      LOCAL_WEBPUBSUB_PORT: "0",
      LOCAL_HTTP_PORT: "0",
      LOCAL_WORKERS: "1",
      LOCAL_STATE_DIR: path.join(os.tmpdir(), `docsift-lifecycle-${process.pid}`),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!/docsift is running: (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`stack exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`stack not ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("npm start's stack lifecycle", () => {
  it("serves the API, and Ctrl-C stops every process it started", async () => {
    const { child, output } = await startStack();
    const url = /docsift is running: (http:\/\/\S+)/.exec(output())![1]!;
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    const tree = descendants(child.pid!);
    // Azurite, cosmosdb-server, the functions host and one worker (each under its supervisor).
    expect(tree.length).toBeGreaterThanOrEqual(4);
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    expect(await waitUntil(() => tree.every((p) => !alive(p)), 10_000)).toBe(true);
  }, 120_000);

  it("leaves nothing behind when the launcher itself is killed with SIGKILL", async () => {
    const { child } = await startStack();
    const tree = descendants(child.pid!);
    child.kill("SIGKILL");
    // Supervised children notice the lost parent within a second and stop (SIGKILL after 5 s).
    expect(await waitUntil(() => tree.every((p) => !alive(p)), 20_000)).toBe(true);
  }, 120_000);
});
