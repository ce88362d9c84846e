import { spawn } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDefaultKeyInfoModel, type KeyInfoModel } from "@docsift/model";
import {
  allowedCpus,
  cgroupCpuQuota,
  confineHelpers,
  parseCpuList,
  planHelperCpus,
} from "../src/cpu-affinity.js";

const silent = pino({ level: "silent" });

describe("CPU plan for the helpers", () => {
  it("reads the kernel's CPU lists", () => {
    expect(parseCpuList("0-1")).toEqual([0, 1]);
    expect(parseCpuList("0,2-4,7\n")).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList("3")).toEqual([3]);
    expect(() => parseCpuList("2-1")).toThrow(/not a CPU list/);
    expect(() => parseCpuList("a")).toThrow(/not a CPU list/);
  });

  it("keeps the helpers off the first CPU only when the CPUs are the process's own", () => {
    expect(planHelperCpus([0, 1], undefined)).toEqual({ cpus: [1] });
    expect(planHelperCpus([4, 5, 6, 7], 4)).toEqual({ cpus: [5, 6, 7] });
    expect(planHelperCpus([0], undefined)).toEqual({ skipped: expect.stringMatching(/one CPU/) });
    // A Kubernetes limit of 2 CPUs on a 16-CPU node without the static CPU manager: shared CPUs.
    expect(planHelperCpus([...Array(16).keys()], 2)).toEqual({
      skipped: expect.stringMatching(/quota of 2 on 16 shared CPUs/),
    });
  });

  describe("cgroup quota", () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), "docsift-cgroup-"));
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it("reads cgroup v2's cpu.max and v1's CFS files", async () => {
      await writeFile(path.join(root, "cpu.max"), "max 100000\n");
      expect(await cgroupCpuQuota(root)).toBeUndefined();
      await writeFile(path.join(root, "cpu.max"), "150000 100000\n");
      expect(await cgroupCpuQuota(root)).toBe(1.5);
      await rm(path.join(root, "cpu.max"));
      await mkdir(path.join(root, "cpu"));
      await writeFile(path.join(root, "cpu", "cpu.cfs_quota_us"), "-1\n");
      await writeFile(path.join(root, "cpu", "cpu.cfs_period_us"), "100000\n");
      expect(await cgroupCpuQuota(root)).toBeUndefined();
      await writeFile(path.join(root, "cpu", "cpu.cfs_quota_us"), "200000\n");
      expect(await cgroupCpuQuota(root)).toBe(2);
      expect(await cgroupCpuQuota(path.join(root, "missing"))).toBeUndefined();
    });
  });
});

// On this machine's kind (Linux, two CPUs, util-linux's taskset): the real threads and processes.
const cpus = process.platform === "linux" ? await allowedCpus() : undefined;
const quota = await cgroupCpuQuota();
const canConfine = cpus !== undefined && "cpus" in planHelperCpus(cpus, quota);

describe.skipIf(!canConfine)("confining the helpers", () => {
  let model: KeyInfoModel;
  beforeAll(async () => {
    model = await loadDefaultKeyInfoModel();
  });
  afterAll(() => model?.close());

  const allowedOf = async (status: string) =>
    parseCpuList(/^Cpus_allowed_list:\s*(.+)$/m.exec(await readFile(status, "utf8"))![1]!);

  it("keeps the model's scoring thread and a helper process (with its threads) off the first CPU", async () => {
    const [tid] = model.scoringThreadIds();
    expect(tid).toBeGreaterThan(0);
    // The scoring thread is a thread of this process.
    expect(await readFile(`/proc/self/task/${tid}/comm`, "utf8")).toBeTruthy();
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      const kept = await confineHelpers("auto", { threads: [tid!], processes: [child.pid!] }, silent);
      expect(kept).toEqual(cpus!.slice(1));
      expect(await allowedOf(`/proc/self/task/${tid}/status`)).toEqual(cpus!.slice(1));
      expect(await allowedOf(`/proc/${child.pid}/status`)).toEqual(cpus!.slice(1));
      // The main thread itself is left to run anywhere.
      expect(await allowedOf(`/proc/self/task/${process.pid}/status`)).toEqual(cpus);
    } finally {
      child.kill();
    }
  });

  it("changes nothing when switched off", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      expect(await confineHelpers("off", { threads: [], processes: [child.pid!] }, silent)).toBeUndefined();
      expect(await allowedOf(`/proc/${child.pid}/status`)).toEqual(cpus);
    } finally {
      child.kill();
    }
  });
});
