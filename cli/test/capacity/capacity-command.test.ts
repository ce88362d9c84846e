import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCaptured } from "../capture.js";

const dir = mkdtempSync(path.join(tmpdir(), "docsift-capacity-"));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const settings = {
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 60,
  activationMessageCount: 0,
  scaleDownStabilizationSeconds: 60,
  scaleDownPodsPerMinute: null,
  drainGraceSeconds: 600,
};

describe("docsift capacity", () => {
  it("evaluates one setting from a file on a trace export and prints the table", async () => {
    const trace = file("trace.csv", "arrival,duration\n0,60\n5,60\n10,300\n");
    const out = await runCaptured([
      "capacity",
      "--trace",
      trace,
      "--settings",
      file("s.json", JSON.stringify(settings)),
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/3 jobs/);
    expect(out.stdout).toMatch(/p95 wait\s+killed\s+pod-hours/);
    expect(out.stdout).toMatch(
      /s\.json\s+poll 15s, cooldown 60s, activation 0, stabilization 60s, no rate limit/,
    );
  });

  it("reads an infra-cdktf environment's scaling and worker sections, and answers JSON with --json", async () => {
    const env = {
      scaling: { ...settings, scaleDownPodsPerMinute: 2, mode: "scaledObject" },
      worker: { drainGraceSeconds: 30 },
    };
    const out = await runCaptured([
      "--json",
      "capacity",
      "--hours",
      "1",
      "--settings",
      file("env.json", JSON.stringify(env)),
    ]);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as {
      rows: Array<{ settings: typeof settings }>;
      trace: { jobs: number };
    };
    expect(report.trace.jobs).toBe(99);
    expect(report.rows[0]!.settings).toMatchObject({ scaleDownPodsPerMinute: 2, drainGraceSeconds: 30 });
  });

  it("names the field a settings file gets wrong, and refuses --trace with --profile", async () => {
    const bad = await runCaptured([
      "capacity",
      "--settings",
      file("bad.json", JSON.stringify({ ...settings, pollingIntervalSeconds: -1 })),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/pollingIntervalSeconds/);
    const both = await runCaptured(["capacity", "--trace", "t.csv", "--profile", "bursty"]);
    expect(both.code).toBe(2);
    const missing = await runCaptured(["capacity", "--trace", path.join(dir, "none.csv")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});
