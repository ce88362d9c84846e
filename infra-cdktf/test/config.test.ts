import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  isoDurationSeconds,
  kedaMessageCount,
  loadEnvironmentConfig,
  parseEnvironmentConfig,
  terminationGracePeriodSeconds,
} from "../src/config.js";
import { buildApp } from "../src/app.js";
import { rawTestConfig, testConfig } from "./helpers.js";

describe("environment configuration", () => {
  it("accepts the test fixture and fills defaults from @docsift/core", () => {
    const c = testConfig();
    expect(c.environment).toBe("test");
    expect(c.worker.modelName).toBe("docsift-kie");
    expect(terminationGracePeriodSeconds(c)).toBe(660);
    expect(kedaMessageCount(c)).toBe(1);
  });

  it("refuses the committed environments until the bootstrap fills in the Entra IDs", () => {
    for (const env of ["dev", "prod"]) {
      expect(() => loadEnvironmentConfig(env)).toThrow(
        /auth\.tenantId[\s\S]*still the placeholder|still the placeholder[\s\S]*auth\.tenantId/,
      );
    }
  });

  it("ships an example environment with fake but well-formed ids that synthesizes offline on a fresh clone", () => {
    const example = loadEnvironmentConfig("example");
    expect(example.environment).toBe("example");
    expect(example.auth.tenantId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const outdir = mkdtempSync(path.join(tmpdir(), "docsift-example-"));
    buildApp(example, { outdir, imageTag: "example" }).synth();
    expect(readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["azure", "bootstrap", "kubernetes"]);
  });

  it("refuses the committed placeholder for the repository the deploy identities trust", () => {
    for (const env of ["dev", "prod"]) {
      expect(() => loadEnvironmentConfig(env)).toThrow(
        /deploy\.githubRepository[\s\S]*still the placeholder|still the placeholder[\s\S]*deploy\.githubRepository/,
      );
    }
    const raw = rawTestConfig();
    (raw.deploy as Record<string, unknown>).githubRepository = "not a repo";
    expect(() => parseEnvironmentConfig(raw)).toThrow(/deploy\.githubRepository/);
  });

  it("rejects a lock longer than Service Bus allows", () => {
    const raw = rawTestConfig();
    (raw.serviceBus as Record<string, unknown>).lockDuration = "PT6M";
    expect(() => parseEnvironmentConfig(raw)).toThrow(/lockDuration is at most PT5M/);
  });

  it("rejects a drain window longer than the job timeout and reports the field", () => {
    expect(() => testConfig({ worker: { drainGraceSeconds: 900 } })).toThrow(/worker\.drainGraceSeconds/);
  });

  it("rejects an alert window Azure Monitor does not offer", () => {
    const raw = rawTestConfig();
    (raw.alerts as Record<string, unknown>).queueAgeMinutes = 10;
    expect(() => parseEnvironmentConfig(raw)).toThrow(/alerts\.queueAgeMinutes/);
  });

  it("names the missing file and a mismatched environment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "docsift-env-"));
    expect(() => loadEnvironmentConfig("qa", dir)).toThrow(/qa\.json does not exist/);
    writeFileSync(path.join(dir, "qa.json"), JSON.stringify(rawTestConfig()));
    expect(() => loadEnvironmentConfig("qa", dir)).toThrow(/declares environment "test", expected "qa"/);
    expect(() => loadEnvironmentConfig("../etc", dir)).toThrow(/invalid environment name/);
  });

  it("refuses Service Bus network rules below Premium and placeholder firewall ranges", () => {
    expect(() => testConfig({ network: { restrictServiceBus: true } })).toThrow(
      /need serviceBus\.sku Premium[\s\S]*→ at network\.restrictServiceBus/,
    );
    expect(() => testConfig({ network: { aksAuthorizedIpRanges: ["203.0.113.0/24"] } })).toThrow(
      /still the placeholder[\s\S]*→ at network\.aksAuthorizedIpRanges/,
    );
    expect(() => testConfig({ network: { allowedIpRanges: ["10.0.0.0/33"] } })).toThrow(
      /network\.allowedIpRanges/,
    );
    expect(testConfig({ network: { aksAuthorizedIpRanges: ["198.18.0.0/15"] } }).network).toMatchObject({
      aksAuthorizedIpRanges: ["198.18.0.0/15"],
      restrictServiceBus: false,
    });
  });

  it("converts Service Bus durations", () => {
    expect(isoDurationSeconds("PT5M")).toBe(300);
    expect(isoDurationSeconds("P1DT1H")).toBe(90_000);
    expect(() => isoDurationSeconds("5m")).toThrow();
  });
});
