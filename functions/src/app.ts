import { FunctionsConfigSchema, deadLetterPath, parseConfig } from "@docsift/core";
import { createDependencies } from "./deps.js";
import type { FunctionDeps } from "./deps.js";
import { app } from "./lib/azure-functions.js";
import { registrations } from "./registrations.js";

// The Azure Functions entry (package.json "main"). Configuration is parsed when the worker
// loads this module: a bad app setting stops start-up with every problem named.
const config = parseConfig("functions", FunctionsConfigSchema);
let deps: FunctionDeps | undefined;
const lazyDeps = (): FunctionDeps => (deps ??= createDependencies(config));

app.setup({ enableHttpStream: true });

for (const r of registrations) {
  switch (r.kind) {
    case "http":
      app.http(r.name, {
        methods: r.methods,
        route: r.route,
        authLevel: "anonymous", // Easy Auth in front decides who gets in; handlers check ownership and roles.
        handler: (request, context) => r.handler(lazyDeps())(request, context),
      });
      break;
    case "serviceBusQueue": {
      const queue = r.source.queue === "events" ? config.queues.events : config.queues.tasks;
      app.serviceBusQueue(r.name, {
        connection: "ServiceBusConnection",
        queueName: r.source.deadLetter ? deadLetterPath(queue) : queue,
        handler: (message, context) => r.handler(lazyDeps())(message, context),
      });
      break;
    }
    case "timer":
      app.timer(r.name, {
        schedule: r.schedule,
        handler: (timer, context) => r.handler(lazyDeps())(timer, context),
      });
      break;
  }
}
