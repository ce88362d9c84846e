import type { Behavior, Recommendation, ScaleEvent } from "./hpa.js";
import { hpaDecision, metricReplicas } from "./hpa.js";
import type { TraceJob } from "./trace.js";
import { seededRandom } from "./trace.js";

/** What KEDA and the HPA are told: the knobs of a ScaledObject. */
export interface AutoscalerModel {
  /** The scaler's `messageCount`: the target of active messages per pod. */
  messageCount: number;
  activationMessageCount: number;
  pollingIntervalSeconds: number;
  cooldownPeriodSeconds: number;
  maxReplicas: number;
  behavior: Behavior;
}

/** What the pods do. */
export interface PodModel {
  /** Jobs a pod runs at once. */
  concurrency: number;
  /** From the pod's creation to its first message (schedule, image, Node start, model load). */
  podStartSeconds: number;
  /**
   * How long a pod told to stop may finish its jobs: the worker's drain grace, bounded by
   * terminationGracePeriodSeconds. A job that needs longer is killed.
   */
  drainGraceSeconds: number;
  /**
   * When a killed job's message is back on the queue: 0 when the worker abandons it as it stops,
   * the lock duration when the process just dies and the lock has to expire.
   */
  requeueAfterKillSeconds: number;
  /**
   * The worker marks itself with the `controller.kubernetes.io/pod-deletion-cost` annotation
   * (busy high, idle low), so a scale-in removes idle pods first. Off: the ReplicaSet cannot
   * tell busy from idle.
   */
  deletionCost?: boolean;
}

export interface SimulationOptions {
  /** --horizontal-pod-autoscaler-sync-period. */
  hpaSyncSeconds?: number;
  /** Seeds the choices the cluster makes at random: which free pod gets a message, pod UIDs. */
  seed?: number;
  /** Stop this long after the last arrival even if work is left (a setting that never catches up). */
  tailSeconds?: number;
}

export interface SimulationResult {
  jobs: number;
  completed: number;
  /** Jobs killed at least once by a scale-in whose drain grace they outlasted. */
  killedJobs: number;
  /** Kills in all (a job can be killed more than once). */
  kills: number;
  /** Seconds from arrival to the start of the run that completed the job. */
  waitP50: number;
  waitP95: number;
  waitMax: number;
  /** Pod lifetime from creation to exit, starting and draining included, in hours. */
  podHours: number;
  podStarts: number;
  peakPods: number;
  /** Seconds until the last job finished and the last pod exited. */
  endSeconds: number;
}

interface Slot {
  job: number;
  endsAt: number;
}

