import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";

/** stderr kept from a poppler tool for the error details; the rest is dropped. */
const MAX_STDERR_CHARS = 2000;

/** One run of a poppler tool. */
export interface ToolRun {
  /** What the tool writes to stdout, as it writes it; not reading it pauses the tool. */
  stdout: AsyncIterable<Buffer>;
  /** Its exit code (null when killed or when it could not start) and the start of its stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  /** Kills the tool (SIGKILL) if it still runs. */
  kill(): void;
}

// Starting a child forks the caller first, and fork's cost grows with the caller's memory: 3.4 ms
// of the worker's main thread at ~240 MB against 0.9 ms for a bare Node process (measured), on a
// job of ~35 ms. So a small long-lived launcher process starts the tools, and each tool writes its
// stdout straight into a socket the worker reads: no copy passes through the launcher. The code is
// evaluated from a string (as the scoring thread's is) so it runs the same compiled and from the
// TypeScript sources. It exits when the worker's IPC channel closes, killing what it started.
const LAUNCHER_SOURCE = `
const { spawn } = require("node:child_process");
const net = require("node:net");
// Where to connect and the token to open with come in the environment (not argv, which any
// process listing shows), and leave it before a tool starts.
const address = process.env.DOCSIFT_POPPLER_ADDRESS;
const token = process.env.DOCSIFT_POPPLER_TOKEN;
delete process.env.DOCSIFT_POPPLER_ADDRESS;
delete process.env.DOCSIFT_POPPLER_TOKEN;
process.title = "docsift-poppler-launcher";
const MAX_STDERR = ${MAX_STDERR_CHARS};
const running = new Map();
function reply(message) {
  if (process.connected) process.send(message);
}
function start(m) {
  const socket = net.connect("\\0" + address);
  let answered = false;
  const done = (message) => {
    if (answered) return;
    answered = true;
    running.delete(m.id);
    reply(Object.assign({ id: m.id }, message));
  };
  socket.on("error", (err) => {
    socket.destroy();
    done({ code: null, started: false, stderr: "launcher could not reach the worker: " + err.message });
  });
  socket.on("connect", () => {
    // The header names the run; the tool's stdout follows on the same connection.
    socket.write(token + " " + m.id + "\\n", () => {
      let child;
      try {
        child = spawn(m.tool, m.args, { stdio: ["ignore", socket, "pipe"] });
      } catch (err) {
        socket.destroy();
        return done({ code: null, started: false, stderr: String(err && err.message) });
      }
      // The tool holds its own copy of the socket; the worker sees the end when the tool exits.
      socket.destroy();
      running.set(m.id, child);
      if (m.killed) child.kill("SIGKILL");
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        if (stderr.length < MAX_STDERR) stderr += chunk.toString("utf8").slice(0, MAX_STDERR - stderr.length);
      });
      child.on("error", (err) => done({ code: null, started: true, stderr: stderr + String(err && err.message) }));
      child.on("close", (code) => done({ code, started: true, stderr }));
    });
  });
  running.set(m.id, { kill: () => (m.killed = true) });
}
process.on("message", (m) => {
  if (m.kill !== undefined) running.get(m.kill)?.kill("SIGKILL");
  else start(m);
});
process.on("disconnect", () => {
  for (const child of running.values()) child.kill("SIGKILL");
  process.exit(0);
});
`;

interface Exit {
  code: number | null;
  stderr: string;
  /** Whether the connection was made: its header went out before the tool started, so it arrives. */
  started: boolean;
}

interface Pending {
  exited(result: Exit): void;
}

/** Header line a connection starts with: "<token> <run id>". */
const MAX_HEADER_BYTES = 128;

/**
 * The launcher process and the socket the tools write to. Neither keeps the worker alive while
 * no run is pending.
 */
