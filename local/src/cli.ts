import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { ConfigError, LocalStackConfigSchema, parseConfig } from "@docsift/core";
import pino from "pino";
import { PortInUseError } from "./stack/ports.js";
import { startLocalStack } from "./stack/stack.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const program = new Command("docsift-local").description(
  "Runs docsift on this machine with local emulators.",
);

program
  .command("start")
  .description(
    "Start Blob, Cosmos, Service Bus and Web PubSub emulators, the functions host (with the PWA) and the workers",
  )
  .option("--no-apps", "start only the emulators and print their settings")
  .option(
    "--persist",
    "keep Blob and Cosmos data in LOCAL_STATE_DIR/data across restarts (same as LOCAL_PERSIST=true)",
  )
  .action(async (opts: { apps: boolean; persist?: boolean }) => {
    const parsed = parseConfig("local stack", LocalStackConfigSchema);
    const config = opts.persist ? { ...parsed, persist: true } : parsed;
    const logger = pino({ level: config.logLevel });
    const stack = await startLocalStack(config, {
      logger,
      report: (line) => console.log(line),
      ...(opts.apps
        ? { apps: { functions: true, workers: config.workers, pwaDir: path.join(repoRoot, "pwa/dist") } }
        : {}),
    });
    const lines = opts.apps
      ? [
          `docsift is running: ${stack.urls.app}  (ready in ${(stack.readyMs / 1000).toFixed(1)} s, ${config.workers} worker(s))`,
        ]
      : [
          `docsift emulators are running (ready in ${(stack.readyMs / 1000).toFixed(1)} s). Settings for app processes:`,
          ...Object.entries(stack.env).map(([k, v]) => `  ${k}=${v}`),
        ];
    if (config.persist)
      lines.push(`Data is kept in ${path.resolve(config.stateDir, "data")} (delete it to start empty).`);
    console.log(lines.join("\n"));
    console.log("Press Ctrl-C to stop.");
    let stopping = false;
    void stack.failed.then((err) => {
      if (stopping) return;
      stopping = true;
      console.error(`docsift stopped: ${err.message}`);
      process.exit(1);
    });
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping docsift…`);
      stack.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    };
    process.once("SIGINT", () => stop("SIGINT")).once("SIGTERM", () => stop("SIGTERM"));
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PortInUseError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
