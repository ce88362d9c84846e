import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/main.js");

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** The compiled worker (`npx tsc -b worker`) as its own process, as the container runs it. */
export class ChildWorker {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly process: ChildProcess;
  private stderr = "";

  constructor(env: Record<string, string>) {
    this.process = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    this.process.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          this.lines.push({ msg: line });
        }
      }
    });
    this.process.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      this.process.once("exit", (code, signal) => resolve({ code, signal })),
    );
  }

  get pid(): number {
    return this.process.pid!;
  }

  async waitForLog(msg: string, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.lines.find((l) => l.msg === msg);
      if (found) return found;
      if (this.process.exitCode !== null)
        throw new Error(
          `worker exited (${this.process.exitCode}) before "${msg}": ${this.stderr.slice(-2000)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`worker did not log "${msg}" within ${timeoutMs} ms`);
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** Ends the process if a test left it running. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill("SIGKILL");
    await this.exited;
  }
}
