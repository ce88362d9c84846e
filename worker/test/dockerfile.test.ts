import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ignore from "@balena/dockerignore";
import { DockerfileParser } from "dockerfile-ast";
import type { Copy, From, JSONInstruction } from "dockerfile-ast";
import { describe, expect, it } from "vitest";

// The image cannot be built here (no Docker engine). What can be checked without building is:
// every file it copies exists and is not ignored, it runs as a non-root user on Node 22 under an
// init, and it installs and keeps only what the worker needs.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dockerfile = DockerfileParser.parse(readFileSync(path.join(root, "worker/Dockerfile"), "utf8"));
const ignored = ignore().add(readFileSync(path.join(root, "worker/Dockerfile.dockerignore"), "utf8"));
const rootPackage = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  workspaces: string[];
};
const workerPackage = JSON.parse(readFileSync(path.join(root, "worker/package.json"), "utf8")) as {
  main: string;
};

const argDefaults = new Map(
  dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue()]),
);
const expand = (value: string): string =>
  value.replace(/\$\{?([A-Z_]+)\}?/g, (_, name: string) => argDefaults.get(name) ?? `<unset ${name}>`);
const froms: From[] = dockerfile.getFROMs();
const stages = froms.map((f) => f.getBuildStage());
const finalStage = dockerfile
  .getInstructions()
  .filter((i) => i.getRange().start.line >= froms.at(-1)!.getRange().start.line);
const words = (instruction: { getArguments(): { getValue(): string }[] }) =>
  instruction.getArguments().map((a) => a.getValue());
const copies: Copy[] = dockerfile.getCOPYs();
const fromFlag = (copy: Copy) => copy.getFromFlag()?.getValue() ?? undefined;
const runs = dockerfile
  .getInstructions()
  .filter((i) => i.getKeyword() === "RUN")
  .map((i) => words(i).join(" "));

