import {
  BlobDocumentStore,
  CosmosDeadLetterRepository,
  CosmosJobRepository,
  CosmosPushSubscriptionRepository,
  ServiceBusEventPublisher,
  ServiceBusTaskQueue,
  WebPubSubNotifier,
  cosmosContainers,
  createCosmosClient,
  createServiceBusClient,
  createWebPubSubClient,
} from "@docsift/adapters";
import { systemClock } from "@docsift/core";
import type {
  Clock,
  DeadLetterRepository,
  DocumentStore,
  EventPublisher,
  FunctionsConfig,
  JobRepository,
  Notifier,
  PushSubscriptionRepository,
  TaskQueue,
} from "@docsift/core";
import pino from "pino";
import type { Logger } from "pino";
import { WebPushSender } from "./events/web-push.js";

export interface RealtimeGateway extends Notifier {
  clientUrl(userId: string, minutes: number): Promise<{ url: string; expiresAt: Date }>;
}

export type HealthCheck = () => Promise<void>;

/** Everything a handler may use, built once per process from validated configuration. */
export interface FunctionDeps {
  config: FunctionsConfig;
  jobs: JobRepository;
  deadLetters: DeadLetterRepository;
  documents: DocumentStore;
  tasks: TaskQueue;
  events: EventPublisher;
  realtime: RealtimeGateway;
  pushSubscriptions: PushSubscriptionRepository;
  /** Present only when VAPID keys are configured: Web Push is optional. */
  webPush?: WebPushSender;
  clock: Clock;
  logger: Logger;
  healthChecks: Record<string, HealthCheck>;
  close(): Promise<void>;
}

export function createDependencies(
  config: FunctionsConfig,
  logger: Logger = pino({ level: config.logLevel }),
): FunctionDeps {
  const cosmos = createCosmosClient(config.cosmos);
  const containers = cosmosContainers(cosmos, config.cosmos.database);
  const serviceBus = createServiceBusClient(config.serviceBus);
  const documents = BlobDocumentStore.fromConnection(config.storage);
  const tasks = new ServiceBusTaskQueue(serviceBus, config.queues.tasks);
  const events = new ServiceBusEventPublisher(serviceBus, config.queues.events);
  const realtime = new WebPubSubNotifier(
    createWebPubSubClient({
      connection: config.webPubSub,
      hub: config.webPubSub.hub,
      allowInsecureConnection: config.webPubSub.allowInsecureConnection,
    }),
  );
  const pushSubscriptions = new CosmosPushSubscriptionRepository(containers.pushSubscriptions);
  return {
    config,
    jobs: new CosmosJobRepository(containers.jobs),
    pushSubscriptions,
    ...(config.webPush
      ? {
          webPush: new WebPushSender({
            vapid: config.webPush,
            subscriptions: pushSubscriptions,
            logger: logger.child({ component: "web-push" }),
          }),
        }
      : {}),
    deadLetters: new CosmosDeadLetterRepository(containers.deadletters),
    documents,
    tasks,
    events,
    realtime,
    clock: systemClock,
    logger,
    healthChecks: {
      cosmos: async () => void (await containers.jobs.read()),
      blob: async () => void (await documents.properties(config.containers.uploads, "health-probe")),
      webPubSub: async () => void (await realtime.reachable()),
    },
    async close() {
      await Promise.allSettled([tasks.close(), events.close()]);
      await serviceBus.close();
      cosmos.dispose();
    },
  };
}
