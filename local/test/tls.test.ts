import https from "node:https";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { describe, expect, inject, it } from "vitest";
import { ensureLocalTls } from "../src/tls/local-ca.js";

describe("local TLS", () => {
  it("serves a certificate that the test process trusts through NODE_EXTRA_CA_CERTS", async () => {
    const tls = await ensureLocalTls(inject("tlsDir"));
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(tls.caCertFile);
    const server = https.createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, (_req, res) =>
      res.end("ok"),
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      // global fetch validates against the default store plus NODE_EXTRA_CA_CERTS; no agent given
      const res = await fetch(`https://localhost:${port}/`);
      expect(await res.text()).toBe("ok");
    } finally {
      server.close();
    }
  });

  it("reuses the CA on a second call instead of minting a new one", async () => {
    const a = await ensureLocalTls(inject("tlsDir"));
    const b = await ensureLocalTls(inject("tlsDir"));
    expect(b.caCertPem).toBe(a.caCertPem);
  });
});
