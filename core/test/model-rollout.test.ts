import { describe, expect, it } from "vitest";
import {
  applyRolloutChange,
  compareFields,
  parseRollout,
  rollbackRollout,
  rolloutDraw,
  routeJob,
  type Rollout,
} from "../src/index.js";

const NOW = new Date("2026-12-07T12:00:00Z");
const base: Rollout = { current: "4.1.0", updatedAt: "2026-12-01T00:00:00.000Z" };
const jobIds = Array.from({ length: 2000 }, (_, i) => `job-${i}`);

describe("which model a job gets", () => {
  it("draws the same number for the same job id every time, within [0, 1)", () => {
    for (const id of jobIds.slice(0, 50)) {
      expect(rolloutDraw(id)).toBe(rolloutDraw(id));
      expect(rolloutDraw(id)).toBeGreaterThanOrEqual(0);
      expect(rolloutDraw(id)).toBeLessThan(1);
    }
  });

  it("serves about the canary share of jobs with the candidate", () => {
    const rollout = applyRolloutChange(
      base,
      { kind: "try", version: "4.2.0", mode: "canary", share: 0.1 },
      NOW,
    );
    const served = jobIds.filter((id) => routeJob(rollout, id).serve === "4.2.0").length;
    expect(served / jobIds.length).toBeGreaterThan(0.07);
    expect(served / jobIds.length).toBeLessThan(0.13);
    expect(jobIds.every((id) => routeJob(rollout, id).shadow === undefined)).toBe(true);
  });

  it("in shadow mode always serves current and names the candidate for the share", () => {
    const rollout = applyRolloutChange(
      base,
      { kind: "try", version: "4.2.0", mode: "shadow", share: 0.5 },
      NOW,
    );
    const routes = jobIds.map((id) => routeJob(rollout, id));
    expect(routes.every((r) => r.serve === "4.1.0")).toBe(true);
    const shadowed = routes.filter((r) => r.shadow === "4.2.0").length / routes.length;
    expect(shadowed).toBeGreaterThan(0.45);
    expect(shadowed).toBeLessThan(0.55);
  });

  it("gives every job to the candidate at share 1 and none at share 0", () => {
    const all = applyRolloutChange(base, { kind: "try", version: "4.2.0", mode: "canary", share: 1 }, NOW);
    const none = applyRolloutChange(base, { kind: "try", version: "4.2.0", mode: "canary", share: 0 }, NOW);
    expect(jobIds.every((id) => routeJob(all, id).serve === "4.2.0")).toBe(true);
    expect(jobIds.every((id) => routeJob(none, id).serve === "4.1.0")).toBe(true);
  });

  it("without a candidate serves current", () => {
    expect(routeJob(base, "job-1")).toEqual({ serve: "4.1.0" });
  });
});

describe("whether two results agree, per field", () => {
  const field = (value: string, confidence = 0.9) => ({ value, confidence, page: 1, sourceText: value });

  it("agrees on the same value whatever the confidence, and on a field both left out", () => {
    expect(
      compareFields({ invoiceNumber: field("A-1", 0.9) }, { invoiceNumber: field("A-1", 0.4) }, [
        "invoiceNumber",
        "iban",
      ]),
    ).toEqual({ invoiceNumber: "agree", iban: "agree" });
  });

  it("disagrees on another value, or on a field only one of them found", () => {
    expect(
      compareFields(
        { totalAmount: field("100.00"), dueDate: field("2026-01-31") },
        { totalAmount: field("110.00") },
        ["totalAmount", "dueDate"],
      ),
    ).toEqual({ totalAmount: "disagree", dueDate: "disagree" });
  });
});

describe("promote and rollback", () => {
  it("a canary run keeps current, and promoting the candidate moves current and remembers the old one", () => {
    const canary = applyRolloutChange(
      base,
      { kind: "try", version: "4.2.0", mode: "canary", share: 0.1 },
      NOW,
    );
    expect(canary).toMatchObject({
      current: "4.1.0",
      candidate: { version: "4.2.0", mode: "canary", share: 0.1 },
    });
    const promoted = applyRolloutChange(canary, { kind: "promote", version: "4.2.0" }, NOW);
    expect(promoted).toEqual({ current: "4.2.0", previous: "4.1.0", updatedAt: NOW.toISOString() });
  });

  it("rollback first stops a run in progress, then goes back to the previous current", () => {
    const promoted = applyRolloutChange(base, { kind: "promote", version: "4.2.0" }, NOW);
    const trying = applyRolloutChange(
      promoted,
      { kind: "try", version: "4.3.0", mode: "shadow", share: 1 },
      NOW,
    );
    const stopped = rollbackRollout(trying, NOW);
    expect(stopped).toMatchObject({ current: "4.2.0", previous: "4.1.0" });
    expect(stopped.candidate).toBeUndefined();
    expect(rollbackRollout(stopped, NOW)).toEqual({ current: "4.1.0", updatedAt: NOW.toISOString() });
  });

  it("refuses a rollback with nowhere to go and a trial of the current version", () => {
    expect(() => rollbackRollout(base, NOW)).toThrow(/no version before 4.1.0/);
    expect(() =>
      applyRolloutChange(base, { kind: "try", version: "4.1.0", mode: "canary", share: 0.5 }, NOW),
    ).toThrow(/already current/);
  });

  it("refuses a rollout document with a share outside 0–1 or a version that is a path", () => {
    expect(() =>
      parseRollout({ ...base, candidate: { version: "4.2.0", mode: "canary", share: 10 } }, "rollout.json"),
    ).toThrow(/rollout.json is not a rollout document/);
    expect(() => parseRollout({ ...base, current: "../etc" }, "rollout.json")).toThrow(/not a model version/);
  });
});