interface Pod {
  createdAt: number;
  readyAt: number;
  uid: number;
  slots: Slot[];
  /** When the pod was told to stop; its jobs must end by then + drain grace. */
  stoppingAt?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Replays a trace second by second through KEDA (polling, activation, cooldown to zero), the HPA
 * (15 s sync, tolerance, stabilization, policies), the ReplicaSet (which pods a scale-in removes)
 * and the worker pods (start time, concurrency, drain). Deterministic for a given seed.
 *
 * The metric is the scaler's: ActiveMessageCount counts a message from its arrival until it is
 * settled, so messages a pod holds locked (running, or still running on a pod being drained)
 * count as well as waiting ones.
 */
export function simulate(
  trace: readonly TraceJob[],
  scaler: AutoscalerModel,
  pods: PodModel,
  options: SimulationOptions = {},
): SimulationResult {
  const hpaSync = options.hpaSyncSeconds ?? 15;
  const random = seededRandom(options.seed ?? 1);
  const lastArrival = trace.length ? trace[trace.length - 1]!.arrival : 0;
  const stopAt = lastArrival + (options.tailSeconds ?? 6 * 3600);

  const queue: number[] = [];
  const startedAt = new Array<number>(trace.length).fill(-1);
  const killed = new Array<boolean>(trace.length).fill(false);
  const requeue: Array<{ job: number; at: number }> = [];
  let live: Pod[] = [];
  let next = 0;
  let inFlight = 0;
  let completed = 0;
  let kills = 0;
  let podSeconds = 0;
  let podStarts = 0;
  let peakPods = 0;

  let spec = 0;
  let lastActive = -Infinity;
  const history: Recommendation[] = [];
  const upEvents: ScaleEvent[] = [];
  const downEvents: ScaleEvent[] = [];
  const metric = () => queue.length + inFlight + requeue.length;

  const exit = (pod: Pod, t: number) => {
    podSeconds += t - pod.createdAt;
    live = live.filter((p) => p !== pod);
  };

  // The ReplicaSet's choice (ActivePodsWithRanks): not-ready pods first, newest first; then ready
  // pods by how long they have been ready on a log2 scale, youngest first, ties by UID. It does
  // not know which pods are busy.
  const victimOrder = (t: number) => (a: Pod, b: Pod) => {
    const aReady = a.readyAt <= t;
    const bReady = b.readyAt <= t;
    if (aReady !== bReady) return aReady ? 1 : -1;
    if (pods.deletionCost && a.slots.length !== b.slots.length) return a.slots.length - b.slots.length;
    if (!aReady) return b.createdAt - a.createdAt;
    const rank = (p: Pod) => Math.floor(Math.log2((t - p.readyAt + 1) * 1e9));
    return rank(a) - rank(b) || a.uid - b.uid;
  };

  let t = 0;
  for (; t <= stopAt; t++) {
    while (next < trace.length && trace[next]!.arrival <= t) queue.push(next++);

    for (const pod of [...live]) {
      for (const slot of pod.slots.filter((s) => s.endsAt <= t)) {
        completed++;
        inFlight--;
        pod.slots.splice(pod.slots.indexOf(slot), 1);
      }
      if (pod.stoppingAt === undefined) continue;
      if (pod.slots.length > 0 && t >= pod.stoppingAt + pods.drainGraceSeconds) {
        for (const slot of pod.slots) {
          kills++;
          killed[slot.job] = true;
          startedAt[slot.job] = -1;
          inFlight--;
          requeue.push({ job: slot.job, at: t + pods.requeueAfterKillSeconds });
        }
        pod.slots = [];
      }
      if (pod.slots.length === 0) exit(pod, t);
    }

    for (let i = requeue.length - 1; i >= 0; i--) {
      // An abandoned message is available again ahead of later ones.
      if (requeue[i]!.at <= t) queue.unshift(requeue.splice(i, 1)[0]!.job);
    }

    // Messages go to whichever ready pod has a free receive slot.
    if (queue.length > 0) {
      const free: Pod[] = [];
      for (const pod of live)
        if (pod.stoppingAt === undefined && pod.readyAt <= t)
          for (let s = pod.slots.length; s < pods.concurrency; s++) free.push(pod);
      while (queue.length > 0 && free.length > 0) {
        const pod = free.splice(Math.floor(random() * free.length), 1)[0]!;
        const job = queue.shift()!;
        startedAt[job] = t;
        inFlight++;
        pod.slots.push({ job, endsAt: t + trace[job]!.duration });
      }
    }

    if (t % scaler.pollingIntervalSeconds === 0) {
      // KEDA's own loop: 0 → 1 on activation, → 0 once inactive for the cooldown period.
      if (metric() > scaler.activationMessageCount) {
        lastActive = t;
        if (spec === 0) spec = 1;
      } else if (spec > 0 && t - lastActive >= scaler.cooldownPeriodSeconds) {
        spec = 0;
      }
    }

    if (t % hpaSync === 0 && spec > 0) {
      const statusReplicas = live.filter((p) => p.stoppingAt === undefined).length;
      const desired =
        statusReplicas === 0
          ? Math.ceil(metric() / scaler.messageCount)
          : metricReplicas(metric(), scaler.messageCount, statusReplicas);
      const decided = hpaDecision({
        now: t,
        current: spec,
        desired,
        min: 1,
        max: scaler.maxReplicas,
        behavior: scaler.behavior,
        history,
        upEvents,
        downEvents,
      });
      history.push({ at: t, replicas: desired });
      if (decided > spec) upEvents.push({ at: t, change: decided - spec });
      if (decided < spec) downEvents.push({ at: t, change: spec - decided });
      spec = decided;
      // Only the windows' and periods' span matters; older entries are dropped.
      const keep = t - 3600;
      while (history.length && history[0]!.at <= keep) history.shift();
      while (upEvents.length && upEvents[0]!.at <= keep) upEvents.shift();
      while (downEvents.length && downEvents[0]!.at <= keep) downEvents.shift();
    }

    const running = live.filter((p) => p.stoppingAt === undefined);
    if (running.length < spec) {
      for (let i = running.length; i < spec; i++) {
        live.push({ createdAt: t, readyAt: t + pods.podStartSeconds, uid: random(), slots: [] });
        podStarts++;
      }
    } else if (running.length > spec) {
      for (const pod of running.sort(victimOrder(t)).slice(0, running.length - spec)) {
        pod.stoppingAt = t;
        if (pod.slots.length === 0) exit(pod, t);
      }
    }
    peakPods = Math.max(peakPods, live.length);

    if (next >= trace.length && metric() === 0 && live.length === 0) break;
  }
  for (const pod of live) podSeconds += t - pod.createdAt;

  const waits = trace
    .map((job, i) => (startedAt[i]! >= 0 ? startedAt[i]! - job.arrival : undefined))
    .filter((w): w is number => w !== undefined)
    .sort((a, b) => a - b);
  return {
    jobs: trace.length,
    completed,
    killedJobs: killed.filter(Boolean).length,
    kills,
    waitP50: percentile(waits, 50),
    waitP95: percentile(waits, 95),
    waitMax: waits.length ? waits[waits.length - 1]! : 0,
    podHours: podSeconds / 3600,
    podStarts,
    peakPods,
    endSeconds: t,
  };
}