describe("worker/Dockerfile", () => {
  it("builds every stage on Node 22 slim", () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = expand(from.getImage() ?? "");
      expect(image).toMatch(/^node:22(\.\d+)*-[a-z]+-slim$/);
    }
  });

  it("copies only files that exist in the repository and that the build context sends", () => {
    const sources = copies.filter((c) => fromFlag(c) === undefined).flatMap((c) => words(c).slice(0, -1));
    expect(sources.length).toBeGreaterThan(10);
    for (const source of sources) {
      expect(existsSync(path.join(root, source)), `${source} exists`).toBe(true);
      expect(ignored.ignores(source), `${source} is not excluded by Dockerfile.dockerignore`).toBe(false);
    }
  });

  it("ships the warm-up documents beside worker/dist, where the worker looks for them", () => {
    const runtimeCopies = copies.filter((c) => fromFlag(c) === undefined).map((c) => words(c));
    expect(runtimeCopies).toContainEqual(["worker/assets", "worker/assets"]);
    for (const file of ["warm-up.pdf", "warm-up.docx"])
      expect(existsSync(path.join(root, "worker/assets", file)), file).toBe(true);
  });

  it("ships the OCR head beside extraction/dist, where the OCR engine looks for it", () => {
    const runtimeCopies = copies.filter((c) => fromFlag(c) === undefined).map((c) => words(c));
    expect(runtimeCopies).toContainEqual(["extraction/assets", "extraction/assets"]);
    const manifest = JSON.parse(
      readFileSync(path.join(root, "extraction/assets/ocr/latin-head.json"), "utf8"),
    ) as {
      file: string;
    };
    expect(existsSync(path.join(root, "extraction/assets/ocr", manifest.file)), manifest.file).toBe(true);
  });

  it("copies every workspace manifest, so npm ci sees the lockfile's workspace set", () => {
    for (const stage of ["build", "runtime"]) {
      const start = froms.find((f) => f.getBuildStage() === stage)!.getRange().start.line;
      const end = froms.find((f) => f.getRange().start.line > start)?.getRange().start.line ?? Infinity;
      const copied = copies
        .filter(
          (c) =>
            c.getRange().start.line > start && c.getRange().start.line < end && fromFlag(c) === undefined,
        )
        .flatMap((c) => words(c).slice(0, -1));
      for (const ws of rootPackage.workspaces)
        expect(copied, `${stage} copies ${ws}/package.json`).toContain(`${ws}/package.json`);
      expect(copied).toContain("package-lock.json");
    }
  });

  it("builds the runtime projects only: no model training, generator, evaluation or OCR training code in the image", () => {
    const model = JSON.parse(readFileSync(path.join(root, "model/tsconfig.json"), "utf8")) as {
      include: string[];
      references?: { path: string }[];
    };
    expect(model.include).not.toContain("src");
    for (const training of ["train", "generator", "families", "render", "eval", "scripts", "synthetic.ts"])
      expect(
        model.include.some((i) => i === `src/${training}` || i.startsWith(`src/${training}/`)),
        training,
      ).toBe(false);
    expect(model.include).not.toContain("src/onnx/export.ts");
    // The runtime needs the core alone (the training project also reads documents with extraction).
    expect((model.references ?? []).map((r) => r.path)).toEqual(["../core"]);
    // Nor the OCR recogniser head's training (CTC loss, its script and fixtures).
    const extraction = JSON.parse(readFileSync(path.join(root, "extraction/tsconfig.json"), "utf8")) as {
      exclude?: string[];
    };
    expect(extraction.exclude).toContain("src/ocr-training");
  });

  it("takes from the build stage only the output that `tsc -b worker` produces", () => {
    expect(runs.some((r) => /\btsc -b worker\b/.test(r))).toBe(true);
    const references = (ws: string): string[] => {
      const tsconfig = JSON.parse(readFileSync(path.join(root, ws, "tsconfig.json"), "utf8")) as {
        references?: { path: string }[];
      };
      return (tsconfig.references ?? []).map((r) => path.normalize(path.join(ws, r.path)));
    };
    const built = new Set<string>();
    const visit = (ws: string) => {
      if (built.has(ws)) return;
      built.add(ws);
      references(ws).forEach(visit);
    };
    visit("worker");
    const fromBuild = copies.filter((c) => fromFlag(c) !== undefined);
    for (const copy of fromBuild) {
      expect(stages).toContain(fromFlag(copy));
      const [source] = words(copy);
      const ws = /^\/app\/([^/]+)\/dist$/.exec(source ?? "")?.[1];
      expect(ws, `${source} is a workspace's dist`).toBeDefined();
      expect(built.has(ws!), `${ws} is built by tsc -b worker`).toBe(true);
    }
    // Everything the worker runs on is there: each built workspace's dist is copied.
    expect(fromBuild.map((c) => words(c)[0]).sort()).toEqual(
      [...built].map((ws) => `/app/${ws}/dist`).sort(),
    );
  });

  it("installs production dependencies of the worker workspace only, and drops non-Linux ONNX Runtime binaries", () => {
    const install = runs.find((r) => r.includes("--omit=dev"));
    expect(install).toBeDefined();
    expect(install).toMatch(/npm ci\b/);
    expect(install).toMatch(/--workspace @docsift\/worker\b/);
    expect(install).toMatch(/--include-workspace-root=false/);
    expect(install).toMatch(/onnxruntime-node\/bin\/napi-v/);
    expect(install).toMatch(/"\$bin\/darwin"/);
    expect(install).toMatch(/"\$bin\/win32"/);
  });

  it("has poppler-utils and an init process in the runtime image", () => {
    const apt = runs.find((r) => r.includes("apt-get install"));
    expect(apt).toMatch(/\bpoppler-utils\b/);
    expect(apt).toMatch(/\btini\b/);
    // taskset, for HELPER_CPU_AFFINITY.
    expect(apt).toMatch(/\butil-linux\b/);
  });

  it("runs dist/main.js under tini as a non-root user", () => {
    const user = finalStage.filter((i) => i.getKeyword() === "USER").at(-1);
    expect(user).toBeDefined();
    const [uid] = words(user!)[0]!.split(":");
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    const json = (keyword: string) =>
      (finalStage.filter((i) => i.getKeyword() === keyword).at(-1) as JSONInstruction | undefined)
        ?.getJSONStrings()
        .map((s) => s.getJSONValue());
    const entrypoint = json("ENTRYPOINT");
    const cmd = json("CMD");
    expect(entrypoint?.[0]).toBe("/usr/bin/tini");
    expect(cmd).toEqual(["node", `worker/${workerPackage.main}`]);
    expect(workerPackage.main).toBe("dist/main.js");
  });

  it("exposes the health port the worker listens on", () => {
    const exposed = finalStage.filter((i) => i.getKeyword() === "EXPOSE").flatMap(words);
    const env = finalStage.filter((i) => i.getKeyword() === "ENV").flatMap(words);
    expect(exposed).toContain("8080");
    expect(env).toContain("HEALTH_PORT=8080");
  });
});
