import { ServiceBusClient } from "@azure/service-bus";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FunctionsConfigSchema, QUEUES, parseConfig } from "@docsift/core";
import { createDependencies } from "../../functions/src/deps.js";
import { registrations } from "../../functions/src/registrations.js";
import { ROLES } from "../src/azure/naming.js";
import { resourcesOf, synthAzure, type TerraformJson } from "./helpers.js";

// The Function App's Service Bus roles, derived from what its code does rather than listed
// twice: the queues it sends to are those its wiring creates senders for, the queues it receives
// from are its triggers'. The stack must grant exactly those, per queue, and nothing more.

const FUNC = "${azurerm_function_app_flex_consumption.function-app.identity[0].principal_id}";
const QUEUE_RESOURCE: Record<string, string> = {
  [QUEUES.tasks]: "${azurerm_servicebus_queue.queue-tasks.id}",
  [QUEUES.events]: "${azurerm_servicebus_queue.queue-events.id}",
};

let json: TerraformJson;
beforeAll(() => {
  ({ json } = synthAzure());
});
afterEach(() => vi.restoreAllMocks());

/** (role, queue) pairs the Function App's code needs. */
async function functionAppNeeds(): Promise<string[]> {
  const sent: string[] = [];
  vi.spyOn(ServiceBusClient.prototype, "createSender").mockImplementation(function (queue: string) {
    sent.push(queue);
    return { close: async () => undefined } as never;
  });
  // Local connection strings: the wiring only constructs clients, nothing connects.
  const config = parseConfig("functions (grants test)", FunctionsConfigSchema, {
    DOCSIFT_ENVIRONMENT: "local",
    AUTH_MODE: "dev",
    STORAGE_CONNECTION_STRING:
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;",
    COSMOS_CONNECTION_STRING:
      "AccountEndpoint=https://127.0.0.1:1/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;",
    SERVICEBUS_CONNECTION_STRING:
      "Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=aGVsbG8=",
    WEBPUBSUB_CONNECTION_STRING:
      "Endpoint=http://127.0.0.1:1;AccessKey=ZG9jc2lmdC1sb2NhbC13ZWItcHVic3ViLWtleS0wMDAwMDAwMDAwMDA=;Version=1.0;",
  });
  const deps = createDependencies(config);
  const queueOf = { tasks: config.queues.tasks, events: config.queues.events };
  const received = registrations.flatMap((r) =>
    r.kind === "serviceBusQueue" ? [queueOf[r.source.queue]] : [],
  );
  await deps.close().catch(() => undefined);
  return [
    ...new Set([
      ...sent.map((q) => `${ROLES.serviceBusSender} ${q}`),
      ...received.map((q) => `${ROLES.serviceBusReceiver} ${q}`),
    ]),
  ].sort();
}

describe("the Function App's Service Bus roles follow its code", () => {
  it("sends tasks and job events, receives job events and the tasks' dead letters: exactly what is granted", async () => {
    const needs = await functionAppNeeds();
    expect(needs).toEqual(
      [
        `${ROLES.serviceBusReceiver} ${QUEUES.events}`,
        `${ROLES.serviceBusReceiver} ${QUEUES.tasks}`,
        `${ROLES.serviceBusSender} ${QUEUES.events}`,
        `${ROLES.serviceBusSender} ${QUEUES.tasks}`,
      ].sort(),
    );
    const granted = resourcesOf(json, "azurerm_role_assignment")
      .filter(
        (r) => r.principal_id === FUNC && String(r.role_definition_name).startsWith("Azure Service Bus"),
      )
      .map((r) => {
        const queue = Object.entries(QUEUE_RESOURCE).find(([, id]) => id === r.scope)?.[0] ?? String(r.scope);
        return `${String(r.role_definition_name)} ${queue}`;
      })
      .sort();
    expect(granted).toEqual(needs);
  });
});
