import path from "node:path";
import { createRequire } from "node:module";

// Import this first in any test that loads @azure/service-bus in the test process. The root
// vitest config runs workers with `--conditions import`, under which the SDK's CommonJS
// require("long") gets long's ESM namespace (`Long.fromNumber is not a function`). Seeding the
// require cache with long's CommonJS build makes the SDK run as it does in an application.
// (Same fix as local/test/servicebus.test.ts; a worker started as a child process needs none.)
const require = createRequire(import.meta.url);
const serviceBusDir = path.dirname(require.resolve("@azure/service-bus/package.json"));
const requireFromSdk = createRequire(path.join(serviceBusDir, "package.json"));
const longResolved = requireFromSdk.resolve("long");
if (!longResolved.includes(`${path.sep}umd${path.sep}`)) {
  const umd: unknown = requireFromSdk(path.join(path.dirname(longResolved), "umd", "index.js"));
  require.cache[longResolved] = {
    id: longResolved,
    filename: longResolved,
    loaded: true,
    exports: umd,
  } as NodeJS.Module;
}
