import type { DeploymentV1SpecTemplateSpec } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import type { workerPodSpec } from "./worker-spec.js";

type PodSpec = ReturnType<typeof workerPodSpec>;
type Container = PodSpec["containers"][number];
type Probe = Container["readinessProbe"];

const probe = (p: Probe) => ({
  httpGet: { path: p.httpGet.path, port: String(p.httpGet.port) },
  periodSeconds: p.periodSeconds,
  failureThreshold: p.failureThreshold,
  timeoutSeconds: p.timeoutSeconds,
});

/**
 * The provider's Deployment block is shaped after Terraform (singular list names, numeric ids as
 * strings); the pod itself is defined once in Kubernetes shape and mapped here, so the schema
 * test validates the same values Terraform applies.
 */
export function toDeploymentPodSpec(pod: PodSpec): DeploymentV1SpecTemplateSpec {
  return {
    serviceAccountName: pod.serviceAccountName,
    automountServiceAccountToken: pod.automountServiceAccountToken,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
    securityContext: {
      runAsNonRoot: pod.securityContext.runAsNonRoot,
      runAsUser: String(pod.securityContext.runAsUser),
      runAsGroup: String(pod.securityContext.runAsGroup),
      fsGroup: String(pod.securityContext.fsGroup),
      seccompProfile: { type: pod.securityContext.seccompProfile.type },
    },
    nodeSelector: pod.nodeSelector,
    toleration: pod.tolerations.map((t) => ({ ...t })),
    topologySpreadConstraint: pod.topologySpreadConstraints.map((t) => ({
      maxSkew: t.maxSkew,
      topologyKey: t.topologyKey,
      whenUnsatisfiable: t.whenUnsatisfiable,
      labelSelector: [{ matchLabels: t.labelSelector.matchLabels }],
    })),
    container: pod.containers.map((ct) => ({
      name: ct.name,
      image: ct.image,
      imagePullPolicy: ct.imagePullPolicy,
      port: ct.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
      env: ct.env.map((e) => ({ name: e.name, value: e.value })),
      resources: { requests: ct.resources.requests, limits: ct.resources.limits },
      startupProbe: probe(ct.startupProbe),
      livenessProbe: probe(ct.livenessProbe),
      readinessProbe: probe(ct.readinessProbe),
      securityContext: {
        runAsNonRoot: ct.securityContext.runAsNonRoot,
        runAsUser: String(ct.securityContext.runAsUser),
        runAsGroup: String(ct.securityContext.runAsGroup),
        allowPrivilegeEscalation: ct.securityContext.allowPrivilegeEscalation,
        readOnlyRootFilesystem: ct.securityContext.readOnlyRootFilesystem,
        capabilities: { drop: ct.securityContext.capabilities.drop },
        seccompProfile: { type: ct.securityContext.seccompProfile.type },
      },
      volumeMount: ct.volumeMounts.map((v) => ({ name: v.name, mountPath: v.mountPath })),
    })),
    volume: pod.volumes.map((v) => ({ name: v.name, emptyDir: { sizeLimit: v.emptyDir.sizeLimit } })),
  };
}
