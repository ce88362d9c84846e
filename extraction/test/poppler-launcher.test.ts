import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPoppler } from "@docsift/extraction";
import { writeTextPdf } from "@docsift/extraction/testing";
import {
  popplerLauncherPid,
  startTool,
  usePopplerLauncher,
  type ToolRun,
} from "../src/pdf/poppler-launcher.js";
import { scratchDir } from "./helpers.js";

const run$ = promisify(execFile);
const havePoppler = await hasPoppler();
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch.remove());

async function collect(run: ToolRun): Promise<{ stdout: string; code: number | null; stderr: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of run.stdout) chunks.push(chunk);
  return { stdout: Buffer.concat(chunks).toString("utf8"), ...(await run.exited) };
}

describe("poppler launcher", () => {
  it("runs tools in its own process and hands each run its own output", async () => {
    const runs = await Promise.all(
      ["alpha", "beta", "gamma", "delta"].map((word) =>
        startTool(
          "sh",
          ["-c", `printf '%s' "$0"; sleep 0.05; printf '%s' "-$0"`, word],
          new AbortController().signal,
        ),
      ),
    );
    const results = await Promise.all(runs.map(collect));
    expect(results.map((r) => r.stdout)).toEqual(["alpha-alpha", "beta-beta", "gamma-gamma", "delta-delta"]);
    expect(results.every((r) => r.code === 0)).toBe(true);
    const pid = await popplerLauncherPid();
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
  });

  it("shows a process listing its name, not its code or token, and keeps the token from the tools", async () => {
    const pid = (await popplerLauncherPid())!;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ").trim();
    expect(cmdline).toBe("docsift-poppler-launcher");
    const env = await collect(
      await startTool(
        "sh",
        ["-c", 'printf "%s|%s" "$DOCSIFT_POPPLER_TOKEN" "$DOCSIFT_POPPLER_ADDRESS"'],
        new AbortController().signal,
      ),
    );
    expect(env.stdout).toBe("|");
  });

  it.skipIf(!havePoppler)("passes pdftohtml's output through unchanged, large or failing", async () => {
    const pdf = scratch.path("many.pdf");
    await writeTextPdf(
      pdf,
      Array.from({ length: 60 }, (_, p) => Array.from({ length: 30 }, (_, i) => `Line ${i} of page ${p}`)),
    );
    const args = ["-xml", "-stdout", "-i", "-enc", "UTF-8", pdf];
    const direct = await run$("pdftohtml", args, { maxBuffer: 64 * 1024 * 1024 });
    const viaLauncher = await collect(await startTool("pdftohtml", args, new AbortController().signal));
    expect(viaLauncher.code).toBe(0);
    expect(viaLauncher.stdout.length).toBeGreaterThan(100_000);
    expect(viaLauncher.stdout).toBe(direct.stdout);

    const missing = await collect(
      await startTool(
        "pdftohtml",
        ["-xml", "-stdout", scratch.path("nope.pdf")],
        new AbortController().signal,
      ),
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/Couldn't open file/);
  });

  it("reports a tool that cannot start without hanging", async () => {
    const run = await startTool("docsift-no-such-tool", [], new AbortController().signal);
    expect(await collect(run)).toMatchObject({
      stdout: "",
      code: null,
      stderr: expect.stringMatching(/ENOENT/),
    });
  });

  it("hands every run its output even when its exit is known before its connection", async () => {
    // A tool that is not found reports its exit over IPC at once, often before the worker has
    // accepted the connection its output comes on; many at once make that order common.
    const runs = await Promise.all(
      Array.from({ length: 40 }, () => startTool("docsift-no-such-tool", [], new AbortController().signal)),
    );
    const results = await Promise.all(runs.map(collect));
    expect(results.every((r) => r.stdout === "" && r.code === null && /ENOENT/.test(r.stderr))).toBe(true);
  });

  it("kills the tool when the signal aborts", async () => {
    const abort = new AbortController();
    const started = performance.now();
    const run = await startTool("sleep", ["30"], abort.signal);
    setTimeout(() => abort.abort(new Error("job timed out")), 100);
    const result = await collect(run).catch(() => undefined);
    expect(result?.stdout ?? "").toBe("");
    expect((await run.exited).code).toBeNull();
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("replaces a launcher that died: its run fails, the next one runs", async () => {
    const pid = (await popplerLauncherPid())!;
    const pending = await startTool("sleep", ["30"], new AbortController().signal);
    process.kill(pid, "SIGKILL");
    expect((await pending.exited).code).toBeNull();
    const next = await collect(await startTool("sh", ["-c", "printf ok"], new AbortController().signal));
    expect(next).toMatchObject({ stdout: "ok", code: 0 });
    const replaced = await popplerLauncherPid();
    expect(replaced).toBeGreaterThan(0);
    expect(replaced).not.toBe(pid);
  });

  it("does not keep a process alive once its runs are done", async () => {
    // A script that runs one tool and then has nothing left to do must exit by itself.
    const launcherModule = fileURLToPath(new URL("../src/pdf/poppler-launcher.ts", import.meta.url));
    const script = `
      const { startTool } = await import(${JSON.stringify(launcherModule)});
      const run = await startTool("sh", ["-c", "printf done"], new AbortController().signal);
      let out = "";
      for await (const c of run.stdout) out += c;
      const { code } = await run.exited;
      console.log(out, code);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("the process did not exit within 20 s"));
      }, 20_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("done 0");
  });
});

describe("poppler tools without the launcher", () => {
  it("start straight from this process when the launcher is turned off, and through it again after", async () => {
    usePopplerLauncher(false);
    try {
      const run = await startTool("sh", ["-c", 'printf "%s" "$PPID"'], new AbortController().signal);
      const { stdout, code } = await collect(run);
      expect(code).toBe(0);
      // The tool's parent is this process, not the launcher.
      expect(Number(stdout)).toBe(process.pid);
    } finally {
      usePopplerLauncher(true);
    }
    const viaLauncher = await collect(
      await startTool("sh", ["-c", 'printf "%s" "$PPID"'], new AbortController().signal),
    );
    expect(Number(viaLauncher.stdout)).toBe(await popplerLauncherPid());
  });
});
