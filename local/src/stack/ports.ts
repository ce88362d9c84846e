import net from "node:net";

export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
    readonly variable: string,
  ) {
    super(
      `${service} cannot listen on port ${port}: it is already in use. Stop what uses it, or choose another port with ${variable}=<port> (0 picks a free one).`,
    );
    this.name = "PortInUseError";
  }
}

/** Resolves 0 to a free port and checks a fixed one is free, with an error that says what to do. */
export async function claimPort(
  host: string,
  port: number,
  service: string,
  variable: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new PortInUseError(service, port, variable) : err),
    );
    probe.listen(port, host, () => {
      const actual = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(actual));
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what} did not become ready within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`,
  );
}
