import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseRollout, type Rollout } from "@docsift/core";
import { parseManifest, type ModelManifest } from "../runtime/manifest.js";
import { sha256File } from "../runtime/sha256.js";

export interface ResolvedModel {
  onnxPath: string;
  manifest: ModelManifest;
}

/** Where models live: `<root>/{name}/{version}/model.onnx|manifest.json` and `<root>/{name}/current`. */
export interface ModelRegistry {
  resolve(name: string, version: string | "current"): Promise<ResolvedModel>;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkSegment(kind: string, value: string): void {
  // Names and versions become path segments: refuse anything that could leave the root.
  if (!SAFE.test(value) || value.includes(".."))
    throw new Error(`invalid model ${kind} ${JSON.stringify(value)}`);
}

/** A registry on a local directory (the committed artifacts, or a mounted volume). */
export class FsModelRegistry implements ModelRegistry {
  constructor(readonly root: string) {}

  async resolve(name: string, version: string | "current"): Promise<ResolvedModel> {
    checkSegment("name", name);
    const resolvedVersion = version === "current" ? await this.current(name) : version;
    checkSegment("version", resolvedVersion);
    const dir = join(this.root, name, resolvedVersion);
    let raw: string;
    try {
      raw = await readFile(join(dir, "manifest.json"), "utf8");
    } catch (err) {
      throw new Error(`model ${name}@${resolvedVersion} not found under ${this.root}`, { cause: err });
    }
    const manifest = parseManifest(JSON.parse(raw), `${name}@${resolvedVersion} manifest`, {
      evaluation: false,
    });
    if (manifest.name !== name || manifest.version !== resolvedVersion) {
      throw new Error(
        `manifest at ${dir} names ${manifest.name}@${manifest.version}, expected ${name}@${resolvedVersion}`,
      );
    }
    return { onnxPath: join(dir, "model.onnx"), manifest };
  }

  async current(name: string): Promise<string> {
    checkSegment("name", name);
    try {
      return (await readFile(join(this.root, name, "current"), "utf8")).trim();
    } catch (err) {
      throw new Error(`model ${name} has no current pointer under ${this.root}`, { cause: err });
    }
  }

  /**
   * The rollout document (`{name}/rollout.json`); without one, just the `current` pointer. The
   * pointer is what older workers and `defaultModelLocation` read, so it always names `current`.
   */
  async rollout(name: string): Promise<Rollout> {
    checkSegment("name", name);
    const file = join(this.root, name, "rollout.json");
    let raw: string | undefined;
    try {
      raw = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (raw === undefined) return { current: await this.current(name), updatedAt: new Date(0).toISOString() };
    const rollout = parseRollout(JSON.parse(raw), file);
    return rollout;
  }

  /** Writes the rollout document, then the `current` pointer; every version it names must exist here. */
  async writeRollout(name: string, rollout: Rollout): Promise<void> {
    for (const version of [rollout.current, rollout.candidate?.version].filter((v) => v !== undefined))
      await this.resolve(name, version);
    await this.replace(join(this.root, name, "rollout.json"), JSON.stringify(rollout, null, 2) + "\n");
    await this.replace(join(this.root, name, "current"), `${rollout.current}\n`);
  }

  /** Write-then-rename so a reader never sees a half-written file. */
  private async replace(file: string, body: string): Promise<void> {
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, file);
  }

  /** Copies a model in after checking its sha256, then optionally moves the current pointer to it. */
  async publish(source: ResolvedModel, opts: { makeCurrent: boolean }): Promise<string> {
    const { name, version, sha256 } = source.manifest;
    checkSegment("name", name);
    checkSegment("version", version);
    const actual = await sha256File(source.onnxPath);
    if (actual !== sha256)
      throw new Error(`refusing to publish ${name}@${version}: sha256 ${actual} ≠ manifest ${sha256}`);
    const dir = join(this.root, name, version);
    await mkdir(dir, { recursive: true });
    await copyFile(source.onnxPath, join(dir, "model.onnx"));
    await writeFile(join(dir, "manifest.json"), JSON.stringify(source.manifest, null, 2) + "\n");
    if (opts.makeCurrent) await this.replace(join(this.root, name, "current"), `${version}\n`);
    return dir;
  }
}
