import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { encodePrincipal } from "@docsift/core";

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

/** The supervised child of `pid` whose command line names `main` (e.g. worker/dist/main.js). */
function childRunning(pid: number, main: string): number | undefined {
  const tree = new Set(descendants(pid));
  const rows = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).trim().split("\n");
  for (const row of rows) {
    const [p, ...args] = row.trim().split(/\s+/);
    if (tree.has(Number(p)) && args.join(" ").includes(main)) return Number(p);
  }
  return undefined;
}

async function startStack(
  extraEnv: Record<string, string> = {},
  args: string[] = [],
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [CLI, "start", ...args], {
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
      ...extraEnv,
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

const TEXT_INVOICE = Buffer.from(
  "ACME Supplies Ltd\nInvoice number: INV-2041\nInvoice date: 2026-03-01\nTotal due: 120.00 EUR\n",
);

/** Creates, uploads and submits a text document as `userId`; by default waits for its outcome. */
async function runJob(
  url: string,
  userId: string,
  options: { wait: boolean } = { wait: true },
): Promise<{ jobId: string; status: string }> {
  const headers = { "x-ms-client-principal": encodePrincipal(userId), "content-type": "application/json" };
  const created = await fetch(`${url}/api/jobs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ fileName: "inv.txt", contentType: "text/plain", sizeBytes: TEXT_INVOICE.length }),
  });
  expect(created.status).toBe(201);
  const job = (await created.json()) as {
    jobId: string;
    upload: { url: string; headers: Record<string, string> };
  };
  const put = await fetch(job.upload.url, { method: "PUT", body: TEXT_INVOICE, headers: job.upload.headers });
  expect(put.status).toBe(201);
  expect((await fetch(`${url}/api/jobs/${job.jobId}/submit`, { method: "POST", headers })).status).toBe(202);
  let status = "QUEUED";
  if (!options.wait) return { jobId: job.jobId, status };
  // Generous: a redelivery after a killed worker waits out the local 60 s message lock.
  const deadline = Date.now() + 150_000;
  while (!["COMPLETED", "FAILED"].includes(status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    status = ((await (await fetch(`${url}/api/jobs/${job.jobId}`, { headers })).json()) as { status: string })
      .status;
  }
  return { jobId: job.jobId, status };
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

  it("restarts a worker, the functions host and both emulators killed with SIGKILL, says so, and still completes a job", async () => {
    const { child, output } = await startStack();
    try {
      const url = /docsift is running: (http:\/\/\S+)/.exec(output())![1]!;
      const worker = childRunning(child.pid!, "worker/dist/main.js");
      const functions = childRunning(child.pid!, "functions-host/main.js");
      expect(worker).toBeDefined();
      expect(functions).toBeDefined();
      const emulators = ["cosmos-server-main.js", "azurite/dist/src/blob/main.js"].map((m) =>
        childRunning(child.pid!, m),
      );
      for (const pid of [worker, functions, ...emulators]) process.kill(pid!, "SIGKILL");
      for (const name of ["worker-1", "functions", "cosmos", "azurite"])
        expect(await waitUntil(() => output().includes(`${name} is running again`), 60_000), name).toBe(true);
      expect(output()).toMatch(/worker-1 was killed \(SIGKILL\); restarting it in 1\.0 s \(crash 1 of 5/);
      expect(output()).toMatch(/functions was killed \(SIGKILL\); restarting it in/);
      // New processes, on the same URL, and the pipeline works end to end.
      expect(childRunning(child.pid!, "worker/dist/main.js")).not.toBe(worker);
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      expect((await runJob(url, "restart-check")).status).toBe("COMPLETED");
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill("SIGINT");
      await new Promise((r) => child.once("exit", r));
    }
  }, 240_000);

  it("gives up and exits non-zero when a child keeps crashing, stopping everything", async () => {
    const { child, output } = await startStack({ LOCAL_MAX_CRASHES: "2" });
    const tree = descendants(child.pid!);
    const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    process.kill(childRunning(child.pid!, "worker/dist/main.js")!, "SIGKILL");
    expect(await waitUntil(() => /worker-1 is running again/.test(output()), 60_000)).toBe(true);
    process.kill(childRunning(child.pid!, "worker/dist/main.js")!, "SIGKILL");
    expect(await exited).toBe(1);
    expect(output()).toMatch(/worker-1 was killed \(SIGKILL\); it crashed 2 times within 300 s, giving up/);
    expect(output()).toMatch(/docsift stopped:/);
    expect(await waitUntil(() => tree.every((p) => !alive(p)), 20_000)).toBe(true);
  }, 180_000);

  it("keeps a developer's jobs across npm start restarts with --persist, and runs a job that was queued", async () => {
    const stateDir = path.join(os.tmpdir(), `docsift-persist-${process.pid}`);
    rmSync(stateDir, { recursive: true, force: true });
    const headers = { "x-ms-client-principal": encodePrincipal("persist-check") };
    const start = (workers: string) =>
      startStack({ LOCAL_STATE_DIR: stateDir, LOCAL_WORKERS: workers }, ["--persist"]);
    const stop = async (s: { child: ChildProcess }) => {
      s.child.kill("SIGINT");
      return new Promise<number | null>((r) => s.child.once("exit", r));
    };
    const urlOf = (s: { output: () => string }) => /docsift is running: (http:\/\/\S+)/.exec(s.output())![1]!;
    const getJob = async (url: string, id: string) =>
      (await (await fetch(`${url}/api/jobs/${id}`, { headers })).json()) as {
        status: string;
        result?: unknown;
      };
    try {
      const first = await start("1");
      expect(first.output()).toContain(`Data is kept in ${path.join(stateDir, "data")}`);
      const done = await runJob(urlOf(first), "persist-check");
      expect(done.status).toBe("COMPLETED");
      expect(await stop(first)).toBe(0);

      // No worker this time: the next job stays queued when the stack stops.
      const second = await start("0");
      const listed = (await (await fetch(`${urlOf(second)}/api/jobs`, { headers })).json()) as {
        items: { id: string }[];
      };
      expect(listed.items.map((j) => j.id)).toEqual([done.jobId]);
      const kept = await getJob(urlOf(second), done.jobId);
      expect(kept.status).toBe("COMPLETED");
      expect(kept.result).toBeDefined();
      const queued = await runJob(urlOf(second), "persist-check", { wait: false });
      expect(queued.status).toBe("QUEUED");
      expect(await stop(second)).toBe(0);

      // Its task did not survive (Service Bus is not kept); the redispatch timer sends it again,
      // and the worker reads the document Azurite kept.
      const third = await start("1");
      try {
        let status = "QUEUED";
        const deadline = Date.now() + 150_000;
        while (status !== "COMPLETED" && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 500));
          status = (await getJob(urlOf(third), queued.jobId)).status;
        }
        expect(status).toBe("COMPLETED");
      } finally {
        await stop(third);
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 420_000);
});
