import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDefaultKeyInfoModel, type KeyInfoModel } from "../src/index.js";
import { dateOrderFor, detectLanguage } from "../src/candidates/extract.js";
import { FeatureBuffers, featurizePage, headerWords } from "../src/features/featurize.js";
import { FEATURE_SPEC } from "../src/features/spec.js";
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

  it("gives each row's width as the count of its token ids, the rest of the row padding", () => {
    const buffers = new FeatureBuffers();
    let rows = 0;
    for (const [i, seed] of SNAPSHOT_SEEDS.slice(0, 6).entries()) {
      const pages = snapshotPages(seed, i);
      const order = dateOrderFor(detectLanguage(pages[0]!.lines));
      const header = headerWords(pages[0]!);
      for (const page of pages) {
        const f = featurizePage(page, order, header, buffers);
        for (let r = 0; r < f.candidates.length; r++, rows++) {
          const row = f.idx.subarray(r * FEATURE_SPEC.slots, (r + 1) * FEATURE_SPEC.slots);
          const width = f.widths[r] as number;
          expect(row.subarray(0, width).every((id) => id > 0)).toBe(true);
          expect(row.subarray(width).every((id) => id === 0)).toBe(true);
        }
      }
    }
    expect(rows).toBeGreaterThan(300);
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
