import { isIP } from "node:net";
import { UserIdSchema } from "@docsift/core";
import { z } from "zod";
import { UsageError } from "./errors.js";
import { PRINCIPAL_HEADER, encodePrincipal } from "./principal.js";

export const DEFAULT_API_URL = "http://127.0.0.1:7071";

/** What commander collected for the global options, before any checking. */
export interface RawGlobalOptions {
  api?: string | undefined;
  token?: string | undefined;
  as?: string | undefined;
  role?: string[] | undefined;
  json?: boolean | undefined;
}

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts a forged dev principal may go to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(host);
  return false;
}

const GlobalConfigSchema = z
  .object({
    apiUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. http://127.0.0.1:7071" })
      .transform((u) => new URL(u)),
    token: z.string().trim().min(1, "must not be empty").optional(),
    as: UserIdSchema.optional(),
    roles: z.array(z.string().trim().min(1).max(128)),
    json: z.boolean(),
  })
  .superRefine((c, ctx) => {
    if (c.roles.length > 0 && !c.as)
      ctx.addIssue({ code: "custom", path: ["role"], message: "only applies together with --as <userId>" });
    if (c.as && c.token)
      ctx.addIssue({
        code: "custom",
        path: ["as"],
        message: "use either --token (Azure) or --as (local stack), not both",
      });
    if (c.as && !isLoopbackHost(c.apiUrl.hostname))
      ctx.addIssue({
        code: "custom",
        path: ["as"],
        message: `only for the local stack; ${c.apiUrl.origin} is not a loopback address (use --token there)`,
      });
  });

export interface GlobalConfig {
  apiUrl: URL;
  token: string | undefined;
  as: string | undefined;
  roles: string[];
  json: boolean;
}

const OPTION_NAMES: Record<string, string> = {
  apiUrl: "--api",
  token: "--token",
  as: "--as",
  role: "--role",
  roles: "--role",
};

/** Options win over the environment (DOCSIFT_API_URL, DOCSIFT_TOKEN). */
export function parseGlobalConfig(
  raw: RawGlobalOptions,
  env: Record<string, string | undefined>,
): GlobalConfig {
  const parsed = GlobalConfigSchema.safeParse({
    apiUrl: raw.api ?? (env.DOCSIFT_API_URL || DEFAULT_API_URL),
    token: raw.token ?? (env.DOCSIFT_TOKEN || undefined),
    as: raw.as,
    roles: raw.role ?? [],
    json: raw.json ?? false,
  });
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues
        .map((i) => {
          const key = String(i.path[0] ?? "");
          const source = key === "apiUrl" && !raw.api ? "DOCSIFT_API_URL" : (OPTION_NAMES[key] ?? key);
          return `${source}: ${i.message}`;
        })
        .join("\n"),
    );
  const c = parsed.data;
  return { apiUrl: c.apiUrl, token: c.token, as: c.as, roles: c.roles, json: c.json };
}

/** Headers that say who is calling: a bearer token for Easy Auth, or the dev principal. */
export function authHeaders(config: GlobalConfig): Record<string, string> {
  if (config.token) return { authorization: `Bearer ${config.token}` };
  if (config.as) return { [PRINCIPAL_HEADER]: encodePrincipal(config.as, config.roles) };
  return {};
}
