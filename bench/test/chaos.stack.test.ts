import { describe, expect, it } from "vitest";
import { formatChaosReport, runChaos } from "../src/chaos/run-chaos.js";

// `npm run chaos -- --short` as part of the stack suite: its own local stack (two workers, Cosmos
// DB and Service Bus behind fault proxies), 30 jobs, each fault once. What must hold is checked by
// the run itself and listed as violations; the figures are printed, never asserted (speed is for
// benchmarks).
describe("the pipeline under chaos (short form of npm run chaos)", () => {
  it("ends every job exactly once, with one final event each, nothing stuck and no temp files left", async () => {
    const lines: string[] = [];
    const report = await runChaos({ jobs: 30, short: true, workers: 2, log: (l) => lines.push(l) });
    console.log(formatChaosReport(report));
    expect(report.violations).toEqual([]);
    expect(report.jobs).toBe(30);
    expect(report.completed + Object.values(report.failedByCause).reduce((a, b) => a + b, 0)).toBe(30);
    expect(report.failedByCause.CORRUPT_DOCUMENT).toBe(report.poison);
    // Every fault was injected, and the killed worker came back through the supervisor.
    expect(report.faults.map((f) => f.replace(/^[\d.]+ s /, "").split(" ")[0])).toEqual([
      "kill",
      "Service",
      "Cosmos",
      expect.stringMatching(/^\d+$/),
    ]);
    expect(report.restarts).toBeGreaterThanOrEqual(1);
    // A task the broker lost leaves its job waiting until the recovery sweep sends it again.
    const lost = Number(/then (\d+) tasks lost/.exec(report.faults.join("\n"))?.[1]);
    expect(report.redispatched).toBeGreaterThanOrEqual(lost);
  }, 900_000);
});
