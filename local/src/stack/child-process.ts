import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Child processes always run compiled code, also when the stack itself is imported from its
 * TypeScript sources (tests, benchmarks): `npm test`, `npm start` and `npm run bench` build first.
 */
export const LOCAL_DIST = path.resolve(here, "../../dist");
const SUPERVISED = path.join(LOCAL_DIST, "stack", "supervised.js");

export interface ManagedChild {
  name: string;
  process: ChildProcess;
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts a Node module under the supervisor wrapper, forwarding its output line by line to the
 * stack's logger, and stops it with SIGTERM then SIGKILL.
 */
export function startChild(
  name: string,
  modulePath: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; logger: Logger; onLine?: (line: string) => void; execArgv?: string[] },
): ManagedChild {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), SUPERVISED, modulePath, ...args], {
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = options.logger.child({ component: name });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        options.onLine?.(line);
        if (line.trim()) log.debug({ line }, "output");
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await once(child, "exit").catch(() => undefined);
      clearTimeout(timer);
    },
  };
}

const require = createRequire(import.meta.url);
export const resolvePackageFile = (pkg: string, file: string): string =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
