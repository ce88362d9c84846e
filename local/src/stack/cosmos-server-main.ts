import { readFileSync } from "node:fs";
import { createHttpsServer } from "@vercel/cosmosdb-server";

/**
 * `@vercel/cosmosdb-server` with the stack's own certificate (its bundled one expired in 2021).
 * Usage: cosmos-server-main <host> <port> <keyFile> <certFile>. Prints "ready" when listening.
 */
const [host, port, keyFile, certFile] = process.argv.slice(2);
if (!host || !port || !keyFile || !certFile) {
  console.error("usage: cosmos-server-main <host> <port> <keyFile> <certFile>");
  process.exit(2);
}
// keepAlive: by default the server answers "connection: close", so every request paid a fresh
// TLS handshake; Cosmos DB in Azure keeps connections open.
const server = createHttpsServer({
  key: readFileSync(keyFile),
  cert: readFileSync(certFile),
  keepAlive: true,
  minVersion: "TLSv1.2",
});
server.listen(Number(port), host, () => console.log("ready"));
const shutdown = () => server.close(() => process.exit(0));
process.once("SIGTERM", shutdown).once("SIGINT", shutdown);
