// @docsift/local: the whole pipeline on one machine, and the pieces tests and benchmarks start
// on their own. Everything other packages use comes from here, never from local/src/... paths.
export { startLocalStack, type LocalStack } from "./stack/stack.js";
export { startFunctionsHost, type LocalFunctionsHost } from "./functions-host/host.js";
export { FUNCTIONS_HOST_MAIN, WORKER_MAIN, startApp } from "./stack/apps.js";
export type { ManagedChild } from "./stack/child-process.js";
export { setBlobCors } from "./stack/blob-and-cosmos.js";
export {
  serviceBusConnectionString,
  startServiceBusEmulator,
  type ServiceBusEmulator,
} from "./servicebus/index.js";
export { cosmosConnectionString } from "./stack/well-known.js";
export { startWebPubSubEmulator, type WebPubSubEmulator } from "./webpubsub/index.js";
export { ensureLocalTls, type LocalTls } from "./tls/local-ca.js";
