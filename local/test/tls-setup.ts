import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureLocalTls } from "../src/tls/local-ca.js";

// Runs in vitest's main process before any test worker is forked. Workers inherit
// NODE_EXTRA_CA_CERTS, which Node reads only at process start: that is how the SDKs that take
// no custom agent (Service Bus admin over HTTPS, Web PubSub REST) trust the emulators' CA.
export default async function setup(project: TestProject): Promise<void> {
  // The test stack (stack-setup.ts) keeps its state in docsift-test-stack and finds this CA in its
  // tls/ folder, so its emulators' certificates chain to what NODE_EXTRA_CA_CERTS trusts.
  const dir = path.join(os.tmpdir(), "docsift-test-stack", "tls");
  const tls = await ensureLocalTls(dir);
  process.env.NODE_EXTRA_CA_CERTS = tls.caCertFile;
  project.provide("tlsDir", dir);
}

declare module "vitest" {
  export interface ProvidedContext {
    tlsDir: string;
  }
}
