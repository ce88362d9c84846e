// npm run model:publish -- --to <registry root> [--version x.y.z] [--no-current]
// Copies a trained model into a filesystem registry (same layout as the Blob container:
// {name}/{version}/model.onnx + manifest.json, {name}/current) after checking its sha256.
import { parseArgs } from "node:util";
import { FsModelRegistry } from "../registry/registry.js";
import { artifactsRoot, DEFAULT_MODEL_NAME } from "../runtime/location.js";

const { values } = parseArgs({
  options: {
    to: { type: "string" },
    name: { type: "string", default: DEFAULT_MODEL_NAME },
    version: { type: "string", default: "current" },
    "no-current": { type: "boolean", default: false },
  },
});
if (!values.to) {
  console.error(
    "usage: npm run model:publish -- --to <registry root> [--name docsift-kie] [--version x.y.z|current] [--no-current]",
  );
  process.exit(2);
}
const source = await new FsModelRegistry(artifactsRoot()).resolve(values.name, values.version);
const dir = await new FsModelRegistry(values.to).publish(source, { makeCurrent: !values["no-current"] });
console.log(
  `published ${source.manifest.name}@${source.manifest.version} (sha256 ${source.manifest.sha256}) to ${dir}`,
);
