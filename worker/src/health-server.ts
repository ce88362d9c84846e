import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface Readiness {
  /** Why the worker is not ready, or undefined when it is. */
  notReadyReason(): string | undefined;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/healthz`: the process answers (liveness; a hung event loop fails it). `/readyz`: the
 * receiver is connected, the model loaded and the worker not draining. `/metrics`: Prometheus.
 */
export async function startHealthServer(
  port: number,
  readiness: Readiness,
  registry: Registry,
  host = "0.0.0.0",
): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (path === "/readyz") {
      const reason = readiness.notReadyReason();
      if (reason) res.writeHead(503, { "content-type": "text/plain" }).end(`not ready: ${reason}\n`);
      else res.writeHead(200, { "content-type": "text/plain" }).end("ready\n");
    } else if (path === "/metrics") {
      registry.metrics().then(
        (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(err)}\n`),
      );
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  // Probes must not keep a draining process alive.
  server.keepAliveTimeout = 1000;
  server.listen(port, host);
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
