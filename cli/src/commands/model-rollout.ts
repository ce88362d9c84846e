import { applyRolloutChange, rollbackRollout } from "@docsift/core";
import type { Rollout, RolloutChange } from "@docsift/core";
import type { CommandContext } from "../context.js";
import { CliError, EXIT, UsageError } from "../errors.js";

export interface RegistryOptions {
  /** A registry on a directory (a mounted volume, the local stack, tests). */
  registryDir?: string;
  accountUrl?: string;
  container: string;
  name: string;
}

interface RolloutStore {
  where: string;
  rollout(name: string): Promise<Rollout>;
  writeRollout(name: string, rollout: Rollout): Promise<void>;
}

/**
 * The registry the workers read: a directory (--registry-dir), or Blob Storage by account URL
 * (az login / managed identity) or, for the local stack, STORAGE_CONNECTION_STRING.
 */
async function openRegistry(
  opts: RegistryOptions,
  env: Record<string, string | undefined>,
): Promise<RolloutStore> {
  if (opts.registryDir) {
    const { FsModelRegistry } = await import("@docsift/model");
    const registry = new FsModelRegistry(opts.registryDir);
    return {
      where: opts.registryDir,
      rollout: (name) => registry.rollout(name),
      writeRollout: (name, rollout) => registry.writeRollout(name, rollout),
    };
  }
  const url = opts.accountUrl ?? env.STORAGE_ACCOUNT_URL;
  if (url && !/^https:\/\//.test(url))
    throw new UsageError(`--account-url must be an https:// URL, got "${url}"`);
  const connectionString = env.STORAGE_CONNECTION_STRING;
  if (!url && !connectionString)
    throw new UsageError(
      "say which registry: --registry-dir <dir>, --account-url https://<account>.blob.core.windows.net (or STORAGE_ACCOUNT_URL), or STORAGE_CONNECTION_STRING for the local stack",
    );
  // Loaded here, not with the program: the Azure SDKs would add most of a second to every command's start.
  const { BlobModelStore, createBlobServiceClient } = await import("@docsift/adapters");
  const store = new BlobModelStore(
    createBlobServiceClient(
      url
        ? { kind: "identity", endpoint: url }
        : { kind: "connectionString", connectionString: connectionString! },
    ),
    opts.container,
  );
  return {
    where: opts.container,
    rollout: (name) => store.rollout(name),
    writeRollout: (name, rollout) => store.writeRollout(name, rollout),
  };
}

function describe(name: string, r: Rollout): string {
  const lines = [`${name}: current ${r.current}`];
  if (r.candidate)
    lines.push(
      `  ${r.candidate.mode} ${r.candidate.version} on ${formatShare(r.candidate.share)} of jobs` +
        (r.candidate.mode === "shadow" ? " (users see current's results)" : ""),
    );
  if (r.previous) lines.push(`  rollback goes to ${r.previous}`);
  return lines.join("\n");
}

const formatShare = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/** "10" or "10%" → 0.1. */
export function parsePercent(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  const percent = match ? Number(match[1]) : NaN;
  if (!(percent >= 0 && percent <= 100))
    throw new UsageError(`${flag} must be a percentage from 0 to 100, got "${value}"`);
  return percent / 100;
}

async function change(
  c: CommandContext,
  opts: RegistryOptions,
  next: (r: Rollout) => Rollout,
  verb: string,
): Promise<number> {
  const store = await openRegistry(opts, c.io.env);
  const before = await store.rollout(opts.name);
  let after: Rollout;
  try {
    after = next(before);
    await store.writeRollout(opts.name, after);
  } catch (err) {
    throw new CliError(`${verb}: ${(err as Error).message}`);
  }
  c.print(describe(opts.name, after), { name: opts.name, registry: store.where, ...after });
  return EXIT.ok;
}

/**
 * `promote <version>` makes it current (the old one is kept for rollback); with --canary or
 * --shadow it is tried on that share of jobs first and `current` stays.
 */
export async function modelPromoteCommand(
  c: CommandContext,
  version: string,
  opts: RegistryOptions & { canary?: string; shadow?: string },
): Promise<number> {
  if (opts.canary !== undefined && opts.shadow !== undefined)
    throw new UsageError("--canary and --shadow are two ways to try a version: give one");
  const step: RolloutChange =
    opts.canary !== undefined
      ? { kind: "try", version, mode: "canary", share: parsePercent("--canary", opts.canary) }
      : opts.shadow !== undefined
        ? { kind: "try", version, mode: "shadow", share: parsePercent("--shadow", opts.shadow) }
        : { kind: "promote", version };
  return change(c, opts, (r) => applyRolloutChange(r, step, new Date()), `cannot promote ${version}`);
}

/** Stops a shadow or canary run in progress; with none, moves `current` back to the previous version. */
export async function modelRollbackCommand(c: CommandContext, opts: RegistryOptions): Promise<number> {
  return change(c, opts, (r) => rollbackRollout(r, new Date()), "cannot roll back");
}

export async function modelStatusCommand(c: CommandContext, opts: RegistryOptions): Promise<number> {
  const store = await openRegistry(opts, c.io.env);
  const rollout = await store.rollout(opts.name).catch((err: unknown) => {
    throw new CliError(`cannot read the rollout of ${opts.name}: ${(err as Error).message}`);
  });
  c.print(describe(opts.name, rollout), { name: opts.name, registry: store.where, ...rollout });
  return EXIT.ok;
}
