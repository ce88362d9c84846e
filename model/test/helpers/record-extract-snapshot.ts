// Re-records fixtures/extract-snapshot.json after an intended change of candidates, features or the
// default model (a new feature spec or model version): npx tsx --conditions source test/helpers/record-extract-snapshot.ts
import { writeFileSync } from "node:fs";
import { loadDefaultKeyInfoModel } from "../../src/index.js";
import { featureDigest, snapshotPages, SNAPSHOT_SEEDS } from "./featurize-digest.js";

const model = await loadDefaultKeyInfoModel({ intraOpThreads: 1 });
const out = [];
for (const [i, seed] of SNAPSHOT_SEEDS.entries()) {
  const pages = snapshotPages(seed, i);
  const res = await model.extract(pages);
  out.push({ seed, ...featureDigest(pages), documentType: res.documentType, fields: res.fields });
}
await model.close();
writeFileSync(
  new URL("../fixtures/extract-snapshot.json", import.meta.url),
  JSON.stringify(out, null, 2) + "\n",
);
console.log(`recorded ${out.length} documents`);
