import { readFile, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLargeDocx, writeLargePdf } from "@docsift/extraction/testing";
import { ChildWorker } from "./helpers/child-worker.js";
import { Harness } from "./helpers/harness.js";

// 100 MB documents end to end through a worker process: download from Azurite to a temp file,
// extraction page by page, inference. The peak RSS of the worker process is printed (the goal
// is ≤ 300 MB; timing and memory are reported, not asserted: this machine is shared).
const TARGET_BYTES = 100 * 1000 * 1000;

let harness: Harness;
let dir: string;
let worker: ChildWorker;

beforeAll(async () => {
  harness = await Harness.start({ lockDurationMs: 60_000 });
  dir = await mkdtemp(path.join(os.tmpdir(), "worker-large-"));
  worker = new ChildWorker({ ...harness.env, LOG_LEVEL: "info", TEMP_DIR: path.join(dir, "tmp") });
  await worker.waitForLog("worker ready");
});

afterAll(async () => {
  await worker?.stop();
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Peak resident set of a process so far (Linux VmHWM), in MiB. */
async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kib / 1024);
}

describe("100 MB documents", () => {
  for (const kind of ["pdf", "docx"] as const) {
    it(`processes a 100 MB ${kind.toUpperCase()} end to end`, async () => {
      const file = path.join(dir, `large.${kind}`);
      const written =
        kind === "pdf" ? await writeLargePdf(file, TARGET_BYTES) : await writeLargeDocx(file, TARGET_BYTES);
      const { size } = await stat(file);
      expect(size).toBeGreaterThan(0.9 * TARGET_BYTES);
      const { job } = await harness.submitFile(file, kind);
      const done = await harness.waitForStatus(job.id, ["COMPLETED", "FAILED"], 150_000);
      expect(done.error).toBeUndefined();
      expect(done.status).toBe("COMPLETED");
      const result = done.result!;
      expect(result.pages).toBeGreaterThanOrEqual(written.textPages);
      expect(result.characters).toBeGreaterThan(1000);
      const peak = await peakRssMiB(worker.pid);
      const mb = size / 1e6;
      console.log(
        `[worker] 100 MB ${kind}: ${mb.toFixed(1)} MB, ${result.pages} pages, ` +
          `download ${Math.round(result.timings.downloadMs)} ms, extract ${Math.round(result.timings.extractMs)} ms, ` +
          `infer ${Math.round(result.timings.inferMs)} ms, total ${Math.round(result.timings.totalMs)} ms ` +
          `(${(mb / (result.timings.totalMs / 1000)).toFixed(1)} MB/s); worker peak RSS so far ${peak} MiB`,
      );
      await rm(file);
    });
  }
});
