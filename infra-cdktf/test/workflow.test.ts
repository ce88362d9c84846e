import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "./helpers.js";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflowPath = path.join(repoRoot, ".github/workflows/deploy.yml");
const workflowText = readFileSync(workflowPath, "utf8");
const workflow = parse(workflowText) as {
  jobs: Record<string, Job>;
  permissions: Record<string, string>;
  env: Record<string, string>;
};
const runs = Object.values(workflow.jobs).flatMap((j) =>
  j.steps.map((s) => s.run).filter((r): r is string => !!r),
);

function scriptsOf(dir: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, dir, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  return pkg.scripts ?? {};
}

/** `npm run [--silent] <script> [-w|--workspace[=] <dir>]` calls in a shell snippet. */
export function npmRunCalls(script: string): { script: string; workspace: string | undefined }[] {
  const calls = [];
  for (const line of script.split("\n")) {
    for (const m of line.matchAll(/\bnpm run((?:\s+--?[a-z-]+)*)\s+([a-z][\w:.-]*)([^;&|\n]*)/g)) {
      const rest = `${m[1]} ${m[3]}`;
      const ws = /(?:-w|--workspace)(?:\s+|=)([\w./-]+)/.exec(rest)?.[1];
      calls.push({ script: m[2]!, workspace: ws });
    }
  }
  return calls;
}

