import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// Import this first in any test that loads the worker in the test process. The root vitest
// config's resolve conditions reach Node's own require() of CommonJS dependencies, which then
// get an ESM build they cannot use: `long` under @azure/service-bus (`Long.fromNumber is not a
// function`) and `@opentelemetry/api` under prom-client (its ESM build has extension-less
// imports). Seeding require's cache with each package's CommonJS build makes them load as they
// do in an application. A worker started as a child process needs none of this.
const require = createRequire(import.meta.url);

function seedCommonJs(pkg: string, requiredFrom: string, commonJsEntry: string): void {
  const from = createRequire(
    path.join(path.dirname(require.resolve(`${requiredFrom}/package.json`)), "package.json"),
  );
  const resolved = from.resolve(pkg);
  const packageDir =
    resolved.slice(0, resolved.lastIndexOf(`${path.sep}node_modules${path.sep}`) + 1) +
    path.join("node_modules", pkg);
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    name: string;
  };
  if (manifest.name !== pkg) return;
  const cjs = path.join(packageDir, commonJsEntry);
  if (resolved === cjs) return;
  const exports: unknown = from(cjs);
  require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports } as NodeJS.Module;
}

seedCommonJs("long", "@azure/service-bus", "umd/index.js");
seedCommonJs("@opentelemetry/api", "prom-client", "build/src/index.js");
