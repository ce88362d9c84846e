import { mkdir, readFile, writeFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import { generate } from "selfsigned";

/**
 * One certificate authority per local stack directory, and one server certificate it signs for
 * 127.0.0.1 / localhost. Clients trust the CA explicitly (an https.Agent `ca` for Cosmos, or
 * NODE_EXTRA_CA_CERTS for child processes whose SDKs take no agent); nothing disables TLS checks.
 */
export interface LocalTls {
  caCertFile: string;
  caCertPem: string;
  serverKeyPem: string;
  serverCertPem: string;
}

const FILES = { caKey: "ca.key", caCert: "ca.pem", key: "server.key", cert: "server.pem" } as const;
const VALIDITY_DAYS = 30;

async function readIfValid(dir: string): Promise<LocalTls | undefined> {
  try {
    const [caCertPem, serverKeyPem, serverCertPem] = await Promise.all([
      readFile(path.join(dir, FILES.caCert), "utf8"),
      readFile(path.join(dir, FILES.key), "utf8"),
      readFile(path.join(dir, FILES.cert), "utf8"),
    ]);
    const expires = new Date(new X509Certificate(serverCertPem).validTo).getTime();
    // Renew a day early so a long test run never meets an expiring certificate.
    if (expires - Date.now() < 24 * 3600 * 1000) return undefined;
    return { caCertFile: path.join(dir, FILES.caCert), caCertPem, serverKeyPem, serverCertPem };
  } catch {
    return undefined;
  }
}

export async function ensureLocalTls(dir: string): Promise<LocalTls> {
  const existing = await readIfValid(dir);
  if (existing) return existing;
  await mkdir(dir, { recursive: true });
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + VALIDITY_DAYS * 24 * 3600 * 1000);
  const ca = await generate([{ name: "commonName", value: "docsift local CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  await Promise.all([
    writeFile(path.join(dir, FILES.caKey), ca.private, { mode: 0o600 }),
    writeFile(path.join(dir, FILES.caCert), ca.cert),
    writeFile(path.join(dir, FILES.key), server.private, { mode: 0o600 }),
    writeFile(path.join(dir, FILES.cert), server.cert),
  ]);
  return {
    caCertFile: path.join(dir, FILES.caCert),
    caCertPem: ca.cert,
    serverKeyPem: server.private,
    serverCertPem: server.cert,
  };
}
