import { App } from "cdktf";
import type { EnvironmentConfig } from "./config.js";
import { AzureStack } from "./azure/azure-stack.js";
import { KubernetesStack } from "./kubernetes/kubernetes-stack.js";

export const STACKS = ["azure", "kubernetes"] as const;
export type StackName = (typeof STACKS)[number];

export interface SynthOptions {
  outdir: string;
  imageTag: string;
}

/** Build both stacks of one environment into `<outdir>/stacks/{azure,kubernetes}/cdk.tf.json`. */
export function buildApp(config: EnvironmentConfig, options: SynthOptions): App {
  const app = new App({ outdir: options.outdir });
  new AzureStack(app, "azure", config);
  new KubernetesStack(app, "kubernetes", config, { imageTag: options.imageTag });
  return app;
}
