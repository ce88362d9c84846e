import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the Blob endpoint's Put Block / Put Block List, for faults Azurite cannot be
 * made to produce on demand (503s, stalls, counted concurrency). The stack test uploads to Azurite.
 */
export async function startBlockServer(opts: { failFirst?: Map<string, number>; refuseAll?: number } = {}) {
  const staged = new Map<string, Buffer>();
  const attempts = new Map<string, number>();
  const requests: Array<{
    comp: string | null;
    blockid: string | null;
    contentLength: string | undefined;
    headers: http.IncomingHttpHeaders;
  }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let committed: Buffer | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const comp = url.searchParams.get("comp");
    const blockid = url.searchParams.get("blockid");
    requests.push({ comp, blockid, contentLength: req.headers["content-length"], headers: req.headers });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Hold each request a moment so parallel blocks overlap.
      setTimeout(() => {
        inFlight--;
        const body = Buffer.concat(chunks);
        if (opts.refuseAll) {
          res.writeHead(opts.refuseAll, { "content-type": "application/xml" });
          res.end(
            `<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code><Message>Signed expiry time has passed.\nmore</Message></Error>`,
          );
          return;
        }
        if (comp === "block" && blockid) {
          const n = (attempts.get(blockid) ?? 0) + 1;
          attempts.set(blockid, n);
          const failures = opts.failFirst?.get(blockid) ?? 0;
          if (n <= failures) {
            res.writeHead(503, { "retry-after": "0" });
            res.end();
            return;
          }
          staged.set(blockid, body);
          res.writeHead(201);
          res.end();
          return;
        }
        if (comp === "blocklist") {
          const ids = [...body.toString().matchAll(/<Latest>([^<]+)<\/Latest>/g)].map((m) => m[1]!);
          committed = Buffer.concat(ids.map((id) => staged.get(id)!));
          res.writeHead(201);
          res.end();
          return;
        }
        res.writeHead(400);
        res.end();
      }, 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/uploads/u/j?sv=2021-08-06&sp=cw&sig=abc%2B%3D`,
    requests,
    attempts,
    get maxInFlight() {
      return maxInFlight;
    },
    get committed() {
      return committed;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
