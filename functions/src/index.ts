export * from "./registrations.js";
export * from "./deps.js";
export * from "./jobs-service.js";
export * from "./lib/identity.js";
export * from "./lib/problem-response.js";
export { HttpRequest, HttpResponse, InvocationContext } from "./lib/azure-functions.js";
export { DEAD_LETTER_EVENT } from "./events/dead-letter-triage.js";
export { recoverySweep } from "./events/redispatch-tasks.js";
export type { RecoverySweep } from "./events/redispatch-tasks.js";
