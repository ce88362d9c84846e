import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BlobModelStore } from "@docsift/adapters";
import type { createBlobServiceClient } from "@docsift/adapters";
import type { WorkerConfig } from "@docsift/core";
import type { PdfEngine } from "@docsift/extraction";
import { defaultModelLocation, loadKeyInfoModel, parseManifest } from "@docsift/model";
import { warmUpModel } from "./model-warm-up.js";
import type { KeyInfoModel } from "@docsift/model";
import type { Logger } from "pino";

type BlobServiceClient = ReturnType<typeof createBlobServiceClient>;

/**
 * Loads the one model session of this process. "blob": the registry in Blob Storage (the
 * version named, or the one `current` points at), streamed into a local cache and verified by
 * sha256 before use. "bundled": the model committed with the code (local runs, tests).
 * `loadKeyInfoModel` verifies the file against its manifest again before opening a session.
 */
export async function loadModel(
  model: WorkerConfig["model"],
  blobService: BlobServiceClient,
  modelsContainer: string,
  log: Logger,
  warmUp: { pdfEngine: PdfEngine },
  version: string = model.version,
): Promise<KeyInfoModel> {
  const started = performance.now();
  let onnxPath: string;
  let manifestRaw: unknown;
  let source: string;
  if (model.source === "bundled") {
    const location = defaultModelLocation();
    onnxPath = location.onnxPath;
    manifestRaw = JSON.parse(await readFile(location.manifestPath, "utf8"));
    source = location.manifestPath;
  } else {
    const cacheDir = model.cacheDir ?? path.join(os.tmpdir(), "docsift-models");
    const fetched = await new BlobModelStore(blobService, modelsContainer).fetch(
      model.name,
      version,
      cacheDir,
    );
    onnxPath = fetched.onnxPath;
    manifestRaw = fetched.manifest;
    source = `${modelsContainer}/${fetched.name}/${fetched.version}`;
  }
  const manifest = parseManifest(manifestRaw, source, { evaluation: false });
  if (model.source === "bundled" && manifest.name !== model.name)
    log.warn(
      { configured: model.name, bundled: manifest.name },
      "MODEL_NAME differs from the bundled model; using the bundled one",
    );
  const loaded = await loadKeyInfoModel({ onnxPath, manifest, intraOpThreads: model.intraOpThreads });
  const loadMs = Math.round(performance.now() - started);
  // Throw-away extractions before the first job: the featurizer's hot paths get compiled now,
  // not on a user's document, and readiness waits for it.
  const warmStarted = performance.now();
  const warmUpRounds = await warmUpModel(loaded, { pdfEngine: warmUp.pdfEngine });
  log.info(
    {
      model: loaded.ref,
      source: model.source,
      loadMs,
      warmUpMs: Math.round(performance.now() - warmStarted),
      ...warmUpRounds,
    },
    "model loaded",
  );
  return loaded;
}
