import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Logger } from "pino";

const run = promisify(execFile);

/** "0-1,4" → [0, 1, 4] (the kernel's CPU list format, as in /proc/self/status). */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    const bounds = part.split("-");
    const [from, to = from] = bounds.map((b) => (/^\d+$/.test(b) ? Number(b) : NaN));
    if (bounds.length > 2 || !Number.isInteger(from) || !Number.isInteger(to) || to! < from!)
      throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    for (let cpu = from!; cpu <= to!; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/**
 * The CPUs a job's helpers (the model's scoring thread, the poppler launcher and the tools it
 * starts) are kept to, or why not. A job's main thread reads pages and featurizes them while
 * pdftohtml writes pages and ONNX Runtime scores batches: with the helpers on every CPU but the
 * first, the first is left to the main thread (measured on two cores: p50 24.4 / 25.0 ms against
 * 27.3 / 27.3 ms for a 5.5 MB PDF, old and new interleaved). Not with one CPU, nor under a CPU
 * quota below the CPUs the process may run on (a Kubernetes limit without the static CPU
 * manager): those CPUs are shared, and keeping to some of them could only slow the job. It
 * assumes one worker process per set of CPUs, as a pod is; the local stack turns it off when it
 * runs several.
 */
export function planHelperCpus(
  allowed: readonly number[],
  quotaCpus: number | undefined,
): { cpus: number[] } | { skipped: string } {
  if (allowed.length < 2) return { skipped: `one CPU (${allowed.join(",")})` };
  if (quotaCpus !== undefined && !(quotaCpus >= allowed.length))
    return { skipped: `a CPU quota of ${quotaCpus} on ${allowed.length} shared CPUs` };
  return { cpus: allowed.slice(1) };
}

/** The CPUs a /proc/<pid>/status (or a thread's) allows; undefined if it has no such line. */
export function cpusAllowedIn(status: string): number[] | undefined {
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
  return list ? parseCpuList(list) : undefined;
}

/** The CPUs this process may run on, from /proc/self/status; undefined off Linux. */
export async function allowedCpus(): Promise<number[] | undefined> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => undefined);
  return status === undefined ? undefined : cpusAllowedIn(status);
}

/**
 * The smallest CPU quota, in CPUs, on the process's cgroup and its parents (v2 `cpu.max`; v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us`); undefined when none is set. A file that cannot be
 * read as a number counts as a quota of 0, so the plan skips rather than guesses.
 */
export async function cgroupCpuQuota(
  root = "/sys/fs/cgroup",
  procCgroup = "/proc/self/cgroup",
): Promise<number | undefined> {
  const membership = await readFile(procCgroup, "utf8").catch(() => "");
  // v2: "0::/path"; v1: "N:cpu,cpuacct:/path" (or "N:cpuacct,cpu:/path").
  const v2Path = /^0::(.*)$/m.exec(membership)?.[1];
  const v1Path = /^\d+:[^:]*\bcpu\b[^:]*:(.*)$/m.exec(membership)?.[1];
  const quotas: number[] = [];
  for (const dir of ancestors(v2Path ?? "/")) {
    const max = await readFile(path.join(root, dir, "cpu.max"), "utf8").catch(() => undefined);
    if (max === undefined) continue;
    const [quota, period] = max.trim().split(/\s+/);
    if (quota !== "max") quotas.push(Number(quota) / Number(period) || 0);
  }
  for (const dir of ancestors(v1Path ?? "/")) {
    const read = (f: string) =>
      readFile(path.join(root, "cpu", dir, f), "utf8").then(Number, () => undefined);
    const [quota, period] = await Promise.all([read("cpu.cfs_quota_us"), read("cpu.cfs_period_us")]);
    if (quota === undefined || quota === -1) continue;
    quotas.push(quota / period! || 0);
  }
  return quotas.length ? Math.min(...quotas) : undefined;
}

/** "/a/b" → ["/a/b", "/a", "/"]: a cgroup and every parent up to the root. */
function ancestors(cgroup: string): string[] {
  const out: string[] = [];
  for (let dir = path.posix.normalize(`/${cgroup.trim()}`); ; dir = path.posix.dirname(dir)) {
    out.push(dir);
    if (dir === "/") return out;
  }
}

export interface Helpers {
  /** OS thread ids of this process's helper threads. */
  threads: number[];
  /** Helper processes: each of their threads, and what they start later, keep the CPUs. */
  processes: number[];
}

/**
 * Keeps the helpers to the planned CPUs with `taskset` (util-linux). Not kept, because they
 * start later or elsewhere: a scoring thread replacing a crashed one and a poppler launcher
 * replacing a dead one (started by the main thread, they run anywhere, as every thread did
 * before), and ONNX Runtime's own pool threads when ORT_INTRA_OP_THREADS > 1. It changes only
 * speed: every failure is logged, none is thrown, and a partial one is undone.
 */
export async function confineHelpers(
  setting: "auto" | "off",
  helpers: Helpers,
  log: Logger,
): Promise<number[] | undefined> {
  const everywhere = (reason: string): undefined => {
    log.info({ reason }, "helper threads run on every CPU");
    return undefined;
  };
  if (setting === "off") return everywhere("HELPER_CPU_AFFINITY=off");
  if (process.platform !== "linux") return everywhere(process.platform);
  let allowed: number[] | undefined;
  let plan: ReturnType<typeof planHelperCpus>;
  try {
    allowed = await allowedCpus();
    if (!allowed) return everywhere("no CPU list in /proc/self/status");
    plan = planHelperCpus(allowed, await cgroupCpuQuota());
  } catch (err) {
    log.warn({ err }, "could not read this process's CPUs; helper threads run on every CPU");
    return undefined;
  }
  if ("skipped" in plan) return everywhere(plan.skipped);
  const set = async (list: string): Promise<void> => {
    for (const tid of helpers.threads) await run("taskset", ["-p", "-c", list, String(tid)]);
    for (const pid of helpers.processes) await run("taskset", ["-a", "-p", "-c", list, String(pid)]);
  };
  try {
    await set(plan.cpus.join(","));
  } catch (err) {
    // Some may have been set before the failure: put them all back where they were.
    await set(allowed.join(",")).catch(() => undefined);
    log.warn({ err }, "could not keep the helper threads to their CPUs; they run on every CPU");
    return undefined;
  }
  log.info({ cpus: plan.cpus, ...helpers }, "helper threads kept off the first CPU");
  return plan.cpus;
}
