import { execFile, spawn } from "node:child_process";
import { DocsiftError } from "@docsift/core";

/** stderr kept from a poppler tool for the error details; the rest is dropped. */
const MAX_STDERR_CHARS = 2000;

let available: Promise<boolean> | undefined;

/** Whether poppler-utils' `pdftohtml` (and with it `pdfinfo`, `pdftoppm`) is on the PATH; cached. */
export function hasPoppler(): Promise<boolean> {
  available ??= new Promise((resolve) => {
    execFile("pdftohtml", ["-v"], { timeout: 10_000 }, (err) => resolve(err === null));
  });
  return available;
}

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

export type PopplerTool = "pdfinfo" | "pdftoppm" | "pdftohtml";

/**
 * Starts a poppler tool with its output piped; the signal kills it (SIGKILL). `stderr()` is
 * the start of what it wrote there, for error details.
 */
export function spawnPoppler(tool: PopplerTool, args: readonly string[], signal: AbortSignal) {
  const child = spawn(tool, args, { stdio: ["ignore", "pipe", "pipe"], signal, killSignal: "SIGKILL" });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS)
      stderr += chunk.toString("utf8").slice(0, MAX_STDERR_CHARS - stderr.length);
  });
  return { child, stderr: () => stderr };
}

/** Runs a poppler tool to completion; the signal kills it. Output is bounded by `maxStdoutBytes`. */
export function runPoppler(
  tool: "pdfinfo" | "pdftoppm",
  args: readonly string[],
  opts: { signal: AbortSignal; maxStdoutBytes: number },
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const { child, stderr } = spawnPoppler(tool, args, opts.signal);
    const out: Buffer[] = [];
    let outBytes = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > opts.maxStdoutBytes) child.kill("SIGKILL");
      else out.push(chunk);
    });
    child.on("error", (err) => reject(opts.signal.aborted ? opts.signal.reason : err));
    child.on("close", (code) => {
      if (opts.signal.aborted) reject(opts.signal.reason);
      else if (outBytes > opts.maxStdoutBytes)
        reject(new Error(`${tool} wrote more than ${opts.maxStdoutBytes} bytes`));
      else resolve({ stdout: Buffer.concat(out), stderr: stderr(), code });
    });
  });
}

/** Page count from `pdfinfo`; a file it cannot parse is corrupt, an encrypted one unsupported. */
export async function pdfPageCount(path: string, signal: AbortSignal): Promise<number> {
  const result = await runPoppler("pdfinfo", [path], { signal, maxStdoutBytes: 1024 * 1024 });
  const match = /^Pages:\s+(\d+)\s*$/m.exec(result.stdout.toString("utf8"));
  if (result.code !== 0 || !match) throw popplerFailure("pdfinfo", result);
  return Number(match[1]);
}

export function popplerFailure(tool: string, result: { code: number | null; stderr: string }): DocsiftError {
  if (/password/i.test(result.stderr)) {
    return new DocsiftError("UNSUPPORTED_DOCUMENT", "Password-protected PDFs are not supported.", {
      details: { tool, exitCode: result.code },
    });
  }
  return new DocsiftError("CORRUPT_DOCUMENT", "The PDF could not be read; it may be damaged or truncated.", {
    details: { tool, exitCode: result.code, reason: result.stderr.trim().split("\n").slice(-3).join(" | ") },
  });
}
