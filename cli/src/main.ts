#!/usr/bin/env node
import { runCli } from "./program.js";

// Ctrl-C once: abort requests and uploads, report, exit 130. Twice: leave at once.
const controller = new AbortController();
process.once("SIGINT", () => {
  controller.abort(new Error("interrupted"));
  process.once("SIGINT", () => process.exit(130));
});

process.exitCode = await runCli(process.argv.slice(2), undefined, controller.signal);
