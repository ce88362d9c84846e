import { beforeAll, describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigError, QUEUES, WorkerConfigSchema, parseConfig } from "@docsift/core";
import {
  SCALED_JOB_IDLE_EXIT_SECONDS,
  scaledJob,
  scaledObject,
  triggerAuthentication,
} from "../src/kubernetes/keda-manifests.js";
import {
  WORKER_NAME,
  workerLabels,
  workerPodSpec,
  WORKLOAD_IDENTITY_LABEL,
} from "../src/kubernetes/worker-spec.js";
import { workerImage } from "../src/kubernetes/kubernetes-stack.js";
import {
  resource,
  resourcesOf,
  synthKubernetes,
  testConfig,
  validateKeda,
  type TerraformJson,
} from "./helpers.js";

const config = testConfig();
let json: TerraformJson;
beforeAll(() => {
  ({ json } = synthKubernetes(config));
});

const manifestOf = (j: TerraformJson, id: string) =>
  resource(j, "kubernetes_manifest", id).manifest as Record<string, unknown>;

describe("Kubernetes stack: cluster access and identity", () => {
  it("reaches the cluster through kubelogin with the caller's Azure login, no stored kubeconfig", () => {
    const k8s = json.provider?.kubernetes?.[0] as Record<string, unknown>;
    expect(k8s.exec).toEqual([
      expect.objectContaining({
        command: "kubelogin",
        args: expect.arrayContaining(["get-token", "--login", "azurecli"]),
      }),
    ]);
    expect(Object.keys(k8s).sort()).toEqual(["cluster_ca_certificate", "exec", "host"]);
    expect(json.terraform.backend).toMatchObject({
      azurerm: { key: "docsift-test-kubernetes.tfstate", use_oidc: true },
    });
  });

  it("annotates the service account with the worker identity's client id", () => {
    const sa = resource(json, "kubernetes_service_account_v1", "worker-service-account");
    expect(sa.metadata).toMatchObject({
      name: "docsift-worker",
      annotations: {
        "azure.workload.identity/client-id":
          "${data.azurerm_user_assigned_identity.worker-identity.client_id}",
      },
    });
  });

  it("enforces the restricted pod security standard on the namespace", () => {
    expect(resource(json, "kubernetes_namespace_v1", "namespace").metadata).toMatchObject({
      name: "docsift",
      labels: { "pod-security.kubernetes.io/enforce": "restricted" },
    });
  });
});

