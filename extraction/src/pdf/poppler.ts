import { execFile } from "node:child_process";
import { DocsiftError } from "@docsift/core";
import { startTool } from "./poppler-launcher.js";

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

/** Runs a poppler tool to completion; the signal kills it. Output is bounded by `maxStdoutBytes`. */
export async function runPoppler(
  tool: "pdfinfo" | "pdftoppm",
  args: readonly string[],
  opts: { signal: AbortSignal; maxStdoutBytes: number },
): Promise<ToolResult> {
  const run = await startTool(tool, args, opts.signal);
  const out: Buffer[] = [];
  let outBytes = 0;
  try {
    for await (const chunk of run.stdout) {
      outBytes += chunk.length;
      if (outBytes > opts.maxStdoutBytes) {
        run.kill();
        break;
      }
      out.push(chunk);
    }
  } catch {
    // A tool that could not start, or a killed one: its exit below says which.
  }
  const { code, stderr } = await run.exited;
  if (opts.signal.aborted) throw opts.signal.reason;
  if (outBytes > opts.maxStdoutBytes) throw new Error(`${tool} wrote more than ${opts.maxStdoutBytes} bytes`);
  return { stdout: Buffer.concat(out), stderr, code };
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
