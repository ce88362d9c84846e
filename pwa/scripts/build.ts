// The app's build as `npm start` and `npm test` run it: type-check (three tsc programs, also
// incremental) and bundle with Vite, each skipped when nothing it reads has changed since it last
// passed. A second `npm start` on a built tree then costs seconds, not the minute a full Vite
// build and type-check take on two cores. `--force` always runs both.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleInputsDigest, typecheckInputsDigest } from "./bundle-inputs.js";

const pwa = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(pwa, "..");
// Beside tsc's incremental files, out of dist (which Vite empties and deployments upload).
const stamps = path.join(root, "node_modules", ".cache", "docsift-pwa");
const force = process.argv.includes("--force");

/** Runs `step` unless the inputs' digest is the one recorded after it last passed. */
function unlessUnchanged(name: string, digest: string, step: () => void, outputPresent = true): void {
  const stamp = path.join(stamps, `${name}-inputs.sha256`);
  const previous = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : "";
  if (!force && outputPresent && previous === digest) {
    console.log(`pwa: ${name} up to date (its inputs are unchanged), skipped`);
    return;
  }
  step();
  // Written last: an interrupted or failed step leaves no stamp and runs again next time.
  mkdirSync(stamps, { recursive: true });
  writeFileSync(stamp, `${digest}\n`);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: pwa, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const bin = (name: string): string => path.join(root, "node_modules", ".bin", name);

const bundleDigest = bundleInputsDigest(root);
unlessUnchanged("type-check", typecheckInputsDigest(root, bundleDigest), () => {
  for (const project of ["tsconfig.json", "tsconfig.sw.json", "tsconfig.test.json"])
    run(bin("tsc"), ["-p", project]);
});
unlessUnchanged(
  "bundle",
  bundleDigest,
  () => run(bin("vite"), ["build"]),
  existsSync(path.join(pwa, "dist", "index.html")),
);
