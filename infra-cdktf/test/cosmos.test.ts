import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COSMOS } from "@docsift/core";
import { cosmosContainers } from "../src/azure/cosmos-containers.js";
import { repoRoot, resourcesOf, synthAzure, testConfig } from "./helpers.js";

const adapter = (file: string): string => readFileSync(path.join(repoRoot, "adapters/src", file), "utf8");

/** The repository that queries each container (adapters/src). */
const REPOSITORY_OF = {
  jobs: "cosmos-job-repository.ts",
  deadletters: "cosmos-dead-letter-repository.ts",
  pushSubscriptions: "cosmos-push-subscriptions.ts",
} as const;

/** Fields a repository's SQL filters or sorts on (`c.<field>` in its query strings). */
function queriedFields(source: string): string[] {
  const strings = [...source.matchAll(/"([^"\n]*)"|`([^`]*)`/g)].map((m) => m[1] ?? m[2]!);
  const fields = strings.flatMap((q) => [...q.matchAll(/\bc\.(\w+)/g)].map((m) => m[1]!));
  return [...new Set(fields)].sort();
}

const byName = () =>
  Object.fromEntries(
    resourcesOf(synthAzure().json, "azurerm_cosmosdb_sql_container").map((c) => [String(c.name), c]),
  );

describe("Cosmos DB containers", () => {
  it("creates exactly the containers the app opens: no unused ones", () => {
    const opened = [...adapter("cosmos-client.ts").matchAll(/COSMOS\.containers\.(\w+)\.name/g)].map(
      (m) => COSMOS.containers[m[1] as keyof typeof COSMOS.containers].name,
    );
    expect(opened.length).toBeGreaterThan(0);
    expect(Object.keys(byName()).sort()).toEqual([...new Set(opened)].sort());
    expect(Object.keys(byName())).not.toContain(COSMOS.containers.leases.name);
  });

  it("indexes exactly the paths each container's queries use, plus its partition key", () => {
    const containers = byName();
    for (const [key, file] of Object.entries(REPOSITORY_OF)) {
      const layout = cosmosContainers(testConfig())[key as keyof typeof REPOSITORY_OF];
      const fields = queriedFields(adapter(file)).filter((f) => f !== "id"); // id is always indexed
      expect(fields.length, file).toBeGreaterThan(0);
      const expected = [...new Set([...fields.map((f) => `/${f}/?`), `${layout.partitionKey}/?`])].sort();
      const policy = (containers[layout.name]!.indexing_policy as Record<string, unknown>) ?? {};
      expect(policy.indexing_mode, key).toBe("consistent");
      expect((policy.included_path as { path: string }[]).map((p) => p.path).sort(), key).toEqual(expected);
      expect(policy.excluded_path, key).toEqual([{ path: "/*" }]);
    }
  });

  it("reads the fields the queries use, including ORDER BY and IS_DEFINED", () => {
    expect(queriedFields(adapter("cosmos-job-repository.ts"))).toEqual(
      expect.arrayContaining([
        "createdAt",
        "dispatched",
        "status",
        "submissions",
        "updatedAt",
        "uploadExpiresAt",
      ]),
    );
    expect(queriedFields('query: "SELECT * FROM c WHERE c.a = 1 ORDER BY c.b DESC"')).toEqual(["a", "b"]);
  });

  it("expires results and tombstones in jobs after the configured retention, 30 days by default", () => {
    expect(testConfig().cosmos.jobRetentionDays).toBe(30);
    expect(byName().jobs!.default_ttl).toBe(30 * 86_400);
    const { json } = synthAzure(testConfig({ cosmos: { jobRetentionDays: 7 } }));
    const jobs = resourcesOf(json, "azurerm_cosmosdb_sql_container").find((c) => c.name === "jobs")!;
    expect(jobs.default_ttl).toBe(7 * 86_400);
    // Dead letters and push subscriptions live until removed.
    expect(byName().deadletters!.default_ttl).toBeUndefined();
    expect(byName()["push-subscriptions"]!.default_ttl).toBeUndefined();
  });

  it("refuses a retention that could expire a job whose task is still on the queue", () => {
    expect(() =>
      testConfig({ cosmos: { jobRetentionDays: 1 }, serviceBus: { taskTimeToLive: "P2D" } }),
    ).toThrow(/cosmos\.jobRetentionDays/);
  });
});
