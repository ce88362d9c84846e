import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { JobEventSchema } from "@docsift/core";
import type { JobEvent, Notifier, ServiceConnection } from "@docsift/core";
import { azureCredential } from "./credentials.js";

export interface WebPubSubConnection {
  connection: ServiceConnection;
  hub: string;
  /** Local stack only (validated by the functions config): the emulator speaks plain HTTP. */
  allowInsecureConnection: boolean;
}

export function createWebPubSubClient(options: WebPubSubConnection): WebPubSubServiceClient {
  const clientOptions = options.allowInsecureConnection ? { allowInsecureConnection: true } : {};
  return options.connection.kind === "connectionString"
    ? new WebPubSubServiceClient(options.connection.connectionString, options.hub, clientOptions)
    : new WebPubSubServiceClient(options.connection.endpoint, azureCredential(), options.hub, clientOptions);
}

export class WebPubSubNotifier implements Notifier {
  constructor(private readonly client: WebPubSubServiceClient) {}

  async notifyUser(userId: string, event: JobEvent): Promise<void> {
    await this.client.sendToUser(userId, JobEventSchema.parse(event));
  }

  /** A client URL carrying a token for exactly this user, valid for `minutes`. */
  async clientUrl(userId: string, minutes: number): Promise<{ url: string; expiresAt: Date }> {
    const token = await this.client.getClientAccessToken({ userId, expirationTimeInMinutes: minutes });
    return { url: token.url, expiresAt: new Date(Date.now() + minutes * 60_000) };
  }

  async reachable(): Promise<boolean> {
    await this.client.userExists("docsift-health-probe");
    return true;
  }
}
