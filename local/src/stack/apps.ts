import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { startChild } from "./child-process.js";
import type { ManagedChild } from "./child-process.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
export const FUNCTIONS_HOST_MAIN = path.join(repoRoot, "local/dist/functions-host/main.js");
export const WORKER_MAIN = path.join(repoRoot, "worker/dist/main.js");

/** Starts an app process and resolves with its first log line whose `msg` is `readyMsg`. */
export async function startApp(
  name: string,
  main: string,
  env: NodeJS.ProcessEnv,
  readyMsg: string,
  logger: Logger,
  timeoutMs = 60_000,
): Promise<{ child: ManagedChild; ready: Record<string, unknown> }> {
  let resolveReady!: (line: Record<string, unknown>) => void;
  const ready = new Promise<Record<string, unknown>>((r) => (resolveReady = r));
  const child = startChild(name, main, [], {
    env,
    logger,
    onLine: (line) => {
      if (!line.startsWith("{")) return;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg === readyMsg) resolveReady(parsed);
        // App logs are pino JSON already: pass warnings and errors through to the stack's log.
        if (typeof parsed.level === "number" && parsed.level >= 40)
          logger.child({ component: name }).warn(parsed, String(parsed.msg));
        else if (typeof parsed.level === "number" && parsed.level >= 30)
          logger.child({ component: name }).debug(parsed, String(parsed.msg));
      } catch {
        // not JSON: already logged by the child wrapper
      }
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready,
    child.exited.then((code) => new Error(`${name} exited with code ${code} before it was ready`)),
    new Promise<Error>(
      (r) =>
        (timer = setTimeout(() => r(new Error(`${name} was not ready within ${timeoutMs} ms`)), timeoutMs)),
    ),
  ]);
  clearTimeout(timer);
  if (outcome instanceof Error) {
    await child.stop(2000);
    throw outcome;
  }
  return { child, ready: outcome };
}
