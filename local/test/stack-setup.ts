import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { LocalStackConfigSchema, parseConfig } from "@docsift/core";
// The compiled stack: it spawns its children from dist (`npm test` builds first).
import { startLocalStack } from "../dist/stack/stack.js";

// One local stack for every *.stack.test.ts file, on free ports, torn down after the run.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = parseConfig("local stack (tests)", LocalStackConfigSchema, {
    LOCAL_BLOB_PORT: "0",
    LOCAL_COSMOS_PORT: "0",
    LOCAL_SERVICEBUS_PORT: "0",
    LOCAL_WEBPUBSUB_PORT: "0",
    LOCAL_HTTP_PORT: "0",
    LOCAL_STATE_DIR: path.join(os.tmpdir(), "docsift-test-stack"),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  const stack = await startLocalStack(config);
  project.provide("stackEnv", stack.env);
  project.provide("stackUrls", stack.urls);
  console.log(`local stack ready in ${stack.readyMs} ms`);
  return () => stack.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    stackEnv: Record<string, string>;
    stackUrls: Record<string, string>;
  }
}
