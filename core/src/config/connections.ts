import type { z } from "zod";

/**
 * How a process reaches one Azure service: with its identity against an endpoint (Azure), or
 * with the emulator's well-known key in a connection string (local only).
 */
export type ServiceConnection =
  { kind: "identity"; endpoint: string } | { kind: "connectionString"; connectionString: string };

type Env = Record<string, string | undefined>;

export interface ConnectionVars {
  service: string;
  identityVar: string;
  connectionStringVar: string;
  identityFormat: (v: string) => string | undefined;
}

/** Resolves one service's connection from two mutually exclusive variables, adding issues to ctx. */
export function resolveConnection(
  env: Env,
  vars: ConnectionVars,
  ctx: z.RefinementCtx,
  local: boolean,
): ServiceConnection | undefined {
  const endpoint = env[vars.identityVar];
  const cs = env[vars.connectionStringVar];
  if (endpoint && cs) {
    ctx.addIssue({
      code: "custom",
      path: [vars.connectionStringVar],
      message: `set either ${vars.identityVar} or ${vars.connectionStringVar}, not both`,
    });
    return undefined;
  }
  if (endpoint) {
    const problem = vars.identityFormat(endpoint);
    if (problem) {
      ctx.addIssue({ code: "custom", path: [vars.identityVar], message: problem });
      return undefined;
    }
    return { kind: "identity", endpoint };
  }
  if (cs) {
    if (!local) {
      ctx.addIssue({
        code: "custom",
        path: [vars.connectionStringVar],
        message: `connection strings with keys are for the local stack only; in Azure set ${vars.identityVar} and use managed identity`,
      });
      return undefined;
    }
    return { kind: "connectionString", connectionString: cs };
  }
  ctx.addIssue({
    code: "custom",
    path: [vars.identityVar],
    message: `${vars.service}: set ${vars.identityVar} (Azure) or ${vars.connectionStringVar} (local stack)`,
  });
  return undefined;
}

const httpsUrl = (v: string): string | undefined => {
  try {
    const u = new URL(v);
    return u.protocol === "https:" ? undefined : "must be an https:// URL";
  } catch {
    // The value is not echoed: a connection string pasted here would put its key in the log.
    return "must be a URL";
  }
};

export const STORAGE_VARS: ConnectionVars = {
  service: "Blob Storage",
  identityVar: "STORAGE_ACCOUNT_URL",
  connectionStringVar: "STORAGE_CONNECTION_STRING",
  identityFormat: httpsUrl,
};
export const COSMOS_VARS: ConnectionVars = {
  service: "Cosmos DB",
  identityVar: "COSMOS_ENDPOINT",
  connectionStringVar: "COSMOS_CONNECTION_STRING",
  identityFormat: httpsUrl,
};
export const SERVICEBUS_VARS: ConnectionVars = {
  service: "Service Bus",
  identityVar: "SERVICEBUS_NAMESPACE",
  connectionStringVar: "SERVICEBUS_CONNECTION_STRING",
  identityFormat: (v) =>
    /^[a-z0-9.-]+(:\d+)?$/i.test(v)
      ? undefined
      : `must be a fully qualified namespace like my-ns.servicebus.windows.net`,
};
export const WEBPUBSUB_VARS: ConnectionVars = {
  service: "Web PubSub",
  identityVar: "WEBPUBSUB_ENDPOINT",
  connectionStringVar: "WEBPUBSUB_CONNECTION_STRING",
  identityFormat: httpsUrl,
};
