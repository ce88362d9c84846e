import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundleInputsDigest, typecheckInputsDigest } from "../scripts/bundle-inputs.js";

let root: string;

async function put(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "docsift-bundle-inputs-"));
  await put("pwa/src/main.ts", "export const a = 1;\n");
  await put("pwa/index.html", "<!doctype html>\n");
  await put("core/src/documents.ts", "export const TYPES = ['pdf'];\n");
  await put("package-lock.json", "{}\n");
  await put("functions/src/app.ts", "export {};\n");
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("the app bundle's inputs", () => {
  it("change with a source of the app or of the core sources it imports", async () => {
    const before = bundleInputsDigest(root);
    await put("core/src/documents.ts", "export const TYPES = ['pdf', 'png'];\n");
    const afterCore = bundleInputsDigest(root);
    expect(afterCore).not.toBe(before);
    await put("pwa/src/new-view.ts", "export {};\n");
    expect(bundleInputsDigest(root)).not.toBe(afterCore);
  });

  it("change when a dependency's locked version does", async () => {
    const before = bundleInputsDigest(root);
    await put("package-lock.json", '{"vite":"7.3.9"}\n');
    expect(bundleInputsDigest(root)).not.toBe(before);
  });

  it("stay the same for a file the app does not read, or a touch without a change", async () => {
    const before = bundleInputsDigest(root);
    await put("functions/src/app.ts", "export const changed = true;\n");
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, "pwa/src/main.ts"), later, later);
    expect(bundleInputsDigest(root)).toBe(before);
  });

  it("tell a renamed file from the same content under its old name", async () => {
    const before = bundleInputsDigest(root);
    await rm(path.join(root, "pwa/src/main.ts"));
    await put("pwa/src/index.ts", "export const a = 1;\n");
    expect(bundleInputsDigest(root)).not.toBe(before);
  });

  it("are a subset of the type-check's, which also reads the tests and the local stack they start", async () => {
    const bundle = bundleInputsDigest(root);
    const typecheck = typecheckInputsDigest(root);
    await put("local/src/stack/stack.ts", "export const started = true;\n");
    expect(bundleInputsDigest(root)).toBe(bundle);
    expect(typecheckInputsDigest(root)).not.toBe(typecheck);
    const withStack = typecheckInputsDigest(root);
    await put("core/src/documents.ts", "export const TYPES = [];\n");
    expect(bundleInputsDigest(root)).not.toBe(bundle);
    expect(typecheckInputsDigest(root)).not.toBe(withStack);
  });
});
