import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { Logger } from "pino";

const run = promisify(execFile);

/** "0-1,4" → [0, 1, 4] (the kernel's CPU list format, as in /proc/self/status). */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    if (!part) continue;
    const [from, to = from] = part.split("-").map(Number) as [number, number?];
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from)
      throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/**
 * The CPUs a job's helpers (the model's scoring thread, the poppler launcher and the tools it
 * starts) are kept to, or why not. A job's main thread reads pages and featurizes them while
 * pdftohtml writes pages and ONNX Runtime scores batches: with the helpers on every CPU but the
 * first, the main thread has a CPU to itself (measured on two cores: p50 24.4 / 25.0 ms against
 * 27.3 / 27.3 ms for a 5.5 MB PDF, old and new interleaved). Only when the CPUs are the
 * process's own: with a CPU quota below the CPUs it may run on (a Kubernetes limit without the
 * static CPU manager), those CPUs are shared with other pods and confining to some of them could
 * only slow the job.
 */
export function planHelperCpus(
  allowed: readonly number[],
  quotaCpus: number | undefined,
): { cpus: number[] } | { skipped: string } {
  if (allowed.length < 2) return { skipped: `one CPU (${allowed.join(",")})` };
  if (quotaCpus !== undefined && quotaCpus < allowed.length)
    return { skipped: `a CPU quota of ${quotaCpus} on ${allowed.length} shared CPUs` };
  return { cpus: allowed.slice(1) };
}

/** The CPUs this process may run on, from /proc/self/status; undefined off Linux. */
export async function allowedCpus(): Promise<number[] | undefined> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => undefined);
  const list = status && /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
  return list ? parseCpuList(list) : undefined;
}

/** The cgroup's CPU quota in CPUs (v2 `cpu.max`, v1 `cpu.cfs_quota_us`); undefined when unlimited. */
export async function cgroupCpuQuota(root = "/sys/fs/cgroup"): Promise<number | undefined> {
  const v2 = await readFile(`${root}/cpu.max`, "utf8").catch(() => undefined);
  if (v2) {
    const [quota, period] = v2.trim().split(/\s+/);
    return quota === "max" ? undefined : Number(quota) / Number(period);
  }
  const [quota, period] = await Promise.all(
    ["cpu.cfs_quota_us", "cpu.cfs_period_us"].map((f) =>
      readFile(`${root}/cpu/${f}`, "utf8").then(Number, () => NaN),
    ),
  );
  return quota! > 0 && period! > 0 ? quota! / period! : undefined;
}

export interface Helpers {
  /** OS thread ids of this process's helper threads. */
  threads: number[];
  /** Helper processes: each of their threads, and what they start later, keep the CPUs. */
  processes: number[];
}

/**
 * Keeps the helpers to the planned CPUs with `taskset` (util-linux). A thread started later by
 * the main thread (a scoring thread replacing a crashed one) is not kept: it runs anywhere, as
 * every thread did before. Failing to set it changes only speed: logged, never thrown.
 */
export async function confineHelpers(
  setting: "auto" | "off",
  helpers: Helpers,
  log: Logger,
): Promise<number[] | undefined> {
  if (setting === "off" || process.platform !== "linux") {
    log.info(
      { reason: setting === "off" ? "HELPER_CPU_AFFINITY=off" : process.platform },
      "helper threads run on every CPU",
    );
    return undefined;
  }
  const allowed = await allowedCpus();
  if (!allowed) return undefined;
  const plan = planHelperCpus(allowed, await cgroupCpuQuota());
  if ("skipped" in plan) {
    log.info({ reason: plan.skipped }, "helper threads run on every CPU");
    return undefined;
  }
  const list = plan.cpus.join(",");
  try {
    for (const tid of helpers.threads) await run("taskset", ["-p", "-c", list, String(tid)]);
    for (const pid of helpers.processes) await run("taskset", ["-a", "-p", "-c", list, String(pid)]);
  } catch (err) {
    log.warn({ err }, "could not keep the helper threads to their CPUs; they run on every CPU");
    return undefined;
  }
  log.info({ cpus: plan.cpus, ...helpers }, "helper threads kept off the first CPU");
  return plan.cpus;
}
