import net from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP pass-through to a real service that can be cut: while down, open connections are reset
 * and new ones are refused on arrival, which is what a client sees of a service that stopped.
 * It stands between one client and the shared emulator, so an outage hits only the process
 * under test, not the other clients of the stack.
 */
export class OutageProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private isDown = false;

  private constructor(target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client, target));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  static async start(target: { host: string; port: number }): Promise<OutageProxy> {
    const proxy = new OutageProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.isDown) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }

  down(): void {
    this.isDown = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  up(): void {
    this.isDown = false;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
