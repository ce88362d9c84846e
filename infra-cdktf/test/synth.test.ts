import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { testConfig } from "./helpers.js";

function synthTo(outdir: string, imageTag: string): Record<string, string> {
  buildApp(testConfig(), { outdir, imageTag }).synth();
  const stacks = readdirSync(path.join(outdir, "stacks")).sort();
  return Object.fromEntries(
    stacks.map((s) => [s, readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8")]),
  );
}

describe("synth", () => {
  it("writes every stack, byte-identical for the same input, in well under a few seconds", () => {
    const started = performance.now();
    const first = synthTo(mkdtempSync(path.join(tmpdir(), "docsift-synth-a-")), "abc123");
    const elapsed = performance.now() - started;
    const second = synthTo(mkdtempSync(path.join(tmpdir(), "docsift-synth-b-")), "abc123");
    expect(Object.keys(first)).toEqual(["azure", "bootstrap", "kubernetes"]);
    expect(second).toEqual(first);
    // Per-resource imports keep this far from the ~6 s a provider root import costs.
    expect(elapsed).toBeLessThan(5_000);
  });

  it("changes only the worker image when the image tag changes", () => {
    const a = synthTo(mkdtempSync(path.join(tmpdir(), "docsift-synth-c-")), "abc123");
    const b = synthTo(mkdtempSync(path.join(tmpdir(), "docsift-synth-d-")), "def456");
    expect(b.azure).toBe(a.azure);
    expect(b.bootstrap).toBe(a.bootstrap);
    expect(b.kubernetes).toBe(a.kubernetes!.replaceAll("docsift-worker:abc123", "docsift-worker:def456"));
    expect(() => buildApp(testConfig(), { outdir: tmpdir(), imageTag: "bad tag;rm" })).toThrow(
      /invalid image tag/,
    );
  });
});
