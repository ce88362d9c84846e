import { randomUUID } from "node:crypto";
import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { PROBLEM_CONTENT_TYPE, problem } from "@docsift/core";
import type { Problem } from "@docsift/core";
import { HttpRequest, HttpResponse, InvocationContext } from "@docsift/functions";
import type { FunctionDeps, Registration } from "@docsift/functions";
import type { Logger } from "pino";
import { Router } from "./router.js";
import { serveStatic } from "./static-files.js";
import { invocationLogHandler } from "./invocation-log.js";

function sendProblem(res: ServerResponse, p: Problem): void {
  res.writeHead(p.status, { "content-type": PROBLEM_CONTENT_TYPE });
  res.end(JSON.stringify(p));
}

/** The request's URL, or undefined when its Host header or target cannot make one. */
function requestUrl(req: IncomingMessage, fallbackHost: string): URL | undefined {
  try {
    return new URL(req.url ?? "/", `http://${req.headers.host ?? fallbackHost}`);
  } catch {
    return undefined;
  }
}

const decodes = (pathname: string): boolean => {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
};

export interface HttpHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Routes HTTP requests to the same handlers the Azure Functions host runs, built the way the
 * host builds them with HTTP streaming on: the request body is the socket's stream, never
 * buffered here, and the handler's HttpResponse body is streamed back.
 */
export async function startHttpHost(options: {
  registrations: Registration[];
  deps: FunctionDeps;
  host: string;
  port: number;
  staticRoot?: string;
  logger: Logger;
}): Promise<HttpHost> {
  const router = new Router(options.registrations);
  const handlers = new Map(
    options.registrations
      .filter((r) => r.kind === "http")
      .map((r) => [r.name, (r as Extract<Registration, { kind: "http" }>).handler(options.deps)]),
  );

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req, options.host);
    // A Host header or a request target that is no URL ("Host: a b") is the client's mistake: a
    // 400, never an exception thrown out of the server's request event (that ended the process).
    if (!url)
      return sendProblem(
        res,
        problem("validation-failed", { detail: "The request's Host or path is not valid." }),
      );
    void (async () => {
      if (!router.isApiPath(url.pathname)) {
        if (!decodes(url.pathname))
          return sendProblem(
            res,
            problem("validation-failed", {
              detail: "The path is not valid percent-encoding.",
              instance: url.pathname,
            }),
          );
        if (
          options.staticRoot &&
          (req.method === "GET" || req.method === "HEAD") &&
          (await serveStatic(options.staticRoot, req, res, url.pathname))
        )
          return;
        return sendProblem(res, problem("not-found", { instance: url.pathname }));
      }
      const match = router.match(req.method ?? "GET", url.pathname);
      if (match === undefined)
        return sendProblem(res, problem("not-found", { detail: "No such route.", instance: url.pathname }));
      if (match === "method")
        return sendProblem(res, problem("method-not-allowed", { instance: url.pathname }));

      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const nativeRequest = new Request(url, {
        method: req.method ?? "GET",
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as unknown as ReadableStream, duplex: "half" } : {}),
      } as RequestInit);
      // `nativeRequest` is how the library's own streaming path builds requests.
      const request = new HttpRequest({
        nativeRequest,
        params: match.params,
      } as unknown as ConstructorParameters<typeof HttpRequest>[0]);
      const invocationId = randomUUID();
      const context = new InvocationContext({
        invocationId,
        functionName: match.registration.name,
        logHandler: invocationLogHandler(options.logger, match.registration.name, invocationId),
      });
      const started = performance.now();
      const init = await handlers.get(match.registration.name)!(request, context);
      const response = new HttpResponse(init);
      const outHeaders: Record<string, string> = {};
      response.headers.forEach((v, k) => (outHeaders[k] = v));
      res.writeHead(response.status, outHeaders);
      if (response.body && req.method !== "HEAD") {
        // A body that fails half-way (a stream error, the client gone) ends this response only;
        // .pipe() would leave the error unhandled and take the whole host down.
        pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), res).catch(
          (err: unknown) => options.logger.warn({ err }, "response body failed"),
        );
      } else res.end();
      // A handler that did not read the body (an early 4xx) must not leave the upload hanging.
      if (hasBody && !req.readableEnded) req.resume();
      options.logger.debug(
        { fn: match.registration.name, status: response.status, ms: Math.round(performance.now() - started) },
        "http",
      );
    })().catch((err: unknown) => {
      options.logger.error({ err }, "local host failed to serve a request");
      if (!res.headersSent) sendProblem(res, problem("internal", { detail: "The local host failed." }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
