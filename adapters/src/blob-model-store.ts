import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { BlobServiceClient } from "@azure/storage-blob";
import { z } from "zod";
import { parseRollout, type Rollout } from "@docsift/core";

/** What the store needs of a manifest; the full schema is the model package's. */
const ManifestHeadSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export interface FetchedModel {
  name: string;
  version: string;
  onnxPath: string;
  manifestPath: string;
  manifest: unknown;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The model registry in Blob Storage: `models/{name}/{version}/model.onnx` + `manifest.json`,
 * and `models/{name}/current` holding the version to use. Downloads are streamed into a local
 * cache and verified against the manifest's sha256 before anything uses them.
 */
export class BlobModelStore {
  constructor(
    private readonly service: BlobServiceClient,
    private readonly container: string,
  ) {}

  private blob(name: string) {
    return this.service.getContainerClient(this.container).getBlockBlobClient(name);
  }

  async resolveVersion(name: string, version: string): Promise<string> {
    if (version !== "current") return version;
    const pointer = (await this.blob(`${name}/current`).downloadToBuffer()).toString("utf8").trim();
    if (!/^[0-9A-Za-z.+-]+$/.test(pointer))
      throw new Error(`model ${name}: current pointer "${pointer}" is not a version`);
    return pointer;
  }

  /** The rollout document (`{name}/rollout.json`); without one, just the `current` pointer. */
  async rollout(name: string): Promise<Rollout> {
    let raw: Buffer;
    try {
      raw = await this.blob(`${name}/rollout.json`).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      return { current: await this.resolveVersion(name, "current"), updatedAt: new Date(0).toISOString() };
    }
    return parseRollout(JSON.parse(raw.toString("utf8")), `${this.container}/${name}/rollout.json`);
  }

  /** Writes the rollout document, then the `current` pointer; every version it names must be published. */
  async writeRollout(name: string, rollout: Rollout): Promise<void> {
    for (const version of [rollout.current, rollout.candidate?.version].filter((v) => v !== undefined))
      if (!(await this.blob(`${name}/${version}/manifest.json`).exists()))
        throw new Error(`model ${name}@${version} is not published in ${this.container}`);
    const upload = (blobName: string, body: Buffer, contentType: string) =>
      this.blob(blobName).upload(body, body.length, { blobHTTPHeaders: { blobContentType: contentType } });
    await upload(`${name}/rollout.json`, Buffer.from(JSON.stringify(rollout, null, 2)), "application/json");
    await upload(`${name}/current`, Buffer.from(rollout.current), "text/plain");
  }

  async fetch(name: string, requestedVersion: string, cacheDir: string): Promise<FetchedModel> {
    const version = await this.resolveVersion(name, requestedVersion);
    const dir = path.join(cacheDir, name, version);
    await mkdir(dir, { recursive: true });
    const manifestPath = path.join(dir, "manifest.json");
    const onnxPath = path.join(dir, "model.onnx");
    await this.blob(`${name}/${version}/manifest.json`).downloadToFile(`${manifestPath}.part`);
    await rename(`${manifestPath}.part`, manifestPath);
    const manifest = ManifestHeadSchema.parse(JSON.parse(await readFile(manifestPath, "utf8")));
    const cached = await stat(onnxPath).catch(() => undefined);
    if (!cached || (await sha256File(onnxPath)) !== manifest.sha256) {
      await this.blob(`${name}/${version}/model.onnx`).downloadToFile(`${onnxPath}.part`);
      const actual = await sha256File(`${onnxPath}.part`);
      if (actual !== manifest.sha256) {
        await rm(`${onnxPath}.part`, { force: true });
        throw new Error(
          `model ${name}@${version}: sha256 ${actual} does not match the manifest's ${manifest.sha256}`,
        );
      }
      await rename(`${onnxPath}.part`, onnxPath);
    }
    return { name, version, onnxPath, manifestPath, manifest };
  }

  async publish(
    files: { onnxPath: string; manifestPath: string },
    options: { setCurrent: boolean },
  ): Promise<{ name: string; version: string }> {
    const manifest = ManifestHeadSchema.parse(JSON.parse(await readFile(files.manifestPath, "utf8")));
    const actual = await sha256File(files.onnxPath);
    if (actual !== manifest.sha256)
      throw new Error(
        `refusing to publish: model.onnx sha256 ${actual} differs from manifest ${manifest.sha256}`,
      );
    await this.service.getContainerClient(this.container).createIfNotExists();
    const prefix = `${manifest.name}/${manifest.version}`;
    await this.blob(`${prefix}/model.onnx`).uploadFile(files.onnxPath, {
      blobHTTPHeaders: { blobContentType: "application/octet-stream" },
    });
    // The manifest goes last: a reader that sees it can trust the model next to it is complete.
    await this.blob(`${prefix}/manifest.json`).uploadFile(files.manifestPath, {
      blobHTTPHeaders: { blobContentType: "application/json" },
    });
    if (options.setCurrent) {
      const body = Buffer.from(manifest.version);
      await this.blob(`${manifest.name}/current`).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: "text/plain" },
      });
    }
    return { name: manifest.name, version: manifest.version };
  }
}
