import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured } from "./capture.js";

// What the CLI puts on the wire for each way of signing in, seen by a plain HTTP listener.
let server: http.Server;
let url: string;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ items: [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("identity on the wire", () => {
  it("sends a bearer token from --token, and none of the dev principal", async () => {
    expect((await runCaptured(["--api", url, "--token", "eyJ.token", "list"])).code).toBe(0);
    expect(seen.at(-1)?.authorization).toBe("Bearer eyJ.token");
    expect(seen.at(-1)?.["x-ms-client-principal"]).toBeUndefined();
  });

  it("takes the token from DOCSIFT_TOKEN", async () => {
    expect((await runCaptured(["list"], { DOCSIFT_API_URL: url, DOCSIFT_TOKEN: "from-env" })).code).toBe(0);
    expect(seen.at(-1)?.authorization).toBe("Bearer from-env");
  });

  it("sends the dev principal with its roles for --as against a loopback API", async () => {
    expect(
      (
        await runCaptured([
          "--api",
          url.replace("127.0.0.1", "localhost"),
          "--as",
          "oncall",
          "--role",
          "docsift.admin",
          "--role",
          "x",
          "list",
        ])
      ).code,
    ).toBe(0);
    const principal = JSON.parse(
      Buffer.from(String(seen.at(-1)?.["x-ms-client-principal"]), "base64").toString(),
    );
    expect(
      principal.claims.filter((c: { typ: string }) => c.typ === "roles").map((c: { val: string }) => c.val),
    ).toEqual(["docsift.admin", "x"]);
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it("reports an answer that breaks the contract instead of printing garbage", async () => {
    const r = await runCaptured(["--api", url, "status", "0f8fad5b-d9cb-469f-a165-70867728950e"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^The API's answer to GET \/api\/jobs\/0f8fad5b-d9cb-469f-a165-70867728950e does not match the contract this CLI knows: /,
    );
  });
});
