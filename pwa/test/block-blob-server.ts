import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Speaks the two Blob operations the PWA uses, as Azure does: Put Block (`comp=block`,
 * `blockid`, ids of one length per blob, 201) and Put Block List (`comp=blocklist`, XML of
 * `<Latest>` ids that must all have been staged, 201). Failures can be scripted per block.
 */
export interface BlockBlobServer {
  url: string;
  /** Committed blobs by path. */
  committed: Map<string, Buffer>;
  /** Every request, in arrival order. */
  log: Array<{ comp: string; blockId?: string; status: number }>;
  maxConcurrent: number;
  /** Per block id: what to do on its next arrivals (a status, or "drop" to cut the connection). */
  script: Map<string, Array<number | "drop">>;
  /** Delay before answering a Put Block, to observe parallelism and cancel mid-flight. */
  delayMs: number;
  inFlight: number;
  close(): Promise<void>;
}

export async function startBlockBlobServer(): Promise<BlockBlobServer> {
  const staged = new Map<string, Map<string, Buffer>>();
  const state: Omit<BlockBlobServer, "url" | "close"> = {
    committed: new Map(),
    log: [],
    maxConcurrent: 0,
    script: new Map(),
    delayMs: 0,
    inFlight: 0,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const comp = url.searchParams.get("comp") ?? "";
    const blockId = url.searchParams.get("blockid") ?? undefined;
    const chunks: Buffer[] = [];
    state.inFlight++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.inFlight);
    const answer = (status: number, body = "") => {
      state.inFlight--;
      state.log.push({ comp, ...(blockId ? { blockId } : {}), status });
      res.writeHead(status, { "content-type": "application/xml" }).end(body);
    };
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const blocks = staged.get(url.pathname) ?? new Map<string, Buffer>();
      staged.set(url.pathname, blocks);
      if (req.method !== "PUT" || !url.searchParams.get("sig"))
        return answer(403, "<Error><Code>AuthenticationFailed</Code></Error>");
      if (comp === "block") {
        const next = blockId ? state.script.get(blockId)?.shift() : undefined;
        if (next === "drop") {
          state.inFlight--;
          state.log.push({ comp, ...(blockId ? { blockId } : {}), status: 0 });
          return req.socket.destroy();
        }
        setTimeout(() => {
          if (res.destroyed) {
            state.inFlight--;
            return;
          }
          if (typeof next === "number") return answer(next);
          if (!blockId) return answer(400, "<Error><Code>InvalidQueryParameterValue</Code></Error>");
          const first = blocks.keys().next().value;
          if (first !== undefined && first.length !== blockId.length)
            return answer(400, "<Error><Code>InvalidBlobOrBlock</Code></Error>");
          blocks.set(blockId, body);
          answer(201);
        }, state.delayMs);
        return;
      }
      if (comp === "blocklist") {
        const ids = [...body.toString("utf8").matchAll(/<Latest>([^<]+)<\/Latest>/g)].map((m) => m[1]!);
        if (!ids.length || ids.some((id) => !blocks.has(id)))
          return answer(400, "<Error><Code>InvalidBlockList</Code></Error>");
        state.committed.set(url.pathname, Buffer.concat(ids.map((id) => blocks.get(id)!)));
        return answer(201);
      }
      answer(400);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/uploads/alice/job-1?sv=2024-11-04&sp=cw&sig=test`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as BlockBlobServer;
}
