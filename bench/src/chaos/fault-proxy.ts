import net from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP pass-through between the apps and one service, through which the chaos run breaks the
 * service as its clients would see it: `down()` resets every open connection and refuses new
 * ones until `up()` (a stopped or restarting service); `dropConnections()` resets the open ones
 * only (a load balancer or NAT forgetting its flows).
 */
export class FaultProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private isDown = false;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Listens on `port` (0: any free one); the target need not be up yet. */
  static async start(target: { host: string; port: number }, port = 0): Promise<FaultProxy> {
    const proxy = new FaultProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(port, target.host, resolve);
    });
    return proxy;
  }

  private accept(client: net.Socket): void {
    if (this.isDown) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }

  dropConnections(): number {
    const open = this.sockets.size;
    for (const socket of this.sockets) socket.resetAndDestroy();
    return open;
  }

  down(): void {
    this.isDown = true;
    this.dropConnections();
  }

  up(): void {
    this.isDown = false;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port free on `host` right now, for a service the proxy will stand in front of. */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
