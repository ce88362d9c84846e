import { App } from "cdktf";
import type { EnvironmentConfig } from "./config.js";
import { AzureStack } from "./azure/azure-stack.js";
import { KubernetesStack } from "./kubernetes/kubernetes-stack.js";
import { DeployIdentitiesStack } from "./azure/deploy-identities-stack.js";

/** `bootstrap` is applied once by an owner (README, First-time bootstrap), never by the pipeline. */
export const STACKS = ["bootstrap", "azure", "kubernetes"] as const;
export type StackName = (typeof STACKS)[number];

export interface SynthOptions {
  outdir: string;
  imageTag: string;
}

/** Build the stacks of one environment into `<outdir>/stacks/{bootstrap,azure,kubernetes}/cdk.tf.json`. */
export function buildApp(config: EnvironmentConfig, options: SynthOptions): App {
  const app = new App({ outdir: options.outdir });
  new DeployIdentitiesStack(app, "bootstrap", config);
  new AzureStack(app, "azure", config);
  new KubernetesStack(app, "kubernetes", config, { imageTag: options.imageTag });
  return app;
}