describe("Kubernetes stack: worker Deployment", () => {
  it("leaves replicas to KEDA, does not wait for a rollout of zero pods", () => {
    const d = resource(json, "kubernetes_deployment_v1", "worker-deployment");
    expect(d.lifecycle).toEqual({ ignore_changes: ["spec[0].replicas"] });
    expect(d.wait_for_rollout).toBe(false);
    expect((d.spec as Record<string, unknown>).replicas).toBe("0");
  });

  it("synthesizes probes, non-root security context, resources and a grace period above the job timeout", () => {
    const spec = (
      resource(json, "kubernetes_deployment_v1", "worker-deployment").spec as {
        template: { metadata: unknown; spec: Record<string, unknown> };
      }
    ).template;
    expect(spec.metadata).toEqual({
      labels: { ...workerLabels, ...WORKLOAD_IDENTITY_LABEL },
      annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
    });
    const pod = spec.spec;
    expect(pod.termination_grace_period_seconds).toBe(660);
    expect(pod.termination_grace_period_seconds as number).toBeGreaterThan(config.worker.jobTimeoutSeconds);
    expect(pod.security_context).toMatchObject({
      run_as_non_root: true,
      run_as_user: "10001",
      fs_group: "10001",
    });
    const [container] = pod.container as Record<string, unknown>[];
    expect(container).toMatchObject({
      image: "crdocsifttest.azurecr.io/docsift-worker:0123abc",
      readiness_probe: { http_get: { path: "/readyz", port: "8080" } },
      liveness_probe: { http_get: { path: "/healthz", port: "8080" } },
      resources: {
        // 1 job × 100 MiB upload + 512 MiB model cache and scratch.
        requests: { cpu: "1", memory: "2Gi", "ephemeral-storage": "612Mi" },
        limits: { cpu: "2", memory: "3Gi" },
      },
      security_context: {
        run_as_non_root: true,
        run_as_user: "10001",
        allow_privilege_escalation: false,
        read_only_root_filesystem: true,
        capabilities: { drop: ["ALL"] },
      },
    });
    const env = Object.fromEntries(
      (container!.env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    expect(env).toEqual({
      DOCSIFT_ENVIRONMENT: "azure",
      SERVICEBUS_NAMESPACE: "sb-docsift-test.servicebus.windows.net",
      STORAGE_ACCOUNT_URL: "https://stdocsifttest.blob.core.windows.net",
      COSMOS_ENDPOINT: "https://cosmos-docsift-test.documents.azure.com:443/",
      COSMOS_DATABASE: "docsift",
      TASKS_QUEUE: QUEUES.tasks,
      EVENTS_QUEUE: QUEUES.events,
      MODEL_NAME: "docsift-kie",
      MODEL_VERSION: "current",
      WORKER_CONCURRENCY: "1",
      JOB_TIMEOUT_SECONDS: "600",
      DRAIN_GRACE_SECONDS: "600",
      HEALTH_PORT: "8080",
      OCR_ENABLED: "true",
      LOG_LEVEL: "debug",
    });
    // The worker's own config contract accepts exactly this environment; a renamed or mistyped
    // variable fails here rather than in a crash-looping pod.
    const parsed = parseConfig("worker", WorkerConfigSchema, env);
    expect(parsed).toMatchObject({
      environment: "azure",
      serviceBus: { kind: "identity", endpoint: "sb-docsift-test.servicebus.windows.net" },
      cosmos: { kind: "identity", database: "docsift" },
      queues: { tasks: QUEUES.tasks, events: QUEUES.events },
      concurrency: 1,
      jobTimeoutMs: 600_000,
      drainGraceMs: 600_000,
      healthPort: 8080,
      model: { name: "docsift-kie", version: "current" },
    });
    const { COSMOS_ENDPOINT: _renamed, ...withoutCosmos } = env;
    expect(() => parseConfig("worker", WorkerConfigSchema, { ...withoutCosmos, COSMOS_URL: "x" })).toThrow(
      ConfigError,
    );
  });

  it("does not mount a Kubernetes API token: workload identity projects its own", () => {
    const pod = (
      resource(json, "kubernetes_deployment_v1", "worker-deployment").spec as {
        template: { spec: Record<string, unknown> };
      }
    ).template.spec;
    expect(pod.automount_service_account_token).toBe(false);
    expect(scaledJob(config, "img").spec.jobTargetRef.template.spec.automountServiceAccountToken).toBe(false);
  });

  it("is a valid apps/v1 Deployment (kubernetes-models schema) built from the same pod spec", () => {
    const pod = workerPodSpec(config, workerImage(config, "0123abc"));
    const deployment = new Deployment({
      metadata: { name: WORKER_NAME, namespace: "docsift", labels: workerLabels },
      spec: {
        replicas: 0,
        selector: { matchLabels: workerLabels },
        template: { metadata: { labels: { ...workerLabels, ...WORKLOAD_IDENTITY_LABEL } }, spec: pod },
      },
    });
    expect(() => deployment.validate()).not.toThrow();
    // The validator does catch type errors in this shape (it does not reject unknown fields).
    const broken = new Deployment({
      ...deployment,
      spec: {
        ...deployment.spec!,
        template: {
          spec: {
            ...pod,
            containers: [{ ...pod.containers[0]!, ports: [{ containerPort: "8080" as unknown as number }] }],
          },
        },
      },
    });
    expect(() => broken.validate()).toThrow(/containerPort must be integer/);
  });

  it("has a valid pod disruption budget that evicts one pod at a time", () => {
    const pdb = resource(json, "kubernetes_pod_disruption_budget_v1", "worker-pdb");
    expect(pdb.spec).toEqual({ max_unavailable: "1", selector: { match_labels: workerLabels } });
    const model = new PodDisruptionBudget({
      metadata: { name: WORKER_NAME },
      spec: { maxUnavailable: 1, selector: { matchLabels: workerLabels } },
    });
    expect(() => model.validate()).not.toThrow();
  });
});

describe("Kubernetes stack: worker placement and node scale-down", () => {
  const podSpec = () =>
    (
      resource(json, "kubernetes_deployment_v1", "worker-deployment").spec as {
        template: { spec: Record<string, unknown> };
      }
    ).template.spec;

  it("runs worker pods only on the worker pool: its label selected, its taint tolerated", () => {
    const pod = podSpec();
    expect(pod.node_selector).toEqual({ "docsift.io/pool": "worker" });
    expect(pod.toleration).toEqual([
      { key: "docsift.io/pool", operator: "Equal", value: "worker", effect: "NoSchedule" },
    ]);
    const job = scaledJob(config, "img").spec.jobTargetRef.template;
    expect(job.spec.nodeSelector).toEqual({ "docsift.io/pool": "worker" });
    expect(job.metadata.annotations).toEqual({ "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
  });

  it("spreads worker pods over zones and nodes without ever blocking a scale-up", () => {
    const spread = podSpec().topology_spread_constraint as Record<string, unknown>[];
    expect(spread.map((t) => t.topology_key)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    for (const t of spread) {
      expect(t).toMatchObject({
        max_skew: 1,
        when_unsatisfiable: "ScheduleAnyway",
        label_selector: [{ match_labels: workerLabels }],
      });
    }
  });

  it("sizes /tmp and the ephemeral-storage request from the upload limit and concurrency", () => {
    const big = testConfig({ storage: { maxUploadBytes: 1024 * 1024 * 1024 }, worker: { concurrency: 3 } });
    const pod = workerPodSpec(big, "img");
    // 3 documents of 1 GiB + 512 MiB.
    expect(pod.containers[0]!.resources.requests["ephemeral-storage"]).toBe("3584Mi");
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "3584Mi" } }]);
    // Both Kubernetes shapes accept it (the Deployment model and the ScaledJob CRD).
    expect(() =>
      new Deployment({
        metadata: { name: WORKER_NAME },
        spec: {
          selector: { matchLabels: workerLabels },
          template: { metadata: { labels: workerLabels }, spec: pod },
        },
      }).validate(),
    ).not.toThrow();
    expect(validateKeda(scaledJob(big, "img"))).toEqual([]);
  });
});

describe("Kubernetes stack: KEDA objects against the v2.20.2 CRD schemas", () => {
  it("authenticates the scaler with azure-workload as the KEDA identity", () => {
    const auth = manifestOf(json, "trigger-authentication");
    expect(auth).toMatchObject({
      kind: "TriggerAuthentication",
      spec: {
        podIdentity: {
          provider: "azure-workload",
          identityId: "${data.azurerm_user_assigned_identity.keda-identity.client_id}",
        },
      },
    });
    expect(validateKeda(auth)).toEqual([]);
  });

  it("scales the Deployment 0..max on the task queue, scale-in after the configured window", () => {
    const so = manifestOf(json, "scaled-object");
    expect(validateKeda(so)).toEqual([]);
    expect(so).toMatchObject({
      spec: {
        scaleTargetRef: { name: WORKER_NAME },
        minReplicaCount: 0,
        maxReplicaCount: 4,
        pollingInterval: 15,
        triggers: [
          {
            type: "azure-servicebus",
            metadata: {
              queueName: QUEUES.tasks,
              namespace: "sb-docsift-test",
              messageCount: "1",
              activationMessageCount: "0",
            },
            authenticationRef: { name: "docsift-servicebus-workload-identity" },
          },
        ],
        advanced: {
          horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } },
        },
      },
    });
  });

  it("derives messageCount from worker concurrency", () => {
    const so = scaledObject(testConfig({ worker: { concurrency: 3 } }));
    expect(so.spec.triggers[0]!.metadata.messageCount).toBe("3");
  });

  it("limits scale-in to N pods a minute, or, with scaleDownPodsPerMinute null, not at all", () => {
    const behaviorOf = (perMinute: number | null) =>
      scaledObject(testConfig({ scaling: { scaleDownPodsPerMinute: perMinute } })).spec.advanced
        .horizontalPodAutoscalerConfig.behavior.scaleDown;
    expect(behaviorOf(2).policies).toEqual([{ type: "Pods", value: 2, periodSeconds: 60 }]);
    expect(behaviorOf(null).policies).toEqual([{ type: "Percent", value: 100, periodSeconds: 15 }]);
    expect(validateKeda(scaledObject(testConfig({ scaling: { scaleDownPodsPerMinute: null } })))).toEqual([]);
  });

  it("catches a misspelt or mistyped field", () => {
    const so = scaledObject(config);
    expect(validateKeda({ ...so, spec: { ...so.spec, maxReplicas: 4 } })).toEqual([
      expect.stringContaining("must NOT have additional properties"),
    ]);
    expect(validateKeda({ ...so, spec: { ...so.spec, pollingInterval: "15" } })).toEqual([
      expect.stringContaining("/spec/pollingInterval must be integer"),
    ]);
    const auth = triggerAuthentication(config, "id");
    expect(validateKeda({ ...auth, spec: { podIdentity: { provider: "azure-wokload" } } })).toEqual([
      expect.stringContaining("must be equal to one of the allowed values"),
    ]);
  });

  it("offers a ScaledJob variant: one Job per message, no Deployment, default or eager strategy", () => {
    for (const strategy of ["default", "eager"] as const) {
      const c = testConfig({ scaling: { mode: "scaledJob", scaledJobStrategy: strategy } });
      const { json: jobJson } = synthKubernetes(c);
      expect(resourcesOf(jobJson, "kubernetes_deployment_v1")).toEqual([]);
      expect(Object.keys(jobJson.resource.kubernetes_manifest ?? {}).sort()).toEqual([
        "scaled-job",
        "trigger-authentication",
      ]);
      const sj = manifestOf(jobJson, "scaled-job");
      expect(validateKeda(sj)).toEqual([]);
      expect(sj).toMatchObject({
        kind: "ScaledJob",
        spec: {
          scalingStrategy: { strategy },
          jobTargetRef: {
            backoffLimit: 0,
            template: { spec: { restartPolicy: "Never", serviceAccountName: "docsift-worker" } },
          },
          triggers: [{ metadata: { messageCount: "1" } }],
        },
      });
    }
    const sj = scaledJob(config, "img");
    const env = sj.spec.jobTargetRef.template.spec.containers[0]!.env;
    expect(env).toContainEqual({ name: "WORKER_MAX_JOBS", value: "1" });
    const jobEnv = Object.fromEntries(env.map((e) => [e.name, e.value]));
    expect(parseConfig("worker", WorkerConfigSchema, jobEnv)).toMatchObject({
      maxJobs: 1,
      // A Job started for a message another Job holds exits instead of waiting for its deadline.
      idleExitSeconds: SCALED_JOB_IDLE_EXIT_SECONDS,
    });
    expect(SCALED_JOB_IDLE_EXIT_SECONDS).toBeGreaterThan(0);
  });
});
