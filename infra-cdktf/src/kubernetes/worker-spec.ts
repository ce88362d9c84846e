import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { QUEUES, COSMOS } from "@docsift/core";
import type { EnvironmentConfig } from "../config.js";
import { terminationGracePeriodSeconds, workerTempStorageBytes } from "../config.js";
import { azureNames, cosmosEndpoint, serviceBusFqdn } from "../azure/naming.js";

export const WORKER_NAME = "docsift-worker";
export const HEALTH_PORT = 8080;
/** The worker image runs as this uid (worker/Dockerfile). */
export const WORKER_UID = 10001;

export const workerLabels = { "app.kubernetes.io/name": WORKER_NAME, "app.kubernetes.io/part-of": "docsift" };
/** Pod label that makes the AKS webhook inject AZURE_CLIENT_ID/TENANT_ID/FEDERATED_TOKEN_FILE. */
export const WORKLOAD_IDENTITY_LABEL = { "azure.workload.identity/use": "true" } as const;
export const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/** Label and taint of the AKS worker node pool (azure-stack.ts): only worker pods land there. */
export const WORKER_POOL_LABEL = { "docsift.io/pool": "worker" } as const;
export const WORKER_POOL_TAINT = { key: "docsift.io/pool", value: "worker", effect: "NoSchedule" } as const;
export const workerPoolTaint = (): string =>
  `${WORKER_POOL_TAINT.key}=${WORKER_POOL_TAINT.value}:${WORKER_POOL_TAINT.effect}`;

/**
 * The cluster autoscaler never removes a node to evict a worker pod: a pod may be mid-job, and
 * the autoscaler cannot tell. Idle pods go through KEDA's scale-in (the HPA), which the worker
 * drains for; once the pool's pods are gone its nodes are empty and scale down to zero. A
 * per-job toggle would need the worker to patch its own pod, which has no API token.
 */
export const WORKER_POD_ANNOTATIONS = { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } as const;

const MIB = 1024 * 1024;
/** emptyDir size and ephemeral-storage request of the worker's /tmp, in Mi. */
export const workerTempStorage = (c: EnvironmentConfig): string =>
  `${Math.ceil(workerTempStorageBytes(c) / MIB)}Mi`;

/** The worker's environment contract (parsed by @docsift/core config in the worker). */
export function workerEnvironment(
  c: EnvironmentConfig,
  extra: Record<string, string> = {},
): Record<string, string> {
  const n = azureNames(c);
  return {
    DOCSIFT_ENVIRONMENT: "azure",
    SERVICEBUS_NAMESPACE: serviceBusFqdn(n),
    STORAGE_ACCOUNT_URL: `https://${n.dataStorage}.blob.core.windows.net`,
    COSMOS_ENDPOINT: cosmosEndpoint(n),
    COSMOS_DATABASE: COSMOS.database,
    TASKS_QUEUE: QUEUES.tasks,
    EVENTS_QUEUE: QUEUES.events,
    MODEL_NAME: c.worker.modelName,
    MODEL_VERSION: c.worker.modelVersion,
    WORKER_CONCURRENCY: String(c.worker.concurrency),
    JOB_TIMEOUT_SECONDS: String(c.worker.jobTimeoutSeconds),
    DRAIN_GRACE_SECONDS: String(c.worker.drainGraceSeconds),
    HEALTH_PORT: String(HEALTH_PORT),
    OCR_ENABLED: String(c.worker.ocrEnabled),
    LOG_LEVEL: c.worker.logLevel,
    ...extra,
  };
}

/** The worker container, in Kubernetes API shape (camelCase), shared by Deployment and ScaledJob. */
export function workerContainer(c: EnvironmentConfig, image: string, extraEnv: Record<string, string> = {}) {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: HEALTH_PORT },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 3,
  });
  return {
    name: "worker",
    image,
    imagePullPolicy: "IfNotPresent" as const,
    ports: [{ name: "health", containerPort: HEALTH_PORT, protocol: "TCP" as const }],
    env: Object.entries(workerEnvironment(c, extraEnv)).map(([name, value]) => ({ name, value })),
    resources: {
      // The scheduler places the pod only where the node's disk has room for its documents.
      requests: { ...c.worker.resources.requests, "ephemeral-storage": workerTempStorage(c) },
      limits: { ...c.worker.resources.limits },
    },
    // Model load takes seconds: the startup probe gives it a minute before liveness counts.
    startupProbe: probe("/healthz", 5, 12),
    livenessProbe: probe("/healthz", 15, 4),
    readinessProbe: probe("/readyz", 10, 3),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: WORKER_UID,
      runAsGroup: WORKER_UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" as const },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    // `satisfies` checks field names and types against the Kubernetes API types (core/v1).
  } satisfies IContainer;
}

/** Pod-level settings shared by Deployment and ScaledJob pods. */
export function workerPodSpec(c: EnvironmentConfig, image: string, extraEnv: Record<string, string> = {}) {
  return {
    serviceAccountName: c.worker.serviceAccount,
    // The worker never calls the Kubernetes API. Workload identity does not need this token: the
    // webhook injects its own projected token (audience api://AzureADTokenExchange) as a volume.
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: terminationGracePeriodSeconds(c),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: WORKER_UID,
      runAsGroup: WORKER_UID,
      fsGroup: WORKER_UID,
      seccompProfile: { type: "RuntimeDefault" as const },
    },
    nodeSelector: { ...WORKER_POOL_LABEL },
    tolerations: [{ ...WORKER_POOL_TAINT, operator: "Equal" as const }],
    // Soft: spread over zones (prod) and nodes when there is room, never block a scale-up.
    topologySpreadConstraints: (["topology.kubernetes.io/zone", "kubernetes.io/hostname"] as const).map(
      (topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway" as const,
        labelSelector: { matchLabels: { ...workerLabels } },
      }),
    ),
    containers: [workerContainer(c, image, extraEnv)],
    // Documents stream to a temp file; the root filesystem stays read-only.
    volumes: [{ name: "tmp", emptyDir: { sizeLimit: workerTempStorage(c) } }],
  } satisfies IPodSpec;
}
