import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDefaultKeyInfoModel, type KeyInfoModel } from "../src/index.js";
import { FeatureBuffers } from "../src/features/featurize.js";
import { featureDigest, snapshotPages, SNAPSHOT_SEEDS } from "./helpers/featurize-digest.js";

interface SnapshotDoc {
  seed: number;
  candidates: number;
  sha256: string;
  documentType: string;
  fields: unknown;
}

// Recorded with the default model (re-recorded for feature spec v4 / docsift-kie 3.1.0 by
// test/helpers/record-extract-snapshot.ts); a speed-up must leave features, and so fields, identical.
const expected = JSON.parse(
  readFileSync(new URL("./fixtures/extract-snapshot.json", import.meta.url), "utf8"),
) as SnapshotDoc[];

describe("candidate extraction and featurization stay bit-identical", () => {
  let model: KeyInfoModel;
  beforeAll(async () => {
    model = await loadDefaultKeyInfoModel({ intraOpThreads: 1 });
  });
  afterAll(async () => {
    await model?.close();
  });

  it("covers the recorded seeds", () => {
    expect(expected.map((d) => d.seed)).toEqual(SNAPSHOT_SEEDS);
  });

  it.each(SNAPSHOT_SEEDS.map((seed, i) => [seed, i] as const))(
    "seed %i gives the recorded candidates, features and fields",
    async (seed, i) => {
      const want = expected[i] as SnapshotDoc;
      const pages = snapshotPages(seed, i);
      expect(featureDigest(pages)).toEqual({ candidates: want.candidates, sha256: want.sha256 });
      const res = await model.extract(pages);
      expect(res.documentType).toBe(want.documentType);
      expect(res.fields).toEqual(want.fields);
    },
  );

  it("gives the same features in reused buffers, whatever the page before left in them", () => {
    // One set of buffers across all documents: pages of every size follow each other.
    const buffers = new FeatureBuffers();
    for (const [i, seed] of SNAPSHOT_SEEDS.entries()) {
      const want = expected[i] as SnapshotDoc;
      expect(featureDigest(snapshotPages(seed, i), buffers)).toEqual({
        candidates: want.candidates,
        sha256: want.sha256,
      });
    }
  });

  it("gives the same fields in batches of 7 rows, each sent as wide as its widest row", async () => {
    const small = await loadDefaultKeyInfoModel({ intraOpThreads: 1, batchSize: 7 });
    try {
      for (const [i, seed] of SNAPSHOT_SEEDS.slice(0, 4).entries()) {
        const res = await small.extract(snapshotPages(seed, i));
        expect(res.fields).toEqual((expected[i] as SnapshotDoc).fields);
      }
    } finally {
      await small.close();
    }
  });
});
