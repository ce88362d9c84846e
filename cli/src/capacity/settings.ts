import { z } from "zod";
import type { Behavior } from "./hpa.js";
import { DEFAULT_BEHAVIOR } from "./hpa.js";
import type { AutoscalerModel, PodModel } from "./simulate.js";

/**
 * The scaling knobs of an environment, as infra-cdktf's `scaling` config names them, plus the
 * worker's drain grace. `scaleDownPodsPerMinute` null = no rate limit on scale-in.
 */
export const capacitySettingsSchema = z
  .object({
    pollingIntervalSeconds: z.number().int().min(1).max(300),
    cooldownPeriodSeconds: z.number().int().min(0).max(3600),
    activationMessageCount: z.number().int().min(0),
    scaleDownStabilizationSeconds: z.number().int().min(0).max(3600),
    scaleDownPodsPerMinute: z.number().int().min(1).nullable(),
    drainGraceSeconds: z.number().int().min(0).max(3600),
  })
  .strict();
export type CapacitySettings = z.infer<typeof capacitySettingsSchema>;

/**
 * The HPA behavior infra-cdktf's ScaledObject sets (src/kubernetes/keda-manifests.ts): scale-up
 * at once, 4 pods or 100 % per 15 s; scale-down after the stabilization window, N pods a minute.
 */
export function deployedBehavior(s: CapacitySettings): Behavior {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: s.scaleDownStabilizationSeconds,
      selectPolicy: "Min",
      policies:
        s.scaleDownPodsPerMinute === null
          ? [{ type: "Percent", value: 100, periodSeconds: 15 }]
          : [{ type: "Pods", value: s.scaleDownPodsPerMinute, periodSeconds: 60 }],
    },
  };
}

export interface Workload {
  maxPods: number;
  podStartSeconds: number;
  concurrency: number;
  /** Model a worker that sets its pod-deletion-cost (not implemented in the worker yet). */
  deletionCost?: boolean;
}

export function autoscalerModel(s: CapacitySettings, w: Workload): AutoscalerModel {
  return {
    // messageCount = concurrency, as infra-cdktf derives it (kedaMessageCount).
    messageCount: w.concurrency,
    activationMessageCount: s.activationMessageCount,
    pollingIntervalSeconds: s.pollingIntervalSeconds,
    cooldownPeriodSeconds: s.cooldownPeriodSeconds,
    maxReplicas: w.maxPods,
    behavior: deployedBehavior(s),
  };
}

export function podModel(s: CapacitySettings, w: Workload): PodModel {
  return {
    concurrency: w.concurrency,
    podStartSeconds: w.podStartSeconds,
    drainGraceSeconds: s.drainGraceSeconds,
    // The worker abandons what it stops, so the message is back at once (ADR 0011).
    requeueAfterKillSeconds: 0,
    deletionCost: w.deletionCost ?? false,
  };
}

/**
 * The seed's deployment, for comparison: `messageCount: 5`, the HPA's default behavior, a worker
 * without a drain under Kubernetes' default 30 s grace period, so a pod's job dies with it and
 * its message returns once the lock expires (60 s, the Service Bus default).
 */
export function seedModels(w: Workload): { scaler: AutoscalerModel; pods: PodModel } {
  return {
    scaler: {
      messageCount: 5,
      activationMessageCount: 0,
      pollingIntervalSeconds: 30,
      cooldownPeriodSeconds: 300,
      maxReplicas: w.maxPods,
      behavior: DEFAULT_BEHAVIOR,
    },
    pods: {
      concurrency: w.concurrency,
      podStartSeconds: w.podStartSeconds,
      drainGraceSeconds: 0,
      requeueAfterKillSeconds: 60,
    },
  };
}

/**
 * Settings from a file: infra-cdktf's environment JSON (its `scaling` and `worker` sections) or
 * a bare settings object.
 */
export function settingsFromJson(raw: unknown): CapacitySettings {
  if (raw && typeof raw === "object" && "scaling" in raw && "worker" in raw) {
    const env = raw as {
      scaling: Record<string, unknown>;
      worker: { drainGraceSeconds?: unknown; jobTimeoutSeconds?: unknown };
    };
    return capacitySettingsSchema.parse({
      pollingIntervalSeconds: env.scaling.pollingIntervalSeconds,
      cooldownPeriodSeconds: env.scaling.cooldownPeriodSeconds,
      activationMessageCount: env.scaling.activationMessageCount,
      scaleDownStabilizationSeconds: env.scaling.scaleDownStabilizationSeconds,
      scaleDownPodsPerMinute: env.scaling.scaleDownPodsPerMinute ?? null,
      drainGraceSeconds: env.worker.drainGraceSeconds,
    });
  }
  return capacitySettingsSchema.parse(raw);
}

/** What prod.json configured before the planner (ADR 0009). */
export const PREVIOUS_DEFAULTS: CapacitySettings = {
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 300,
  activationMessageCount: 0,
  scaleDownStabilizationSeconds: 300,
  scaleDownPodsPerMinute: 1,
  drainGraceSeconds: 600,
};

/** A short label for a table row. */
export const describeSettings = (s: CapacitySettings): string =>
  `poll ${s.pollingIntervalSeconds}s, cooldown ${s.cooldownPeriodSeconds}s, activation ${s.activationMessageCount}, ` +
  `stabilization ${s.scaleDownStabilizationSeconds}s, ${s.scaleDownPodsPerMinute === null ? "no rate limit" : `${s.scaleDownPodsPerMinute} pod/min`}`;