class Launcher {
  readonly #pending = new Map<number, Pending>();
  // Awaited connections are kept apart from awaited exits: a tool that fails at once (not found)
  // can report its exit over IPC before its connection is accepted, and that connection must still
  // reach its run, or reading its stdout would wait forever.
  readonly #sockets = new Map<number, { deliver(s: Socket): void; fail(err: Error): void }>();
  #nextId = 1;
  #ended: Error | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly server: Server,
    private readonly token: string,
  ) {}

  static async start(): Promise<Launcher> {
    const address = `docsift-poppler-${randomBytes(12).toString("hex")}`;
    // Anyone in the network namespace may connect to an abstract socket: a connection that does
    // not open with this token is dropped.
    const token = randomBytes(16).toString("hex");
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(`\0${address}`, () => {
        server.off("error", reject);
        resolve();
      });
    });
    // A listening server never needs to keep the process alive: a run's connection does.
    server.unref();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DOCSIFT_POPPLER_ADDRESS: address,
      DOCSIFT_POPPLER_TOKEN: token,
    };
    // The worker's own loaders (tsx under tests) would only slow the launcher's start.
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ["-e", LAUNCHER_SOURCE], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env,
    });
    const launcher = new Launcher(child, server, token);
    server.on("connection", (socket) => launcher.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    }).catch((err: unknown) => {
      server.close();
      throw err;
    });
    child.on("message", (m: Exit & { id: number }) => {
      const run = launcher.#pending.get(m.id);
      if (!run) return;
      launcher.#pending.delete(m.id);
      launcher.#updateRef();
      run.exited(m);
    });
    child.once("exit", (code, signal) =>
      launcher.#fail(new Error(`the poppler launcher exited (${signal ?? code})`)),
    );
    child.once("error", (err) => launcher.#fail(err));
    launcher.#updateRef();
    return launcher;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  run(tool: string, args: readonly string[], signal: AbortSignal): ToolRun {
    const id = this.#nextId++;
    let gotSocket!: (s: Socket) => void;
    let failed!: (err: Error) => void;
    const socket = new Promise<Socket>((resolve, reject) => {
      gotSocket = resolve;
      failed = reject;
    });
    // Awaited by `stdout` only if the caller reads it.
    socket.catch(() => undefined);
    let exitedWith!: (r: { code: number | null; stderr: string }) => void;
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => (exitedWith = resolve));
    let over = false;
    const kill = (): void => {
      if (over) return;
      if (this.child.connected) this.child.send({ kill: id });
      void socket.then(
        (s) => s.destroy(),
        () => undefined,
      );
    };
    this.#sockets.set(id, { deliver: gotSocket, fail: failed });
    this.#pending.set(id, {
      exited: (r) => {
        over = true;
        signal.removeEventListener("abort", kill);
        // A tool that could not start never connects; one that started has (its output may be
        // read after its exit is known, and its connection may arrive after it).
        if (!r.started) {
          this.#sockets.delete(id);
          failed(new Error(r.stderr || `${tool} did not start`));
        }
        exitedWith({ code: r.code, stderr: r.stderr });
      },
    });
    this.#updateRef();
    // Runs only reach a launcher that has not ended (see `currentLauncher`).
    this.child.send({ id, tool, args });
    if (signal.aborted) kill();
    else signal.addEventListener("abort", kill, { once: true });
    return {
      stdout: (async function* () {
        yield* (await socket) as AsyncIterable<Buffer>;
      })(),
      exited,
      kill,
    };
  }

  /** Reads the header and hands the connection to its run, the tool's output still unread. */
  #accept(socket: Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(10);
      if (newline < 0) {
        if (head.length > MAX_HEADER_BYTES) socket.destroy();
        return;
      }
      socket.off("data", onData);
      socket.pause();
      const [token, id] = head.subarray(0, newline).toString("latin1").split(" ");
      const awaited = token === this.token ? this.#sockets.get(Number(id)) : undefined;
      if (!awaited) return void socket.destroy();
      this.#sockets.delete(Number(id));
      this.#updateRef();
      const rest = head.subarray(newline + 1);
      if (rest.length > 0) socket.unshift(rest);
      awaited.deliver(socket);
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  }

  #fail(err: Error): void {
    this.#ended ??= err;
    this.server.close();
    // A run whose connection is still open ends when its tool (killed with the launcher) closes it.
    for (const run of this.#pending.values()) run.exited({ code: null, stderr: err.message, started: false });
    this.#pending.clear();
    for (const awaited of this.#sockets.values()) awaited.fail(err);
    this.#sockets.clear();
  }

  // While a run's exit or connection is awaited, the channel and the server must keep the process
  // alive; otherwise an idle launcher must not.
  #updateRef(): void {
    const busy = this.#pending.size > 0 || this.#sockets.size > 0;
    const channel = this.child.channel as { ref(): void; unref(): void } | null | undefined;
    if (busy) {
      this.child.ref();
      channel?.ref();
      this.server.ref();
    } else {
      this.child.unref();
      channel?.unref();
      this.server.unref();
    }
  }
}

/** Starts the tool directly: where the launcher cannot run (no abstract sockets outside Linux). */
function runDirect(tool: string, args: readonly string[], signal: AbortSignal): ToolRun {
  const child = spawn(tool, args, { stdio: ["ignore", "pipe", "pipe"], signal, killSignal: "SIGKILL" });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS)
      stderr += chunk.toString("utf8").slice(0, MAX_STDERR_CHARS - stderr.length);
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on("close", (code) => resolve({ code, stderr }));
    child.on("error", (err) => resolve({ code: null, stderr: stderr + err.message }));
  });
  return {
    stdout: child.stdout,
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

let launcher: Promise<Launcher | undefined> | undefined;
let launcherWanted = true;

/**
 * Whether poppler tools start through the launcher (the default) or straight from this process.
 * The launcher pays off in a long-lived process whose memory makes each fork slow (the worker);
 * a one-shot command (`docsift extract`) starts a tool once or twice, and starting the launcher
 * first (a Node process, ~60 ms) would only add to it.
 */
export function usePopplerLauncher(wanted: boolean): void {
  launcherWanted = wanted;
}

async function currentLauncher(): Promise<Launcher | undefined> {
  const current = await launcher;
  if (current && !current.ended) return current;
  // First use, or the launcher died (a crash fails only the runs it had): start another.
  launcher =
    process.platform === "linux" ? Launcher.start().catch(() => undefined) : Promise.resolve(undefined);
  return launcher;
}

/** Runs a poppler tool through the launcher (directly where it cannot run); the signal kills it. */
export async function startTool(
  tool: string,
  args: readonly string[],
  signal: AbortSignal,
): Promise<ToolRun> {
  const l = launcherWanted ? await currentLauncher() : undefined;
  return l ? l.run(tool, args, signal) : runDirect(tool, args, signal);
}

/** The launcher's process id, if it runs (for operators' process listings and the tests). */
export async function popplerLauncherPid(): Promise<number | undefined> {
  const l = await launcher;
  return l && !l.ended ? l.pid : undefined;
}
