import type { EnvironmentConfig } from "../config.js";

/**
 * Every Azure name derives from prefix + environment, so the Kubernetes stack and the pipeline
 * can find resources by name without reading the Azure stack's state.
 */
export function azureNames(c: EnvironmentConfig) {
  const p = c.prefix;
  const e = c.environment;
  return {
    resourceGroup: `rg-${p}-${e}`,
    logAnalytics: `log-${p}-${e}`,
    appInsights: `appi-${p}-${e}`,
    dataStorage: `st${p}${e}`,
    hostStorage: `st${p}fn${e}`,
    deploymentContainer: "function-releases",
    serviceBus: `sb-${p}-${e}`,
    cosmos: `cosmos-${p}-${e}`,
    webPubSub: `wps-${p}-${e}`,
    keyVault: `kv-${p}-${e}`,
    vapidPrivateKeySecret: "vapid-private-key",
    vapidPublicKeySecret: "vapid-public-key",
    servicePlan: `asp-${p}-${e}`,
    functionApp: `func-${p}-${e}`,
    staticWebApp: `stapp-${p}-${e}`,
    registry: `cr${p}${e}`,
    aks: `aks-${p}-${e}`,
    workerIdentity: `id-${p}-${e}-worker`,
    kedaIdentity: `id-${p}-${e}-keda`,
    actionGroup: `ag-${p}-${e}`,
    containerInsightsRule: `dcr-${p}-${e}-container-insights`,
    virtualNetwork: `vnet-${p}-${e}`,
    // Deploy identities live outside the environment's resource group: the bootstrap stack
    // creates them before (and keeps them after) the Azure stack.
    deployResourceGroup: `rg-${p}-${e}-deploy`,
    planIdentity: `id-${p}-${e}-plan`,
    applyIdentity: `id-${p}-${e}-apply`,
    kubernetesReaderRole: `${p}-${e} Kubernetes reader (plan)`,
    /** GitHub environments: plan runs in `<env>-plan` (no reviewers), apply in `<env>` (reviewers). */
    githubPlanEnvironment: `${e}-plan`,
    githubApplyEnvironment: e,
  } as const;
}

export type AzureNames = ReturnType<typeof azureNames>;

export const serviceBusFqdn = (n: AzureNames): string => `${n.serviceBus}.servicebus.windows.net`;
export const blobEndpoint = (n: AzureNames): string => `https://${n.dataStorage}.blob.core.windows.net`;
export const cosmosEndpoint = (n: AzureNames): string => `https://${n.cosmos}.documents.azure.com:443/`;
export const webPubSubEndpoint = (n: AzureNames): string => `https://${n.webPubSub}.webpubsub.azure.com`;
export const registryLoginServer = (n: AzureNames): string => `${n.registry}.azurecr.io`;

/** Built-in role names; Azure resolves them per subscription, so no GUIDs are hard-coded. */
export const ROLES = {
  blobDataReader: "Storage Blob Data Reader",
  blobDataContributor: "Storage Blob Data Contributor",
  blobDataOwner: "Storage Blob Data Owner",
  blobDelegator: "Storage Blob Delegator",
  serviceBusReceiver: "Azure Service Bus Data Receiver",
  serviceBusSender: "Azure Service Bus Data Sender",
  serviceBusOwner: "Azure Service Bus Data Owner",
  webPubSubOwner: "Web PubSub Service Owner",
  keyVaultSecretsUser: "Key Vault Secrets User",
  acrPull: "AcrPull",
  aksRbacClusterAdmin: "Azure Kubernetes Service RBAC Cluster Admin",
  monitoringMetricsPublisher: "Monitoring Metrics Publisher",
  networkContributor: "Network Contributor",
} as const;

/**
 * Roles only the bootstrap stack assigns (to the deploy identities); the Azure stack never does,
 * so they stay out of the apply identity's delegable roles.
 */
export const DEPLOY_ROLES = {
  reader: "Reader",
  contributor: "Contributor",
  rbacAdministrator: "Role Based Access Control Administrator",
  aksClusterUser: "Azure Kubernetes Service Cluster User Role",
  blobDataReader: ROLES.blobDataReader,
  blobDataContributor: ROLES.blobDataContributor,
} as const;

/** Issuer of the OIDC tokens GitHub Actions jobs present to Entra ID. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** Subject of a GitHub Actions job's OIDC token when the job runs in a GitHub environment. */
export const githubEnvironmentSubject = (repository: string, environment: string): string =>
  `repo:${repository}:environment:${environment}`;

/** Cosmos DB Built-in Data Contributor (a data-plane SQL role, not an Azure RBAC role). */
export const COSMOS_DATA_CONTRIBUTOR_ROLE_ID = "00000000-0000-0000-0000-000000000002";

/** Audience AKS workload identity and GitHub OIDC tokens are exchanged for. */
export const FEDERATED_AUDIENCE = "api://AzureADTokenExchange";

/** Entra application ID of the AKS AAD server; kubelogin asks for tokens for it. */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** KEDA add-on operator's service account, which authenticates its scalers with workload identity. */
export const KEDA_OPERATOR_SUBJECT = "system:serviceaccount:kube-system:keda-operator";
