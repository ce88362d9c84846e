import { createServiceBusClient } from "@docsift/adapters";
import type { FunctionsConfig } from "@docsift/core";
import { createDependencies, registrations } from "@docsift/functions";
import type { FunctionDeps } from "@docsift/functions";
import type { Logger } from "pino";
import { startHttpHost } from "./http-host.js";
import { startTriggerLoops } from "./triggers.js";

export interface LocalFunctionsHost {
  url: string;
  port: number;
  deps: FunctionDeps;
  stop(): Promise<void>;
}

/** The Function App outside Azure: the same registration table, an HTTP server and trigger loops. */
export async function startFunctionsHost(options: {
  config: FunctionsConfig;
  host: string;
  port: number;
  staticRoot?: string;
  logger: Logger;
  timers?: boolean;
}): Promise<LocalFunctionsHost> {
  const deps = createDependencies(options.config, options.logger);
  const client = createServiceBusClient(options.config.serviceBus);
  const http = await startHttpHost({
    registrations,
    deps,
    host: options.host,
    port: options.port,
    ...(options.staticRoot ? { staticRoot: options.staticRoot } : {}),
    logger: options.logger,
  });
  const triggers = startTriggerLoops({
    registrations,
    deps,
    client,
    config: options.config,
    logger: options.logger,
    ...(options.timers !== undefined ? { timers: options.timers } : {}),
  });
  return {
    url: http.url,
    port: http.port,
    deps,
    async stop() {
      await http.close();
      await triggers.stop();
      await client.close();
      await deps.close();
    },
  };
}
