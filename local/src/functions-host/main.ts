import { FunctionsConfigSchema, parseConfig } from "@docsift/core";
import pino from "pino";
import { z } from "zod";
import { startFunctionsHost } from "./host.js";

// The local Functions host as its own process (the stack runs it like the worker): the app's
// configuration from the same variables as in Azure, plus where to listen and what to serve.
const hostEnv = parseConfig(
  "local functions host",
  z.object({
    FUNCTIONS_HOST: z.string().default("127.0.0.1"),
    FUNCTIONS_PORT: z.coerce.number().int().min(0).max(65535).default(7071),
    PWA_DIST_DIR: z.string().optional(),
    FUNCTIONS_TIMERS: z.enum(["true", "false"]).default("true"),
  }),
);
const config = parseConfig("functions", FunctionsConfigSchema);
const logger = pino({ level: config.logLevel }).child({ component: "functions" });

const host = await startFunctionsHost({
  config,
  host: hostEnv.FUNCTIONS_HOST,
  port: hostEnv.FUNCTIONS_PORT,
  ...(hostEnv.PWA_DIST_DIR ? { staticRoot: hostEnv.PWA_DIST_DIR } : {}),
  logger,
  timers: hostEnv.FUNCTIONS_TIMERS === "true",
});
logger.info({ url: host.url, port: host.port }, "functions host listening");

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping functions host");
  host.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, "stop failed");
      process.exit(1);
    },
  );
};
process.once("SIGTERM", () => stop("SIGTERM")).once("SIGINT", () => stop("SIGINT"));
