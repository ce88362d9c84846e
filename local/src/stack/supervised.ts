import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Runs a module as a supervised child of the local stack: `node supervised.js <module> [args]`.
 * If the stack's process dies without stopping its children (kill -9, a crashed terminal),
 * the parent pid changes and the child terminates itself, so nothing is left behind.
 */
const [target, ...args] = process.argv.slice(2);
if (!target) {
  console.error("usage: supervised <module> [args...]");
  process.exit(2);
}
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.kill(process.pid, "SIGTERM");
    // A module that ignores SIGTERM still goes.
    setTimeout(() => process.exit(1), 5000).unref();
  }
}, 500).unref();

process.argv = [process.argv[0] as string, path.resolve(target), ...args];
await import(pathToFileURL(path.resolve(target)).href);
