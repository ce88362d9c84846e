import { ApiClient } from "./api/client.js";
import { authHeaders } from "./config.js";
import type { GlobalConfig } from "./config.js";
import type { CliIo } from "./io.js";
import { writeLine } from "./io.js";

/** What every command gets: the parsed configuration, its streams, the API, Ctrl-C. */
export class CommandContext {
  private client: ApiClient | undefined;

  constructor(
    readonly io: CliIo,
    readonly config: GlobalConfig,
    readonly signal: AbortSignal,
  ) {}

  api(): ApiClient {
    this.client ??= new ApiClient(this.config.apiUrl, authHeaders(this.config), this.signal);
    return this.client;
  }

  /** The command's answer on stdout: `json` with --json, `human` otherwise. */
  print(human: string | (() => string), json: unknown): void {
    if (this.config.json) writeLine(this.io.stdout, JSON.stringify(json, null, 2));
    else writeLine(this.io.stdout, typeof human === "function" ? human() : human);
  }

  /** Side remarks (progress, what is happening) on stderr, so stdout stays the answer. */
  info(line: string): void {
    writeLine(this.io.stderr, line);
  }
}
