import { QUEUES } from "@docsift/core";
import type { EnvironmentConfig } from "../config.js";
import { kedaMessageCount, terminationGracePeriodSeconds } from "../config.js";
import { azureNames } from "../azure/naming.js";
import {
  WORKER_NAME,
  WORKER_POD_ANNOTATIONS,
  WORKLOAD_IDENTITY_LABEL,
  workerLabels,
  workerPodSpec,
} from "./worker-spec.js";

export const TRIGGER_AUTH_NAME = "docsift-servicebus-workload-identity";

/** KEDA authenticates its scaler as the KEDA identity via the keda-operator service account. */
export function triggerAuthentication(c: EnvironmentConfig, kedaClientId: string) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "TriggerAuthentication",
    metadata: { name: TRIGGER_AUTH_NAME, namespace: c.worker.namespace, labels: workerLabels },
    spec: { podIdentity: { provider: "azure-workload", identityId: kedaClientId } },
  };
}

function serviceBusTrigger(c: EnvironmentConfig, messageCount: number) {
  return {
    type: "azure-servicebus",
    // Trigger metadata values are strings in the CRD.
    metadata: {
      queueName: QUEUES.tasks,
      namespace: azureNames(c).serviceBus,
      messageCount: String(messageCount),
      activationMessageCount: String(c.scaling.activationMessageCount),
    },
    authenticationRef: { name: TRIGGER_AUTH_NAME },
  };
}

/** Deployment scaled 0..max on queue length; scale-in is slowed by the HPA behavior. */
export function scaledObject(c: EnvironmentConfig) {
  const s = c.scaling;
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: WORKER_NAME, namespace: c.worker.namespace, labels: workerLabels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: WORKER_NAME },
      minReplicaCount: 0,
      maxReplicaCount: s.maxReplicas,
      pollingInterval: s.pollingIntervalSeconds,
      cooldownPeriod: s.cooldownPeriodSeconds,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: "Max",
              policies: [
                { type: "Pods", value: 4, periodSeconds: 15 },
                { type: "Percent", value: 100, periodSeconds: 15 },
              ],
            },
            // The ReplicaSet picks which pod to remove, busy or not: the worker drains within
            // terminationGracePeriodSeconds, so a rate limit only keeps idle pods longer (ADR 0020).
            scaleDown: {
              stabilizationWindowSeconds: s.scaleDownStabilizationSeconds,
              selectPolicy: "Min",
              policies:
                s.scaleDownPodsPerMinute === null
                  ? [{ type: "Percent", value: 100, periodSeconds: 15 }]
                  : [{ type: "Pods", value: s.scaleDownPodsPerMinute, periodSeconds: 60 }],
            },
          },
        },
      },
      triggers: [serviceBusTrigger(c, kedaMessageCount(c))],
    },
  };
}

/**
 * How long a ScaledJob's worker waits for a message before it exits 0. KEDA creates Jobs from a
 * count that includes messages running Jobs hold locked, so a Job can find no message left for it
 * (always under `eager`, in races under `default`); without this its pod waits until
 * activeDeadlineSeconds and the Job is recorded as failed.
 */
export const SCALED_JOB_IDLE_EXIT_SECONDS = 60;

/**
 * One Kubernetes Job per message: a running job is never chosen for scale-in. The worker runs
 * one task and exits (WORKER_MAX_JOBS=1), so `messageCount` is 1 whatever the concurrency.
 */
export function scaledJob(c: EnvironmentConfig, image: string) {
  const s = c.scaling;
  const pod = workerPodSpec(c, image, {
    WORKER_CONCURRENCY: "1",
    WORKER_MAX_JOBS: "1",
    WORKER_IDLE_EXIT_SECONDS: String(SCALED_JOB_IDLE_EXIT_SECONDS),
  });
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledJob",
    metadata: { name: WORKER_NAME, namespace: c.worker.namespace, labels: workerLabels },
    spec: {
      jobTargetRef: {
        parallelism: 1,
        completions: 1,
        // Retries belong to Service Bus (abandon → redelivery → dead-letter), not to the Job.
        backoffLimit: 0,
        activeDeadlineSeconds: terminationGracePeriodSeconds(c) + 120,
        template: {
          metadata: {
            labels: { ...workerLabels, ...WORKLOAD_IDENTITY_LABEL },
            annotations: { ...WORKER_POD_ANNOTATIONS },
          },
          spec: { ...pod, restartPolicy: "Never" },
        },
      },
      pollingInterval: s.pollingIntervalSeconds,
      minReplicaCount: 0,
      maxReplicaCount: s.maxReplicas,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 10,
      // ActiveMessageCount already counts the messages running Jobs hold locked. `default`
      // creates (messages − running Jobs): right. `eager` creates min(max − running − pending,
      // messages) every poll, a Job for each message already in flight too; `accurate` subtracts
      // only pending Jobs, the same excess. Their extra Jobs exit after the idle time.
      scalingStrategy: { strategy: s.scaledJobStrategy },
      triggers: [serviceBusTrigger(c, 1)],
    },
  };
}
