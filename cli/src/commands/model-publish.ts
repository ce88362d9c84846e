import path from "node:path";
import { BLOB_CONTAINERS, DEFAULT_MODEL_NAME } from "@docsift/core";
import type { ServiceConnection } from "@docsift/core";
import type { CommandContext } from "../context.js";
import { CliError, EXIT, UsageError } from "../errors.js";

export interface ModelPublishOptions {
  accountUrl?: string;
  container: string;
  name: string;
  version: string;
  current: boolean;
}

/**
 * Where to publish: the account URL (signed in with DefaultAzureCredential: az login, the CI's
 * OIDC login, a managed identity) or, for the local stack, STORAGE_CONNECTION_STRING.
 */
function connectionFor(opts: ModelPublishOptions, env: NodeJS.ProcessEnv): ServiceConnection {
  const url = opts.accountUrl ?? env.STORAGE_ACCOUNT_URL;
  if (url) {
    if (!/^https:\/\//.test(url)) throw new UsageError(`--account-url must be an https:// URL, got "${url}"`);
    return { kind: "identity", endpoint: url };
  }
  if (env.STORAGE_CONNECTION_STRING)
    return { kind: "connectionString", connectionString: env.STORAGE_CONNECTION_STRING };
  throw new UsageError(
    "say where to publish: --account-url https://<account>.blob.core.windows.net (or STORAGE_ACCOUNT_URL), or STORAGE_CONNECTION_STRING for the local stack",
  );
}

/**
 * Uploads a committed model to the registry the workers read (`models/{name}/{version}/` and the
 * `{name}/current` pointer), after checking its sha256 against its manifest.
 */
export async function modelPublishCommand(
  c: CommandContext,
  opts: ModelPublishOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const connection = connectionFor(opts, env);
  const { FsModelRegistry, artifactsRoot } = await import("@docsift/model");
  let source;
  try {
    source = await new FsModelRegistry(artifactsRoot()).resolve(opts.name, opts.version);
  } catch (err) {
    throw new CliError(`no committed model ${opts.name}@${opts.version}: ${(err as Error).message}`);
  }
  // Loaded here, not with the program: the Azure SDKs would add most of a second to every command's start.
  const { BlobModelStore, createBlobServiceClient } = await import("@docsift/adapters");
  const store = new BlobModelStore(createBlobServiceClient(connection), opts.container);
  const published = await store.publish(
    { onnxPath: source.onnxPath, manifestPath: path.join(path.dirname(source.onnxPath), "manifest.json") },
    { setCurrent: opts.current },
  );
  c.print(
    `published ${published.name}@${published.version} (sha256 ${source.manifest.sha256}) to ${opts.container}/${published.name}/${published.version}${opts.current ? ", current" : ""}`,
    { ...published, sha256: source.manifest.sha256, container: opts.container, current: opts.current },
  );
  return EXIT.ok;
}

export const MODEL_PUBLISH_DEFAULTS = {
  container: BLOB_CONTAINERS.models,
  name: DEFAULT_MODEL_NAME,
  version: "current",
};
