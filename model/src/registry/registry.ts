import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
    if (opts.makeCurrent) {
      // Write-then-rename so a reader never sees a half-written pointer.
      const tmp = join(this.root, name, `current.${process.pid}.tmp`);
      await writeFile(tmp, `${version}\n`);
      await rename(tmp, join(this.root, name, "current"));
    }
    return dir;
  }
}
