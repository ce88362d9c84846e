// The app's build as `npm start` and `npm test` run it: type-check (tsc's incremental mode, which
// tracks every file a program reads) and bundle with Vite, skipping the bundle when nothing it
// reads has changed since the last one. A second `npm start` on a built tree then costs seconds,
// not the minute a full Vite build takes on two cores. `--force` always bundles.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleInputsDigest } from "./bundle-inputs.js";

const pwa = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(pwa, "..");
// Beside tsc's incremental files, out of dist (which Vite empties and deployments upload).
const stampFile = path.join(root, "node_modules", ".cache", "docsift-pwa", "bundle-inputs.sha256");

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: pwa, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const bin = (name: string): string => path.join(root, "node_modules", ".bin", name);

for (const project of ["tsconfig.json", "tsconfig.sw.json", "tsconfig.test.json"])
  run(bin("tsc"), ["-p", project]);

const digest = bundleInputsDigest(root);
const previous = existsSync(stampFile) ? readFileSync(stampFile, "utf8").trim() : "";
if (
  !process.argv.includes("--force") &&
  previous === digest &&
  existsSync(path.join(pwa, "dist", "index.html"))
) {
  console.log("pwa: bundle up to date (its inputs are unchanged), not rebuilt");
} else {
  run(bin("vite"), ["build"]);
  // Written last: an interrupted build leaves no stamp and runs again next time.
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${digest}\n`);
}
