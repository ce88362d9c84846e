import path from "node:path";
import { parseArgs } from "node:util";
import { loadEnvironmentConfig } from "./config.js";
import { buildApp } from "./app.js";

/**
 * `npm run synth -- [--env dev] [--image-tag sha]`: writes cdktf.out/stacks/<stack>/cdk.tf.json,
 * the artifact the pipeline plans and applies with plain terraform.
 */
function main(): void {
  const { values } = parseArgs({
    options: { env: { type: "string" }, "image-tag": { type: "string" }, outdir: { type: "string" } },
  });
  const env = values.env ?? process.env.DOCSIFT_ENV;
  if (!env) throw new Error("no environment: pass --env <name> or set DOCSIFT_ENV (see environments/)");
  const config = loadEnvironmentConfig(env);
  const imageTag = values["image-tag"] ?? process.env.WORKER_IMAGE_TAG ?? "latest";
  const outdir = path.resolve(values.outdir ?? "cdktf.out");
  const started = performance.now();
  buildApp(config, { outdir, imageTag }).synth();
  console.log(
    `synthesized ${config.environment} (image tag ${imageTag}) into ${outdir} in ${Math.round(performance.now() - started)} ms`,
  );
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
