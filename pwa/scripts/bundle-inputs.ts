import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Everything the bundle is made of: the app, its static files, the core sources it imports, its
 *  configuration and the locked dependency versions (a Vite or plugin upgrade rebuilds). */
export const BUNDLE_INPUTS = [
  "pwa/src",
  "pwa/public",
  "pwa/index.html",
  "pwa/vite.config.ts",
  "pwa/package.json",
  "core/src",
  "package-lock.json",
];

function files(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((d) => files(root, path.posix.join(entry, d.name)));
}

/**
 * What the type-check reads besides: the service worker's and the tests' programs, which reach
 * into the local stack's sources, and the compiler settings.
 */
export const TYPECHECK_EXTRA_INPUTS = [
  "pwa/test",
  "pwa/scripts",
  "pwa/tsconfig.json",
  "pwa/tsconfig.sw.json",
  "pwa/tsconfig.test.json",
  "local/src",
  "local/test",
  "tsconfig.base.json",
];

/** sha256 over `entries` (files and folders) under the repository root: names and contents, in a fixed order. */
export function inputsDigest(root: string, entries: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of entries.flatMap((entry) => files(root, entry))) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

export const bundleInputsDigest = (root: string): string => inputsDigest(root, BUNDLE_INPUTS);

/** The type-check's inputs: the bundle's (given as their digest, so they are read once) and the rest. */
export const typecheckInputsDigest = (root: string, bundleDigest = bundleInputsDigest(root)): string =>
  createHash("sha256").update(bundleDigest).update(inputsDigest(root, TYPECHECK_EXTRA_INPUTS)).digest("hex");
