// npm run model:train — builds the training set, trains, calibrates, exports ONNX and writes the manifest.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { IN_HOUSE_FAMILIES, type InHouseFamily } from "../generator/sources.js";
import { trainModel } from "../train/pipeline.js";
import { artifactsRoot, DEFAULT_MODEL_NAME } from "../runtime/location.js";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "10000" },
    epochs: { type: "string", default: "5" },
    seed: { type: "string", default: "20260101" },
    version: { type: "string", default: "4.1.0" },
    root: { type: "string", default: artifactsRoot() },
    "no-current": { type: "boolean", default: false },
    "label-noise": { type: "string", default: "0.3" },
    recombine: { type: "string", default: "0.5" },
    families: { type: "string", default: IN_HOUSE_FAMILIES.join(",") },
    "calibration-documents": { type: "string", default: "1200" },
    "cross-fit-documents": { type: "string", default: "3000" },
    "cross-fit-epochs": { type: "string", default: "3" },
  },
});

const families = values.families.split(",").filter(Boolean) as InHouseFamily[];
for (const f of families)
  if (!(IN_HOUSE_FAMILIES as readonly string[]).includes(f))
    throw new Error(`unknown family "${f}"; in-house families: ${IN_HOUSE_FAMILIES.join(", ")}`);
const t0 = performance.now();
const run = {
  name: DEFAULT_MODEL_NAME,
  version: values.version,
  seed: Number(values.seed),
  documents: Number(values.documents),
  epochs: Number(values.epochs),
  families,
  labelNoise: Number(values["label-noise"]),
  recombine: Number(values.recombine),
  calibrationDocuments: Number(values["calibration-documents"]),
  // --cross-fit-documents 0 skips the cross-fit (quick experiments).
  crossFit:
    Number(values["cross-fit-documents"]) > 0
      ? { documents: Number(values["cross-fit-documents"]), epochs: Number(values["cross-fit-epochs"]) }
      : undefined,
};
const { onnx, manifest } = trainModel({
  ...run,
  log: (line) => console.log(line),
  command: `npm run model:train -- --documents ${run.documents} --epochs ${run.epochs} --seed ${run.seed} --version ${run.version} --label-noise ${run.labelNoise} --recombine ${run.recombine} --families ${families.join(",")} --calibration-documents ${run.calibrationDocuments} --cross-fit-documents ${run.crossFit?.documents ?? 0} --cross-fit-epochs ${run.crossFit?.epochs ?? 0}`,
});
const dir = join(values.root, manifest.name, manifest.version);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, "model.onnx"), onnx);
await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
if (!values["no-current"])
  await writeFile(join(values.root, manifest.name, "current"), `${manifest.version}\n`);
console.log(
  `wrote ${dir} (${(onnx.byteLength / 1e6).toFixed(2)} MB, sha256 ${manifest.sha256.slice(0, 12)}…) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
