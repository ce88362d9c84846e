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
  it("writes every stack, byte-identical for the same input", () => {
    const first = synthTo(mkdtempSync(path.join(tmpdir(), "docsift-synth-a-")), "abc123");
    const second = synthTo(mkdtempSync(path.join(tmpdir(), "docsift-synth-b-")), "abc123");
    expect(Object.keys(first)).toEqual(["azure", "bootstrap", "kubernetes"]);
    expect(second).toEqual(first);
  });

  it("imports providers per resource, never a provider's root (which loads every resource: ~6 s a synth)", () => {
    const src = path.join(import.meta.dirname, "..", "src");
    const rootImports = readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        [...readFileSync(path.join(src, f), "utf8").matchAll(/from "(@cdktf\/provider-[a-z]+)"/g)].map(
          (m) => `${f}: ${m[1]}`,
        ),
      );
    expect(rootImports).toEqual([]);
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
