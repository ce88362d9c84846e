import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Rollout } from "@docsift/core";
import type { KeyInfoModel } from "@docsift/model";
import { ModelRollout } from "../src/model-rollout.js";

const log = pino({ level: "silent" });
const SHA = "0".repeat(64);

/**
 * A registry in memory: ModelRollout only opens, names and closes models, so a model here is its
 * version and whether it was closed.
 */
function registry(initial: Rollout, opts: { broken?: string[] } = {}) {
  let doc = initial;
  const closed: string[] = [];
  const loads: string[] = [];
  const source = {
    read: () => Promise.resolve(doc),
    load: (version: string | undefined) => {
      const v = version ?? "configured";
      loads.push(v);
      if (opts.broken?.includes(v)) return Promise.reject(new Error(`${v} does not load`));
      return Promise.resolve({
        ref: { name: "docsift-kie", version: v, sha256: SHA },
        close: () => {
          closed.push(v);
          return Promise.resolve();
        },
      } as unknown as KeyInfoModel);
    },
  };
  return { source, closed, loads, set: (next: Rollout) => (doc = next) };
}

const at = "2026-12-07T00:00:00.000Z";

describe("the worker's models under a rollout", () => {
  it("loads current and the candidate, and routes a canary job by its id", async () => {
    const r = registry({
      current: "1",
      candidate: { version: "2", mode: "canary", share: 1 },
      updatedAt: at,
    });
    const models = await ModelRollout.start(r.source, log);
    const job = models.route("job-a");
    expect(job.serve.model.ref.version).toBe("2");
    expect(job.shadow).toBeUndefined();
    expect(models.current.ref.version).toBe("1");
  });

  it("in shadow mode serves current and leases the candidate for the shadow scoring", async () => {
    const r = registry({
      current: "1",
      candidate: { version: "2", mode: "shadow", share: 1 },
      updatedAt: at,
    });
    const models = await ModelRollout.start(r.source, log);
    const job = models.route("job-a");
    expect(job.serve.model.ref.version).toBe("1");
    expect(job.shadow?.model.ref.version).toBe("2");
  });

  it("serves current alone when the candidate cannot be loaded", async () => {
    const r = registry(
      { current: "1", candidate: { version: "2", mode: "canary", share: 1 }, updatedAt: at },
      { broken: ["2"] },
    );
    const models = await ModelRollout.start(r.source, log);
    expect(models.candidate).toBeUndefined();
    expect(models.route("job-a").serve.model.ref.version).toBe("1");
  });

  it("on a promote, serves the new current and closes the old one once its last job lets go", async () => {
    const r = registry({ current: "1", updatedAt: at });
    const models = await ModelRollout.start(r.source, log);
    const running = models.route("job-a");
    r.set({ current: "2", previous: "1", updatedAt: at });
    await models.refresh();
    expect(models.route("job-b").serve.model.ref.version).toBe("2");
    expect(r.closed).toEqual([]);
    running.serve.release();
    expect(r.closed).toEqual(["1"]);
  });

  it("keeps serving the old current when the promoted version cannot be loaded", async () => {
    const r = registry({ current: "1", updatedAt: at }, { broken: ["3"] });
    const models = await ModelRollout.start(r.source, log);
    r.set({ current: "3", previous: "1", updatedAt: at });
    await models.refresh();
    expect(models.route("job-a").serve.model.ref.version).toBe("1");
    expect(r.closed).toEqual([]);
  });

  it("does not reload anything when only the timestamp changed, and closes everything at the end", async () => {
    const r = registry({
      current: "1",
      candidate: { version: "2", mode: "shadow", share: 0.5 },
      updatedAt: at,
    });
    const models = await ModelRollout.start(r.source, log);
    r.set({ current: "1", candidate: { version: "2", mode: "shadow", share: 0.5 }, updatedAt: "later" });
    await models.refresh();
    expect(r.loads).toEqual(["1", "2"]);
    await models.close();
    expect(r.closed.sort()).toEqual(["1", "2"]);
  });
});
