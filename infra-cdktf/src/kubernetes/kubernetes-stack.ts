import { Fn, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider/index.js";
import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster/index.js";
import { DataAzurermUserAssignedIdentity } from "@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1/index.js";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1/index.js";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import type { EnvironmentConfig } from "../config.js";
import { configureAzureBackend } from "../azure/azure-stack.js";
import { AKS_AAD_SERVER_APP_ID, azureNames, registryLoginServer } from "../azure/naming.js";
import {
  WORKER_NAME,
  WORKER_POD_ANNOTATIONS,
  WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
  WORKLOAD_IDENTITY_LABEL,
  workerLabels,
  workerPodSpec,
} from "./worker-spec.js";
import { scaledJob, scaledObject, triggerAuthentication } from "./keda-manifests.js";
import { toDeploymentPodSpec } from "./deployment-config.js";

export interface KubernetesStackOptions {
  /** Worker image tag (the pipeline passes the commit SHA it pushed). */
  imageTag: string;
}

export const workerImage = (c: EnvironmentConfig, tag: string): string =>
  `${registryLoginServer(azureNames(c))}/${c.worker.imageRepository}:${tag}`;

/**
 * Cluster-side objects. A separate stack because `kubernetes_manifest` needs the cluster and the
 * KEDA CRDs at plan time; Azure resources are looked up by their deterministic names.
 */
export class KubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, c: EnvironmentConfig, options: KubernetesStackOptions) {
    super(scope, id);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(options.imageTag)) {
      throw new Error(`invalid image tag "${options.imageTag}"`);
    }
    const n = azureNames(c);
    configureAzureBackend(this, c, "kubernetes");
    new AzurermProvider(this, "azurerm", { features: [{}] });

    const cluster = new DataAzurermKubernetesCluster(this, "cluster", {
      name: n.aks,
      resourceGroupName: n.resourceGroup,
    });
    const workerIdentity = new DataAzurermUserAssignedIdentity(this, "worker-identity", {
      name: n.workerIdentity,
      resourceGroupName: n.resourceGroup,
    });
    const kedaIdentity = new DataAzurermUserAssignedIdentity(this, "keda-identity", {
      name: n.kedaIdentity,
      resourceGroupName: n.resourceGroup,
    });

    // Local accounts are off: kubelogin exchanges the caller's Azure CLI login (OIDC in CI) for
    // an Entra token; no kubeconfig secret exists anywhere.
    new KubernetesProvider(this, "kubernetes", {
      host: cluster.kubeConfig.get(0).host,
      clusterCaCertificate: Fn.base64decode(cluster.kubeConfig.get(0).clusterCaCertificate),
      exec: [
        {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "kubelogin",
          args: ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID],
        },
      ],
    });

    const ns = new NamespaceV1(this, "namespace", {
      metadata: { name: c.worker.namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    const sa = new ServiceAccountV1(this, "worker-service-account", {
      metadata: {
        name: c.worker.serviceAccount,
        namespace: ns.metadata.name,
        labels: workerLabels,
        annotations: { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: workerIdentity.clientId },
      },
    });
    const auth = new Manifest(this, "trigger-authentication", {
      manifest: triggerAuthentication(c, kedaIdentity.clientId),
      dependsOn: [ns],
    });

    const image = workerImage(c, options.imageTag);
    if (c.scaling.mode === "scaledJob") {
      new Manifest(this, "scaled-job", { manifest: scaledJob(c, image), dependsOn: [auth, sa] });
      return;
    }

    const deployment = new DeploymentV1(this, "worker-deployment", {
      metadata: { name: WORKER_NAME, namespace: ns.metadata.name, labels: workerLabels },
      spec: {
        // KEDA owns replicas from here on; Terraform only sets the initial value.
        replicas: "0",
        selector: { matchLabels: workerLabels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "0" } },
        template: {
          metadata: {
            labels: { ...workerLabels, ...WORKLOAD_IDENTITY_LABEL },
            annotations: { ...WORKER_POD_ANNOTATIONS },
          },
          spec: toDeploymentPodSpec(workerPodSpec(c, image)),
        },
      },
      // Zero replicas never become ready; waiting would hang the apply.
      waitForRollout: false,
      lifecycle: { ignoreChanges: ["spec[0].replicas"] },
      dependsOn: [sa],
    });
    new PodDisruptionBudgetV1(this, "worker-pdb", {
      metadata: { name: WORKER_NAME, namespace: ns.metadata.name, labels: workerLabels },
      // Voluntary evictions (node drains, upgrades) take one pod at a time; each drains its job.
      spec: { maxUnavailable: "1", selector: { matchLabels: workerLabels } },
    });
    new Manifest(this, "scaled-object", { manifest: scaledObject(c), dependsOn: [auth, deployment] });
  }
}