describe("deploy workflow", () => {
  it("only calls npm scripts that exist in the named package.json", () => {
    const calls = runs.flatMap(npmRunCalls);
    expect(calls.length).toBeGreaterThan(5);
    for (const call of calls) {
      const dir = call.workspace ?? ".";
      expect(Object.keys(scriptsOf(dir)), `npm run ${call.script} in ${dir}`).toContain(call.script);
    }
    // The scripts the pipeline drives in this workspace.
    expect(calls).toEqual(
      expect.arrayContaining([
        { script: "synth", workspace: "infra-cdktf" },
        { script: "plan", workspace: "infra-cdktf" },
        { script: "apply", workspace: "infra-cdktf" },
      ]),
    );
  });

  it("only runs npx binaries that are installed, or pinned packages", () => {
    for (const run of runs) {
      for (const m of run.matchAll(/\bnpx\s+(--yes\s+)?(\S+)/g)) {
        if (m[1]) {
          expect(m[2], "npx --yes must pin an exact version").toMatch(/^@?[\w/.-]+@\d+\.\d+\.\d+$/);
        } else {
          expect(existsSync(path.join(repoRoot, "node_modules/.bin", m[2]!)), `npx ${m[2]}`).toBe(true);
        }
      }
    }
  });

  it("detects a call to a missing script", () => {
    expect(npmRunCalls('npm run --silent nope -w infra-cdktf -- --env "$X"')).toEqual([
      { script: "nope", workspace: "infra-cdktf" },
    ]);
    expect(Object.keys(scriptsOf("infra-cdktf"))).not.toContain("nope");
  });

  it("authenticates to Azure with OIDC only: no stored secret, id-token only where Azure is used", () => {
    expect(workflowText).not.toMatch(/\$\{\{\s*secrets\./);
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const logsIn = job.steps.some((s) => s.uses?.startsWith("azure/login@"));
      expect(job.permissions?.["id-token"] === "write", name).toBe(logsIn);
      for (const s of job.steps.filter((st) => st.uses?.startsWith("azure/login@"))) {
        expect(Object.keys(s.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
      }
    }
  });

  it("orders test → synth → plan → approval (environment) → apply → image → app → model → worker rollout", () => {
    const { test, synth, plan, deploy } = workflow.jobs;
    expect(test?.needs).toBeUndefined();
    expect(synth?.needs).toBe("test");
    expect(plan?.needs).toBe("synth");
    expect(deploy?.needs).toBe("plan");
    expect(deploy?.environment).toMatch(/inputs\.environment/);
    const names = deploy!.steps.map((s) => s.name ?? s.uses ?? "");
    const at = (prefix: string): number => {
      const i = names.findIndex((n) => n.startsWith(prefix));
      expect(i, prefix).toBeGreaterThanOrEqual(0);
      return i;
    };
    const apply = at("Apply the reviewed Azure plan");
    const image = at("Build and push the worker image");
    const functionApp = at("Deploy the Function App package");
    const pwa = at("Deploy the PWA");
    const model = at("Publish the model");
    const rollout = at("Apply the Kubernetes stack");
    // The order for the steps it names.
    expect(apply).toBeLessThan(image);
    expect(image).toBeLessThan(Math.min(functionApp, pwa));
    expect(Math.max(functionApp, pwa)).toBeLessThan(model);
    // A new worker starts only when its model and the API are deployed (else it crash-loops).
    expect(model).toBeLessThan(rollout);
    // Easy Auth is checked right after the apply that links the Static Web App, before any deploy.
    expect(at("Check that the Function App's Easy Auth trusts the linked Static Web App")).toBe(apply + 1);
  });
});

describe("deploy workflow: least privilege and approvals", () => {
  it("pins every action to a full commit SHA, with the tag it was taken from in a comment", () => {
    const uses = [...workflowText.matchAll(/^\s*-?\s*uses:\s*(.+)$/gm)].map((m) => m[1]!.trim());
    expect(uses.length).toBeGreaterThan(10);
    for (const line of uses) {
      expect(line, line).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
    }
    // The parsed steps agree with the text (no `uses` the regex above missed).
    const parsed = Object.values(workflow.jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(parsed).toHaveLength(uses.length);
  });

  it("runs plan and apply as different identities, each its own environment's variable", () => {
    const { plan, deploy } = workflow.jobs;
    const loginClient = (job: Job) =>
      job.steps.find((s) => s.uses?.startsWith("azure/login@"))?.with?.["client-id"];
    expect(workflow.env.ARM_CLIENT_ID).toBeUndefined();
    expect(plan!.env?.ARM_CLIENT_ID).toBe("${{ vars.AZURE_PLAN_CLIENT_ID }}");
    expect(loginClient(plan!)).toBe(plan!.env?.ARM_CLIENT_ID);
    expect(deploy!.env?.ARM_CLIENT_ID).toBe("${{ vars.AZURE_APPLY_CLIENT_ID }}");
    expect(loginClient(deploy!)).toBe(deploy!.env?.ARM_CLIENT_ID);
    expect(workflowText).not.toMatch(/vars\.AZURE_CLIENT_ID\b/);
    // The apply identity is federated with `<env>` only; the plan runs in `<env>-plan`.
    expect(plan!.environment).toBe("${{ inputs.environment || 'dev' }}-plan");
    expect(deploy!.environment).toBe("${{ inputs.environment || 'dev' }}");
  });

  it("plans without taking the state lease, which the read-only identity cannot take", () => {
    const planRuns = workflow.jobs.plan!.steps.flatMap((s) => (s.run ? [s.run] : []));
    const plans = planRuns.flatMap((r) => r.split("\n")).filter((l) => /npm run plan\b/.test(l));
    expect(plans).toHaveLength(2);
    for (const line of plans) expect(line).toContain("--no-lock");
    expect(workflow.jobs.plan!.steps.map((s) => s.run ?? "").join("\n")).not.toMatch(/npm run apply/);
  });
});

describe("the workflow's test job", () => {
  it("runs the project's CI script, which installs what the tests need, not a bare npm test", () => {
    const steps = workflow.jobs.test!.steps.map((s) => s.run).filter(Boolean);
    expect(steps).toContain("bash .ci/run");
    expect(steps).not.toContain("npm test");
    const ci = readFileSync(path.join(repoRoot, ".ci/run"), "utf8");
    for (const pkg of ["poppler-utils", "chromium", "fonts-dejavu-core"]) expect(ci).toContain(pkg);
    // A hosted runner is not root: the script asks for sudo there.
    expect(ci).toMatch(/sudo/);
  });
});
