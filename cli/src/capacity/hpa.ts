/**
 * The Horizontal Pod Autoscaler's replica arithmetic for one external metric with an
 * `AverageValue` target (what KEDA registers for a ScaledObject), after the kube-controller-manager
 * (pkg/controller/podautoscaler: GetExternalPerPodMetricReplicas, stabilizeRecommendationWithBehaviors,
 * calculateScaleUp/DownLimitWithBehaviors). Pure functions of their arguments; times in seconds.
 */

export interface ScalingPolicy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: "Max" | "Min" | "Disabled";
  policies: readonly ScalingPolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** Kubernetes' defaults when an HPA has no `behavior` (what the seed deployed). */
export const DEFAULT_BEHAVIOR: Behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Percent", value: 100, periodSeconds: 15 },
      { type: "Pods", value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
  },
};

/** --horizontal-pod-autoscaler-tolerance. */
export const HPA_TOLERANCE = 0.1;

/**
 * Replicas the metric asks for. `statusReplicas` are the pods the workload has now (not the
 * terminating ones); within the tolerance of the target the answer is "stay as you are".
 */
export function metricReplicas(
  metric: number,
  targetPerPod: number,
  statusReplicas: number,
  tolerance = HPA_TOLERANCE,
): number {
  const usageRatio = metric / (targetPerPod * statusReplicas);
  if (Math.abs(1 - usageRatio) <= tolerance) return statusReplicas;
  return Math.ceil(metric / targetPerPod);
}

export interface Recommendation {
  at: number;
  replicas: number;
}

export interface ScaleEvent {
  at: number;
  /** Pods added (scale-up list) or removed (scale-down list), positive. */
  change: number;
}

/**
 * Scale-up takes the lowest recommendation of its window, scale-down the highest of its own: a
 * pod is removed only once every recommendation in the window has been lower.
 */
export function stabilize(
  history: readonly Recommendation[],
  now: number,
  current: number,
  desired: number,
  behavior: Behavior,
): number {
  let up = desired;
  let down = desired;
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds;
  for (const r of history) {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
  }
  let recommendation = current;
  if (recommendation < up) recommendation = up;
  if (recommendation > down) recommendation = down;
  return recommendation;
}

const changeInPeriod = (events: readonly ScaleEvent[], now: number, periodSeconds: number): number =>
  events.filter((e) => e.at > now - periodSeconds).reduce((sum, e) => sum + e.change, 0);

/** Most replicas the scale-up policies allow now, counting what each period already added. */
export function scaleUpLimit(
  current: number,
  upEvents: readonly ScaleEvent[],
  downEvents: readonly ScaleEvent[],
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const pick = rules.selectPolicy === "Min" ? Math.min : Math.max;
  let result = rules.selectPolicy === "Min" ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changeInPeriod(upEvents, now, p.periodSeconds) +
      changeInPeriod(downEvents, now, p.periodSeconds);
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** Fewest replicas the scale-down policies allow now; `Min` picks the policy removing the fewest. */
export function scaleDownLimit(
  current: number,
  upEvents: readonly ScaleEvent[],
  downEvents: readonly ScaleEvent[],
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const pick = rules.selectPolicy === "Min" ? Math.max : Math.min;
  let result = rules.selectPolicy === "Min" ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changeInPeriod(upEvents, now, p.periodSeconds) +
      changeInPeriod(downEvents, now, p.periodSeconds);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/**
 * One HPA decision: stabilize the metric's recommendation, then hold it to the rate policies and
 * to [min, max]. The caller records `desired` in the history and the change as a scale event.
 */
export function hpaDecision(args: {
  now: number;
  current: number;
  desired: number;
  min: number;
  max: number;
  behavior: Behavior;
  history: readonly Recommendation[];
  upEvents: readonly ScaleEvent[];
  downEvents: readonly ScaleEvent[];
}): number {
  const { now, current, min, max, behavior } = args;
  const stabilized = stabilize(args.history, now, current, args.desired, behavior);
  let next = stabilized;
  if (stabilized > current) {
    // A period that already moved further than its policy allows holds the count, never reverses it.
    const limit = Math.max(
      current,
      scaleUpLimit(current, args.upEvents, args.downEvents, behavior.scaleUp, now),
    );
    next = Math.min(stabilized, limit);
  } else if (stabilized < current) {
    const limit = Math.min(
      current,
      scaleDownLimit(current, args.upEvents, args.downEvents, behavior.scaleDown, now),
    );
    next = Math.max(stabilized, limit);
  }
  return Math.max(min, Math.min(max, next));
}
