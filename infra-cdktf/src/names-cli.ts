import { parseArgs } from "node:util";
import { loadEnvironmentConfig } from "./config.js";
import { azureNames } from "./azure/naming.js";

/**
 * `npm run names -- --env dev`: prints `key=value` lines (for $GITHUB_OUTPUT) so the pipeline
 * uses the same resource names as the stacks instead of repeating them.
 */
try {
  const { values } = parseArgs({ options: { env: { type: "string" } } });
  const env = values.env ?? process.env.DOCSIFT_ENV;
  if (!env) throw new Error("no environment: pass --env <name> or set DOCSIFT_ENV");
  const config = loadEnvironmentConfig(env);
  const names: Record<string, string> = {
    ...azureNames(config),
    workerImageRepository: config.worker.imageRepository,
    modelName: config.worker.modelName,
  };
  for (const [key, value] of Object.entries(names)) console.log(`${key}=${value}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
