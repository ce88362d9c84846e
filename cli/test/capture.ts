import { PassThrough } from "node:stream";
import { runCli } from "../src/program.js";

/** Runs the CLI in process with captured output; the environment is only what the test gives. */
export async function runCaptured(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => out.push(c.toString()));
  stderr.on("data", (c: Buffer) => err.push(c.toString()));
  const code = await runCli(args, { stdout, stderr, env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
