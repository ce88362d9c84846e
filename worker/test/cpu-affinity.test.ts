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
  cpusAllowedIn,
  parseCpuList,
  planHelperCpus,
} from "../src/cpu-affinity.js";

const silent = pino({ level: "silent" });

describe("CPU plan for the helpers", () => {
  it("reads the kernel's CPU lists", () => {
    expect(parseCpuList("0-1")).toEqual([0, 1]);
    expect(parseCpuList("0,2-4,7\n")).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList("3")).toEqual([3]);
    for (const bad of ["2-1", "a", "-1", "1-", "1,,2", "1-2-3", ""])
      expect(() => parseCpuList(bad), bad).toThrow(/not a CPU list/);
  });

  it("keeps the helpers off the first CPU only when the CPUs are the process's own", () => {
    expect(planHelperCpus([0, 1], undefined)).toEqual({ cpus: [1] });
    expect(planHelperCpus([4, 5, 6, 7], 4)).toEqual({ cpus: [5, 6, 7] });
    expect(planHelperCpus([0], undefined)).toEqual({ skipped: expect.stringMatching(/one CPU/) });
    // A quota that could not be read (0, NaN) skips rather than guesses.
    expect(planHelperCpus([0, 1], 0)).toHaveProperty("skipped");
    expect(planHelperCpus([0, 1], NaN)).toHaveProperty("skipped");
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

    const write = async (file: string, text: string) => {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    };

    it("reads cgroup v2's cpu.max on the process's cgroup and its parents, the smallest wins", async () => {
      const membership = path.join(root, "v2-cgroup");
      await writeFile(membership, "0::/system.slice/docsift.service\n");
      const v2 = path.join(root, "v2");
      await mkdir(v2);
      expect(await cgroupCpuQuota(v2, membership)).toBeUndefined();
      await write("v2/system.slice/docsift.service/cpu.max", "max 100000\n");
      expect(await cgroupCpuQuota(v2, membership)).toBeUndefined();
      // A systemd CPUQuota= on the unit, below the root.
      await write("v2/system.slice/docsift.service/cpu.max", "150000 100000\n");
      expect(await cgroupCpuQuota(v2, membership)).toBe(1.5);
      // A parent's smaller quota binds the child too.
      await write("v2/system.slice/cpu.max", "100000 100000\n");
      expect(await cgroupCpuQuota(v2, membership)).toBe(1);
      // An unreadable quota counts as none available.
      await write("v2/cpu.max", "lots 100000\n");
      expect(await cgroupCpuQuota(v2, membership)).toBe(0);
    });

    it("reads cgroup v1's CFS files on the cpu hierarchy's path", async () => {
      const membership = path.join(root, "v1-cgroup");
      await writeFile(membership, "9:name=systemd:/\n4:cpuacct,cpu:/kubepods/pod1\n3:cpuset:/\n");
      const v1 = path.join(root, "v1");
      await write("v1/cpu/cpu.cfs_quota_us", "-1\n");
      await write("v1/cpu/cpu.cfs_period_us", "100000\n");
      expect(await cgroupCpuQuota(v1, membership)).toBeUndefined();
      await write("v1/cpu/kubepods/pod1/cpu.cfs_quota_us", "200000\n");
      await write("v1/cpu/kubepods/pod1/cpu.cfs_period_us", "100000\n");
      expect(await cgroupCpuQuota(v1, membership)).toBe(2);
      expect(await cgroupCpuQuota(path.join(root, "missing"), path.join(root, "missing"))).toBeUndefined();
    });
  });
});

// On this machine's kind (Linux, two CPUs, util-linux's taskset): the real threads and processes.
const cpus = process.platform === "linux" ? await allowedCpus() : undefined;
const quota = await cgroupCpuQuota();
const hasTaskset = await new Promise<boolean>((resolve) =>
  spawn("taskset", ["--version"], { stdio: "ignore" })
    .once("error", () => resolve(false))
    .once("exit", (code) => resolve(code === 0)),
);
const canConfine = hasTaskset && cpus !== undefined && "cpus" in planHelperCpus(cpus, quota);

// The tests below skip where the helpers cannot be confined (one CPU, a quota, no taskset). CI
// runs on Linux with two CPUs of its own and util-linux: a skip there would hide that the
// setting went untested.
it.runIf(process.env.CI && process.platform === "linux")(
  "can confine the helpers where CI runs, so no affinity test is skipped",
  () => {
    expect({ hasTaskset, cpus, quota, canConfine }).toMatchObject({ hasTaskset: true, canConfine: true });
  },
);

describe.skipIf(!canConfine)("confining the helpers", () => {
  let model: KeyInfoModel;
  beforeAll(async () => {
    model = await loadDefaultKeyInfoModel();
  });
  afterAll(() => model?.close());

  const allowedOf = async (status: string) => cpusAllowedIn(await readFile(status, "utf8"));

  /** Runs `body` with a helper process to confine (a `sleep`), killed after. */
  const withHelperProcess = async (body: (pid: number) => Promise<void>): Promise<void> => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      await body(child.pid!);
    } finally {
      child.kill();
    }
  };

  /** A logger whose lines are kept, to check what it said. */
  const capturingLog = () => {
    const said: string[] = [];
    return { said, log: pino({ level: "info" }, { write: (line: string) => void said.push(line) }) };
  };

  it("keeps the model's scoring thread and a helper process (with its threads) off the first CPU", async () => {
    const [tid] = model.scoringThreadIds();
    expect(tid).toBeGreaterThan(0);
    // The scoring thread is a thread of this process.
    expect(await readFile(`/proc/self/task/${tid}/comm`, "utf8")).toBeTruthy();
    await withHelperProcess(async (pid) => {
      const kept = await confineHelpers("auto", { threads: [tid!], processes: [pid] }, silent);
      expect(kept).toEqual(cpus!.slice(1));
      expect(await allowedOf(`/proc/self/task/${tid}/status`)).toEqual(cpus!.slice(1));
      expect(await allowedOf(`/proc/${pid}/status`)).toEqual(cpus!.slice(1));
      // The main thread itself is left to run anywhere.
      expect(await allowedOf(`/proc/self/task/${process.pid}/status`)).toEqual(cpus);
    });
  });

  it("changes nothing when switched off, and says so", async () => {
    const { said, log } = capturingLog();
    await withHelperProcess(async (pid) => {
      expect(await confineHelpers("off", { threads: [], processes: [pid] }, log)).toBeUndefined();
      expect(await allowedOf(`/proc/${pid}/status`)).toEqual(cpus);
      expect(said.join("")).toMatch(/HELPER_CPU_AFFINITY=off.*helper threads run on every CPU/);
    });
  });

  it("undoes what it set when one helper cannot be kept, and does not throw", async () => {
    const { said, log } = capturingLog();
    await withHelperProcess(async (pid) => {
      // The first is set, then a thread that does not exist fails (taskset -a on a gone
      // process succeeds with nothing to do, so a thread it is).
      const gone = 2 ** 22 + 12345;
      expect(await confineHelpers("auto", { threads: [pid, gone], processes: [] }, log)).toBeUndefined();
      expect(await allowedOf(`/proc/${pid}/status`)).toEqual(cpus);
      expect(said.join("")).toMatch(/could not keep the helper threads/);
    });
  });
});
