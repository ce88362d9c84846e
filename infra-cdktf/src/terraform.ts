import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { STACKS, type StackName } from "./app.js";

/**
 * `npm run plan -- --stack <azure|kubernetes>` / `npm run apply -- --stack ...`: plain terraform
 * on the synthesized JSON, so the same commands work after a move to CDK Terrain or HCL.
 */
const COMMANDS = ["plan", "apply"] as const;
type Command = (typeof COMMANDS)[number];

function run(args: string[]): void {
  const result = spawnSync("terraform", args, { stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} exited with ${result.status}`);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { stack: { type: "string" }, outdir: { type: "string" }, "no-lock": { type: "boolean" } },
  });
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command))
    throw new Error(
      `usage: terraform.ts <${COMMANDS.join("|")}> --stack <${STACKS.join("|")}> [--no-lock (plan only)]`,
    );
  const stack = values.stack as StackName;
  if (values["no-lock"] && command !== "plan")
    throw new Error("--no-lock is for plan only: apply writes state");
  if (!STACKS.includes(stack)) throw new Error(`--stack must be one of ${STACKS.join(", ")}`);

  const probe = spawnSync("terraform", ["version"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "terraform is not installed or not on PATH: install Terraform 1.11 (CI uses hashicorp/setup-terraform) and retry",
    );
  }
  const dir = path.resolve(values.outdir ?? "cdktf.out", "stacks", stack);
  if (!existsSync(path.join(dir, "cdk.tf.json"))) {
    throw new Error(`${dir}/cdk.tf.json does not exist: run \`npm run synth -- --env <name>\` first`);
  }
  const chdir = `-chdir=${dir}`;
  run([chdir, "init", "-input=false"]);
  if (command === "plan") {
    // The plan job's identity may read the state blob but not lease it. Without the lock a
    // concurrent apply can change the state under the plan; applying such a plan then fails
    // ("Saved plan is stale") instead of applying it.
    const lock = values["no-lock"] ? ["-lock=false"] : ["-lock-timeout=5m"];
    run([chdir, "plan", "-input=false", ...lock, "-out=tfplan"]);
  } else {
    // Apply only the reviewed plan file, never a fresh plan.
    if (!existsSync(path.join(dir, "tfplan")))
      throw new Error(`${dir}/tfplan does not exist: run plan first`);
    run([chdir, "apply", "-input=false", "-lock-timeout=5m", "tfplan"]);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
