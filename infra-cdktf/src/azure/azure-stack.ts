import { AzurermBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider/index.js";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config/index.js";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group/index.js";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace/index.js";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights/index.js";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account/index.js";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container/index.js";
import { StorageManagementPolicy } from "@cdktf/provider-azurerm/lib/storage-management-policy/index.js";
import { ServicebusNamespace } from "@cdktf/provider-azurerm/lib/servicebus-namespace/index.js";
import { ServicebusQueue } from "@cdktf/provider-azurerm/lib/servicebus-queue/index.js";
import { CosmosdbAccount } from "@cdktf/provider-azurerm/lib/cosmosdb-account/index.js";
import { CosmosdbSqlDatabase } from "@cdktf/provider-azurerm/lib/cosmosdb-sql-database/index.js";
import { CosmosdbSqlContainer } from "@cdktf/provider-azurerm/lib/cosmosdb-sql-container/index.js";
import { CosmosdbSqlRoleAssignment } from "@cdktf/provider-azurerm/lib/cosmosdb-sql-role-assignment/index.js";
import { WebPubsub } from "@cdktf/provider-azurerm/lib/web-pubsub/index.js";
import { WebPubsubHub } from "@cdktf/provider-azurerm/lib/web-pubsub-hub/index.js";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault/index.js";
import { ServicePlan } from "@cdktf/provider-azurerm/lib/service-plan/index.js";
import { FunctionAppFlexConsumption } from "@cdktf/provider-azurerm/lib/function-app-flex-consumption/index.js";
import { StaticWebApp } from "@cdktf/provider-azurerm/lib/static-web-app/index.js";
import { StaticWebAppFunctionAppRegistration } from "@cdktf/provider-azurerm/lib/static-web-app-function-app-registration/index.js";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network/index.js";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet/index.js";
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry/index.js";
import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster/index.js";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool/index.js";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity/index.js";
import { DataAzurermUserAssignedIdentity } from "@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity/index.js";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential/index.js";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group/index.js";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert/index.js";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2/index.js";
import { BLOB_CONTAINERS, COSMOS, QUEUES, WEB_PUBSUB_HUB } from "@docsift/core";
import { terminationGracePeriodSeconds, type EnvironmentConfig } from "../config.js";
import { WORKER_POOL_LABEL, workerPoolTaint } from "../kubernetes/worker-spec.js";
import {
  COSMOS_DATA_CONTRIBUTOR_ROLE_ID,
  FEDERATED_AUDIENCE,
  KEDA_OPERATOR_SUBJECT,
  ROLES,
  azureNames,
  serviceBusFqdn,
} from "./naming.js";
import { blobContainerScope, grantRole } from "./role-grants.js";
import { subnetPrefix } from "./network.js";
import { cosmosContainers } from "./cosmos-containers.js";
import { containerInsights, noWorkerBacklogQuery, sendDiagnosticsTo } from "./observability.js";

/** Terraform state key of a stack; one blob per environment and stack in the bootstrap container. */
export const stateKey = (c: EnvironmentConfig, stack: string): string =>
  `${c.prefix}-${c.environment}-${stack}.tfstate`;

/** App Service resolves this to the latest secret version with the app's identity. */
export const keyVaultReference = (vault: string, secret: string): string =>
  `@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})`;

export function configureAzureBackend(scope: Construct, c: EnvironmentConfig, stack: string): void {
  new AzurermBackend(scope, {
    resourceGroupName: c.stateBackend.resourceGroupName,
    storageAccountName: c.stateBackend.storageAccountName,
    containerName: c.stateBackend.containerName,
    key: stateKey(c, stack),
    // Entra ID for the state blob too: the state account has shared keys off, and CI has no secret.
    useAzureadAuth: true,
    useOidc: true,
  });
}

export class AzureStack extends TerraformStack {
  constructor(scope: Construct, id: string, c: EnvironmentConfig) {
    super(scope, id);
    const n = azureNames(c);
    const tags = { app: c.prefix, environment: c.environment, "managed-by": "cdktf", ...c.tags };
    configureAzureBackend(this, c, "azure");

    new AzurermProvider(this, "azurerm", {
      features: [{}],
      // Accounts have shared keys off, so the provider must use Entra ID for data-plane calls.
      storageUseAzuread: true,
    });
    const client = new DataAzurermClientConfig(this, "client");

    const rg = new ResourceGroup(this, "rg", { name: n.resourceGroup, location: c.location, tags });
    const base = { resourceGroupName: rg.name, location: rg.location, tags };

    // ---- Observability
    const logs = new LogAnalyticsWorkspace(this, "logs", {
      ...base,
      name: n.logAnalytics,
      sku: "PerGB2018",
      retentionInDays: 30,
    });
    const appInsights = new ApplicationInsights(this, "app-insights", {
      ...base,
      name: n.appInsights,
      applicationType: "Node.JS",
      workspaceId: logs.id,
      // Telemetry is accepted only with an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
      localAuthenticationDisabled: true,
    });

    // ---- Static Web App serving the PWA. Standard: a linked Function App backend (below) needs it;
    // SWA then serves /api on the PWA's own origin and signs users in itself.
    const pwa = new StaticWebApp(this, "pwa", {
      ...base,
      name: n.staticWebApp,
      skuTier: "Standard",
      skuSize: "Standard",
    });
    // The browser PUTs uploads straight to Blob Storage: the one cross-origin call left.
    const pwaOrigin = c.pwa.customOrigin ?? `https://${pwa.defaultHostName}`;

    // ---- Network: one VNet for the Functions integration subnet and the AKS nodes, with service
    // endpoints so Cosmos DB, Key Vault (and Service Bus on Premium) can admit these subnets only.
    const serviceEndpoints = [
      "Microsoft.AzureCosmosDB",
      "Microsoft.KeyVault",
      "Microsoft.ServiceBus",
      "Microsoft.Storage",
    ];
    const vnet = new VirtualNetwork(this, "vnet", {
      ...base,
      name: n.virtualNetwork,
      addressSpace: [c.network.vnetAddressSpace],
    });
    const functionsSubnet = new Subnet(this, "functions-subnet", {
      name: "functions",
      resourceGroupName: rg.name,
      virtualNetworkName: vnet.name,
      addressPrefixes: [subnetPrefix(c.network.vnetAddressSpace, 0, 24)],
      serviceEndpoints,
      // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
      delegation: [
        {
          name: "flex-consumption",
          serviceDelegation: {
            name: "Microsoft.App/environments",
            actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
          },
        },
      ],
    });
    const aksSubnet = new Subnet(this, "aks-subnet", {
      name: "aks-nodes",
      resourceGroupName: rg.name,
      virtualNetworkName: vnet.name,
      addressPrefixes: [subnetPrefix(c.network.vnetAddressSpace, 1, 22)],
      serviceEndpoints,
    });
    const appSubnets = [functionsSubnet.id, aksSubnet.id];
    const restrict = c.network.restrictDataServices;

    // ---- Storage: documents and models (data) + the Functions host account.
    const secureStorage = {
      accountTier: "Standard",
      accountKind: "StorageV2",
      accountReplicationType: c.storage.replication,
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: "TLS1_2",
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      crossTenantReplicationEnabled: false,
      localUserEnabled: false,
      sftpEnabled: false,
      infrastructureEncryptionEnabled: true,
    } as const;
    const data = new StorageAccount(this, "data-storage", {
      ...base,
      ...secureStorage,
      name: n.dataStorage,
      blobProperties: {
        deleteRetentionPolicy: { days: 7 },
        containerDeleteRetentionPolicy: { days: 7 },
        corsRule: [
          {
            // The browser PUTs blocks straight to the write-only SAS URL.
            allowedOrigins: [pwaOrigin],
            allowedMethods: ["PUT", "GET", "HEAD", "OPTIONS"],
            allowedHeaders: ["content-type", "content-length", "x-ms-*"],
            exposedHeaders: ["etag", "x-ms-*"],
            maxAgeInSeconds: 3600,
          },
        ],
      },
    });
    const containers = [BLOB_CONTAINERS.uploads, BLOB_CONTAINERS.models, n.deploymentContainer];
    for (const name of containers) {
      new StorageContainer(this, `container-${name}`, {
        name,
        storageAccountId: data.id,
        containerAccessType: "private",
      });
    }
    new StorageManagementPolicy(this, "uploads-lifecycle", {
      storageAccountId: data.id,
      rule: [
        {
          name: "delete-old-uploads",
          enabled: true,
          filters: { blobTypes: ["blockBlob"], prefixMatch: [`${BLOB_CONTAINERS.uploads}/`] },
          actions: {
            baseBlob: { deleteAfterDaysSinceModificationGreaterThan: c.storage.uploadRetentionDays },
          },
        },
      ],
    });
    // Separate account: the Functions host needs Blob Data Owner on its storage account, which
    // must not extend to users' documents.
    const hostStorage = new StorageAccount(this, "host-storage", {
      ...base,
      ...secureStorage,
      name: n.hostStorage,
    });

    // ---- Service Bus
    const bus = new ServicebusNamespace(this, "service-bus", {
      ...base,
      name: n.serviceBus,
      sku: c.serviceBus.sku,
      localAuthEnabled: false,
      minimumTlsVersion: "1.2",
      // Network rules exist on Premium only; on Standard the namespace stays publicly reachable
      // (Entra ID only, local auth off).
      networkRuleSet:
        c.serviceBus.sku === "Premium"
          ? {
              defaultAction: c.network.restrictServiceBus ? "Deny" : "Allow",
              publicNetworkAccessEnabled: true,
              trustedServicesAllowed: true,
              ipRules: c.network.restrictServiceBus ? c.network.allowedIpRanges : [],
              networkRules: c.network.restrictServiceBus ? appSubnets.map((subnetId) => ({ subnetId })) : [],
            }
          : undefined,
    });
    const tasks = new ServicebusQueue(this, "queue-tasks", {
      name: QUEUES.tasks,
      namespaceId: bus.id,
      lockDuration: c.serviceBus.lockDuration,
      maxDeliveryCount: c.serviceBus.maxDeliveryCount,
      deadLetteringOnMessageExpiration: true,
      defaultMessageTtl: c.serviceBus.taskTimeToLive,
      // messageId = jobId:submission: a re-sent task (retried send, double submit) is dropped by
      // the broker within the window.
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: "PT10M",
    });
    const events = new ServicebusQueue(this, "queue-events", {
      name: QUEUES.events,
      namespaceId: bus.id,
      lockDuration: "PT1M",
      maxDeliveryCount: 10,
      deadLetteringOnMessageExpiration: true,
      defaultMessageTtl: c.serviceBus.eventTimeToLive,
      // A worker that re-publishes an event after a lost acknowledgement sends the same messageId.
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: "PT10M",
    });

    // ---- Cosmos DB (serverless, SQL API, Entra ID only)
    const cosmos = new CosmosdbAccount(this, "cosmos", {
      ...base,
      name: n.cosmos,
      offerType: "Standard",
      kind: "GlobalDocumentDB",
      capabilities: [{ name: "EnableServerless" }],
      consistencyPolicy: { consistencyLevel: c.cosmos.consistency },
      geoLocation: [{ location: c.location, failoverPriority: 0 }],
      localAuthenticationDisabled: true,
      accessKeyMetadataWritesEnabled: false,
      minimalTlsVersion: "Tls12",
      // Service endpoints and IP rules both need public network access on; the filter does the rest.
      publicNetworkAccessEnabled: true,
      isVirtualNetworkFilterEnabled: restrict,
      virtualNetworkRule: restrict ? appSubnets.map((id) => ({ id })) : undefined,
      ipRangeFilter: restrict ? c.network.allowedIpRanges : undefined,
      networkAclBypassForAzureServices: false,
    });
    const db = new CosmosdbSqlDatabase(this, "cosmos-db", {
      name: COSMOS.database,
      accountName: cosmos.name,
      resourceGroupName: rg.name,
    });
    for (const [key, container] of Object.entries(cosmosContainers(c))) {
      new CosmosdbSqlContainer(this, `cosmos-${key}`, {
        name: container.name,
        accountName: cosmos.name,
        databaseName: db.name,
        resourceGroupName: rg.name,
        partitionKeyPaths: [container.partitionKey],
        partitionKeyVersion: 2,
        defaultTtl: container.defaultTtlSeconds,
        // Only the queried paths: every other field costs write RUs and storage for nothing.
        indexingPolicy: {
          indexingMode: "consistent",
          includedPath: container.indexedPaths.map((path) => ({ path: `${path}/?` })),
          excludedPath: [{ path: "/*" }],
        },
      });
    }

    // ---- Web PubSub (Entra ID only; the Functions identity mints client tokens through the API)
    const wps = new WebPubsub(this, "web-pubsub", {
      ...base,
      name: n.webPubSub,
      sku: c.webPubSub.sku,
      capacity: c.webPubSub.capacity,
      localAuthEnabled: false,
      aadAuthEnabled: true,
    });
    new WebPubsubHub(this, "web-pubsub-hub", {
      name: WEB_PUBSUB_HUB,
      webPubsubId: wps.id,
      anonymousConnectionsEnabled: false,
    });

    // ---- Key Vault (RBAC). The VAPID private key is set by the bootstrap, never by code.
    const vault = new KeyVault(this, "key-vault", {
      ...base,
      name: n.keyVault,
      tenantId: client.tenantId,
      skuName: "standard",
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 30,
      networkAcls: {
        defaultAction: restrict ? "Deny" : "Allow",
        bypass: "AzureServices",
        // Only the Function App resolves Key Vault references; the worker never reads the vault.
        virtualNetworkSubnetIds: restrict ? [functionsSubnet.id] : [],
        ipRules: restrict ? c.network.allowedIpRanges : [],
      },
    });

    // ---- Function App on Flex Consumption
    const plan = new ServicePlan(this, "functions-plan", {
      ...base,
      name: n.servicePlan,
      osType: "Linux",
      skuName: "FC1",
    });
    const audiences = [`api://${c.auth.apiClientId}`, c.auth.apiClientId, ...c.auth.allowedAudiences];
    const func = new FunctionAppFlexConsumption(this, "function-app", {
      ...base,
      name: n.functionApp,
      servicePlanId: plan.id,
      runtimeName: "node",
      runtimeVersion: c.functions.nodeVersion,
      maximumInstanceCount: c.functions.maximumInstanceCount,
      instanceMemoryInMb: c.functions.instanceMemoryMb,
      storageContainerType: "blobContainer",
      storageContainerEndpoint: `${data.primaryBlobEndpoint}${n.deploymentContainer}`,
      storageAuthenticationType: "SystemAssignedIdentity",
      identity: { type: "SystemAssigned" },
      httpsOnly: true,
      clientCertificateEnabled: false,
      webdeployPublishBasicAuthenticationEnabled: false,
      // Outbound calls leave through the VNet, so the data services' subnet rules admit them.
      virtualNetworkSubnetId: functionsSubnet.id,
      siteConfig: {
        minimumTlsVersion: "1.2",
        scmMinimumTlsVersion: "1.2",
        remoteDebuggingEnabled: false,
        applicationInsightsConnectionString: appInsights.connectionString,
        // No CORS: the browser calls /api on the Static Web App's origin, which proxies to us.
      },
      // Initial Easy Auth: Entra ID bearer tokens for API clients (the CLI). Linking the Static
      // Web App (registration below) adds its `azureStaticWebApps` provider to this same config,
      // so Terraform must not write it back afterwards (azurerm docs for the registration).
      lifecycle: { ignoreChanges: ["auth_settings_v2"] },
      authSettingsV2: {
        authEnabled: true,
        requireAuthentication: true,
        unauthenticatedAction: "Return401",
        defaultProvider: "azureactivedirectory",
        requireHttps: true,
        excludedPaths: ["/api/health"],
        activeDirectoryV2: {
          clientId: c.auth.apiClientId,
          tenantAuthEndpoint: `https://login.microsoftonline.com/${c.auth.tenantId}/v2.0`,
          allowedAudiences: audiences,
        },
        login: { tokenStoreEnabled: false },
      },
      appSettings: {
        DOCSIFT_ENVIRONMENT: "azure",
        AUTH_MODE: "easyauth",
        // Identity-based host storage (azurerm #29693: the provider does not set these itself).
        AzureWebJobsStorage__accountName: hostStorage.name,
        AzureWebJobsStorage__credential: "managedidentity",
        SERVICEBUS_NAMESPACE: serviceBusFqdn(n),
        ServiceBusConnection__fullyQualifiedNamespace: serviceBusFqdn(n),
        STORAGE_ACCOUNT_URL: `https://${n.dataStorage}.blob.core.windows.net`,
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_DATABASE: COSMOS.database,
        WEBPUBSUB_ENDPOINT: `https://${wps.hostname}`,
        WEBPUBSUB_HUB: WEB_PUBSUB_HUB,
        TASKS_QUEUE: QUEUES.tasks,
        EVENTS_QUEUE: QUEUES.events,
        MAX_UPLOAD_BYTES: String(c.storage.maxUploadBytes),
        SAS_TTL_MINUTES: String(c.storage.sasTtlMinutes),
        MAX_JOBS_PER_MINUTE: String(c.functions.maxJobsPerMinute),
        MAX_OPEN_UPLOADS: String(c.functions.maxOpenUploads),
        ADMIN_ROLE: c.auth.adminRole,
        // Both halves of the VAPID pair are generated together by the bootstrap and live in the vault.
        VAPID_PUBLIC_KEY: keyVaultReference(n.keyVault, n.vapidPublicKeySecret),
        VAPID_SUBJECT: c.functions.vapidSubject,
        VAPID_PRIVATE_KEY: keyVaultReference(n.keyVault, n.vapidPrivateKeySecret),
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
      },
    });
    const funcPrincipal = func.identity.principalId;
    // SWA fronts /api on the PWA's origin, enforces staticwebapp.config.json roles, and forwards
    // its x-ms-client-principal; the link configures the Function App's Easy Auth to trust it.
    new StaticWebAppFunctionAppRegistration(this, "pwa-backend", {
      staticWebAppId: pwa.id,
      functionAppId: func.id,
    });

    // ---- Container registry and AKS
    const registry = new ContainerRegistry(this, "registry", {
      ...base,
      name: n.registry,
      sku: c.registry.sku,
      adminEnabled: false,
      anonymousPullEnabled: false,
    });
    const zones = c.aks.zones.length > 0 ? c.aks.zones : undefined;
    const aks = new KubernetesCluster(this, "aks", {
      ...base,
      name: n.aks,
      dnsPrefix: `${c.prefix}-${c.environment}`,
      kubernetesVersion: c.aks.kubernetesVersion,
      skuTier: c.aks.skuTier,
      automaticUpgradeChannel: "patch",
      nodeOsUpgradeChannel: "NodeImage",
      identity: { type: "SystemAssigned" },
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      workloadAutoscalerProfile: { kedaEnabled: true },
      roleBasedAccessControlEnabled: true,
      localAccountDisabled: true,
      azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, tenantId: client.tenantId },
      defaultNodePool: {
        name: "system",
        vmSize: c.aks.vmSize,
        autoScalingEnabled: true,
        minCount: c.aks.minNodes,
        maxCount: c.aks.maxNodes,
        osSku: "AzureLinux",
        temporaryNameForRotation: "systemtmp",
        vnetSubnetId: aksSubnet.id,
        upgradeSettings: { maxSurge: "10%" },
        zones,
        // CriticalAddonsOnly taint: system pods here, worker pods on their own pool (below).
        onlyCriticalAddonsEnabled: true,
      },
      autoScalerProfile: {
        // The autoscaler's drain waits this long for a pod to exit (AKS default 600 s). It must
        // cover the worker's grace period, or a draining job is killed mid-way on scale-down.
        maxGracefulTerminationSec: String(terminationGracePeriodSeconds(c)),
        // The worker's /tmp is an emptyDir; skipping such nodes would keep worker nodes forever.
        // Busy pods are protected by their safe-to-evict annotation instead.
        skipNodesWithLocalStorage: false,
      },
      // Overlay: pods take addresses outside the VNet and leave through their node's subnet IP,
      // which is what the data services' subnet rules see.
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", loadBalancerSku: "standard" },
      apiServerAccessProfile: { authorizedIpRanges: c.network.aksAuthorizedIpRanges },
      omsAgent: { logAnalyticsWorkspaceId: logs.id, msiAuthForMonitoringEnabled: true },
    });
    // Worker pool: only worker pods (taint + selector), autoscaled from 0, so an idle environment
    // pays for the system pool alone.
    new KubernetesClusterNodePool(this, "worker-pool", {
      name: "worker",
      kubernetesClusterId: aks.id,
      mode: "User",
      vmSize: c.aks.workerPool.vmSize,
      autoScalingEnabled: true,
      minCount: 0,
      maxCount: c.aks.workerPool.maxNodes,
      osSku: "AzureLinux",
      vnetSubnetId: aksSubnet.id,
      zones,
      nodeLabels: { ...WORKER_POOL_LABEL },
      nodeTaints: [workerPoolTaint()],
      temporaryNameForRotation: "workertmp",
      upgradeSettings: { maxSurge: "10%" },
      tags,
    });
    containerInsights(this, {
      name: n.containerInsightsRule,
      resourceGroupName: rg.name,
      location: rg.location,
      workspaceId: logs.id,
      clusterId: aks.id,
      tags,
    });
    const oidcIssuer = aks.oidcIssuerUrl;

    // ---- Workload identities: the worker's service account and KEDA's operator.
    const workerIdentity = new UserAssignedIdentity(this, "worker-identity", {
      ...base,
      name: n.workerIdentity,
    });
    new FederatedIdentityCredential(this, "worker-federation", {
      name: "aks-worker",
      resourceGroupName: rg.name,
      parentId: workerIdentity.id,
      issuer: oidcIssuer,
      subject: `system:serviceaccount:${c.worker.namespace}:${c.worker.serviceAccount}`,
      audience: [FEDERATED_AUDIENCE],
    });
    const kedaIdentity = new UserAssignedIdentity(this, "keda-identity", { ...base, name: n.kedaIdentity });
    new FederatedIdentityCredential(this, "keda-federation", {
      name: "aks-keda-operator",
      resourceGroupName: rg.name,
      parentId: kedaIdentity.id,
      issuer: oidcIssuer,
      subject: KEDA_OPERATOR_SUBJECT,
      audience: [FEDERATED_AUDIENCE],
    });

    // ---- Least-privilege data-plane roles, each scoped to one resource, container or queue.
    const uploads = blobContainerScope(data.id, BLOB_CONTAINERS.uploads);
    const models = blobContainerScope(data.id, BLOB_CONTAINERS.models);
    const releases = blobContainerScope(data.id, n.deploymentContainer);
    const worker = workerIdentity.principalId;
    const grants = [
      {
        id: "func-uploads",
        principalId: funcPrincipal,
        role: ROLES.blobDataContributor,
        scope: uploads,
        description: "Functions: create, verify and delete uploaded documents",
      },
      {
        id: "func-delegator",
        principalId: funcPrincipal,
        role: ROLES.blobDelegator,
        scope: data.id,
        description: "Functions: user-delegation key for single-blob SAS",
      },
      {
        // Not Reader: on Flex Consumption the platform writes the uploaded package into this
        // container with the app's deployment-storage identity (config-zip / one deploy).
        id: "func-releases",
        principalId: funcPrincipal,
        role: ROLES.blobDataContributor,
        scope: releases,
        description: "Flex Consumption stores and reads its deployment package",
      },
      {
        id: "func-host-storage",
        principalId: funcPrincipal,
        role: ROLES.blobDataOwner,
        scope: hostStorage.id,
        description: "Functions host storage (AzureWebJobsStorage)",
      },
      {
        id: "func-tasks-send",
        principalId: funcPrincipal,
        role: ROLES.serviceBusSender,
        scope: tasks.id,
        description: "Functions: submit and resubmit tasks",
      },
      {
        id: "func-tasks-receive",
        principalId: funcPrincipal,
        role: ROLES.serviceBusReceiver,
        scope: tasks.id,
        description: "Functions: dead-letter triage trigger (RBAC cannot scope to the DLQ alone)",
      },
      {
        id: "func-events-receive",
        principalId: funcPrincipal,
        role: ROLES.serviceBusReceiver,
        scope: events.id,
        description: "Functions: job-events push trigger",
      },
      {
        id: "func-events-send",
        principalId: funcPrincipal,
        role: ROLES.serviceBusSender,
        scope: events.id,
        description: "Functions: publish job events (submit, delete, upload expiry, dead-letter triage)",
      },
      {
        id: "func-web-pubsub",
        principalId: funcPrincipal,
        role: ROLES.webPubSubOwner,
        scope: wps.id,
        description: "Functions: client tokens and sendToUser",
      },
      {
        id: "func-key-vault",
        principalId: funcPrincipal,
        role: ROLES.keyVaultSecretsUser,
        scope: vault.id,
        description: "Functions: VAPID private key reference",
      },
      {
        id: "func-telemetry",
        principalId: funcPrincipal,
        role: ROLES.monitoringMetricsPublisher,
        scope: appInsights.id,
        description: "Functions: Entra-authenticated telemetry",
      },
      {
        id: "worker-uploads",
        principalId: worker,
        role: ROLES.blobDataReader,
        scope: uploads,
        description: "Worker: read documents",
      },
      {
        id: "worker-models",
        principalId: worker,
        role: ROLES.blobDataReader,
        scope: models,
        description: "Worker: read models",
      },
      {
        id: "worker-tasks-receive",
        principalId: worker,
        role: ROLES.serviceBusReceiver,
        scope: tasks.id,
        description: "Worker: receive and settle tasks",
      },
      {
        id: "worker-events-send",
        principalId: worker,
        role: ROLES.serviceBusSender,
        scope: events.id,
        description: "Worker: publish job events",
      },
      {
        id: "keda-tasks",
        principalId: kedaIdentity.principalId,
        role: ROLES.serviceBusOwner,
        scope: tasks.id,
        description: "KEDA: read queue runtime properties (needs Manage); scoped to one queue",
      },
      {
        // Azure CNI with a subnet of ours: the cluster identity joins nodes and load balancers to it.
        id: "aks-network",
        principalId: aks.identity.principalId,
        role: ROLES.networkContributor,
        scope: aksSubnet.id,
        description: "AKS control plane manages node and load balancer IPs in its subnet",
      },
      {
        id: "kubelet-acr-pull",
        principalId: aks.kubeletIdentity.objectId,
        role: ROLES.acrPull,
        scope: registry.id,
        description: "AKS nodes pull the worker image",
      },
    ];
    for (const g of grants) grantRole(this, g);
    // The apply identity (bootstrap stack) applies the Kubernetes stack and publishes models. Named,
    // not the caller: the plan job runs as the read-only identity, and a plan computed with the
    // caller's object id would grant these to the plan identity. It exists already, so the AAD
    // check stays on.
    const applyIdentity = new DataAzurermUserAssignedIdentity(this, "apply-identity", {
      name: n.applyIdentity,
      resourceGroupName: n.deployResourceGroup,
    });
    grantRole(
      this,
      {
        id: "deployer-aks",
        principalId: applyIdentity.principalId,
        role: ROLES.aksRbacClusterAdmin,
        scope: aks.id,
        description: "Pipeline: apply the Kubernetes stack",
      },
      false,
    );
    grantRole(
      this,
      {
        id: "deployer-models",
        principalId: applyIdentity.principalId,
        role: ROLES.blobDataContributor,
        scope: models,
        description: "Pipeline: publish models",
      },
      false,
    );

    // Cosmos SQL role assignments take account, database or container scopes. The worker only
    // reads and updates jobs; the Functions use jobs, deadletters, push-subscriptions and leases.
    const databaseScope = `${cosmos.id}/dbs/${COSMOS.database}`;
    const cosmosRole = `${cosmos.id}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR_ROLE_ID}`;
    for (const [id, principalId, scope] of [
      ["func", funcPrincipal, databaseScope],
      ["worker", worker, `${databaseScope}/colls/${COSMOS.containers.jobs.name}`],
    ] as const) {
      new CosmosdbSqlRoleAssignment(this, `cosmos-data-${id}`, {
        resourceGroupName: rg.name,
        accountName: cosmos.name,
        roleDefinitionId: cosmosRole,
        principalId,
        scope,
      });
    }

    // ---- Alerts
    const actionGroup = new MonitorActionGroup(this, "action-group", {
      name: n.actionGroup,
      resourceGroupName: rg.name,
      shortName: `${c.prefix}${c.environment}`.slice(0, 12),
      emailReceiver: c.alerts.emails.map((e) => ({
        name: e.name,
        emailAddress: e.address,
        useCommonAlertSchema: true,
      })),
      tags,
    });
    const queueDimension = [{ name: "EntityName", operator: "Include", values: [QUEUES.tasks] }];
    new MonitorMetricAlert(this, "alert-dead-letters", {
      name: `${n.serviceBus}-dead-letters`,
      resourceGroupName: rg.name,
      scopes: [bus.id],
      description: `Messages were dead-lettered on ${QUEUES.tasks}: triage them (admin dead-letter routes).`,
      severity: 2,
      frequency: "PT1M",
      windowSize: "PT5M",
      criteria: [
        {
          metricNamespace: "Microsoft.ServiceBus/namespaces",
          metricName: "DeadletteredMessages",
          aggregation: "Maximum",
          operator: "GreaterThan",
          threshold: 0,
          dimension: queueDimension,
        },
      ],
      action: [{ actionGroupId: actionGroup.id }],
      tags,
    });
    // Service Bus exposes no age metric. Proxy: the backlog stayed above what every worker at
    // maximum scale holds in flight for the whole window, so messages have waited that long.
    new MonitorMetricAlert(this, "alert-queue-age", {
      name: `${n.serviceBus}-queue-age`,
      resourceGroupName: rg.name,
      scopes: [bus.id],
      description: `${QUEUES.tasks} stayed above worker capacity for ${c.alerts.queueAgeMinutes} minutes: tasks are waiting (is KEDA scaling?).`,
      severity: 2,
      frequency: "PT5M",
      windowSize: `PT${c.alerts.queueAgeMinutes}M`,
      criteria: [
        {
          metricNamespace: "Microsoft.ServiceBus/namespaces",
          metricName: "ActiveMessages",
          aggregation: "Minimum",
          operator: "GreaterThan",
          threshold: c.scaling.maxReplicas * c.worker.concurrency,
          dimension: queueDimension,
        },
      ],
      action: [{ actionGroupId: actionGroup.id }],
      tags,
    });

    // Waiting tasks and no worker: KEDA not scaling, pods crash-looping or unschedulable, the
    // worker pool unable to grow. Fires after the window even below the capacity threshold above.
    new MonitorScheduledQueryRulesAlertV2(this, "alert-no-workers", {
      name: `${n.aks}-backlog-without-workers`,
      resourceGroupName: rg.name,
      location: rg.location,
      scopes: [logs.id],
      description: `Service Bus had active messages and no worker pod ran for ${c.alerts.queueAgeMinutes} minutes: check KEDA (ScaledObject events), the worker pods and the worker node pool.`,
      severity: 1,
      evaluationFrequency: "PT5M",
      windowDuration: `PT${c.alerts.queueAgeMinutes}M`,
      criteria: [
        {
          query: noWorkerBacklogQuery(c, n),
          timeAggregationMethod: "Count",
          operator: "GreaterThan",
          threshold: 0,
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      autoMitigationEnabled: true,
      action: { actionGroups: [actionGroup.id] },
      tags,
    });

    // ---- Resource logs of every service the app uses, into the one workspace.
    sendDiagnosticsTo(this, logs.id, [
      // Metrics too: the alert above reads ActiveMessages from AzureMetrics.
      { id: "service-bus", resourceId: bus.id, metrics: true, dedicatedTables: true },
      { id: "cosmos", resourceId: cosmos.id, dedicatedTables: true },
      { id: "web-pubsub", resourceId: wps.id },
      { id: "function-app", resourceId: func.id },
      { id: "key-vault", resourceId: vault.id, dedicatedTables: true },
      // Blob logs live on the blob service, not on the account.
      { id: "data-blobs", resourceId: `${data.id}/blobServices/default` },
      { id: "host-blobs", resourceId: `${hostStorage.id}/blobServices/default` },
    ]);

    // ---- Outputs the pipeline reads (`terraform output -json`).
    const outputs: Record<string, string> = {
      resource_group: rg.name,
      function_app: func.name,
      static_web_app: pwa.name,
      static_web_app_hostname: pwa.defaultHostName,
      pwa_origin: pwaOrigin,
      registry_login_server: registry.loginServer,
      registry_name: registry.name,
      aks_name: aks.name,
      data_storage_account: data.name,
      key_vault: vault.name,
      worker_client_id: workerIdentity.clientId,
      keda_client_id: kedaIdentity.clientId,
    };
    for (const [key, value] of Object.entries(outputs)) new TerraformOutput(this, key, { value });
  }
}
