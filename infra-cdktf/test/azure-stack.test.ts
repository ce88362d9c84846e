import { readFileSync } from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BLOB_CONTAINERS,
  COSMOS,
  ConfigError,
  FunctionsConfigSchema,
  QUEUES,
  WEB_PUBSUB_HUB,
  parseConfig,
} from "@docsift/core";
import { ROLES } from "../src/azure/naming.js";
import { ENVIRONMENTS_DIR, terminationGracePeriodSeconds } from "../src/config.js";
import { resource, resourcesOf, synthAzure, testConfig, type TerraformJson } from "./helpers.js";

let text: string;
let json: TerraformJson;
beforeAll(() => {
  ({ text, json } = synthAzure());
});

const has = (type: string, props: Record<string, unknown>) =>
  Testing.toHaveResourceWithProperties(text, type, props);

/**
 * What the Functions host would see at run time: Terraform references resolved to plausible values
 * (endpoints become https URLs) and Key Vault references to the secret they name.
 */
function resolvedSettings(settings: Record<string, string>): Record<string, string> {
  const fake = (ref: string): string =>
    ref.endsWith(".endpoint")
      ? "https://resolved.example/"
      : ref.endsWith("hostname")
        ? "resolved.example"
        : "x";
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [
      k,
      v
        .replace(/@Microsoft\.KeyVault\(VaultName=[\w-]+;SecretName=([\w-]+)\)/, "fake-$1")
        .replace(/\$\{([^}]+)\}/g, (_m, ref: string) => fake(ref)),
    ]),
  );
}

describe("Azure stack: resources and their security properties", () => {
  it("keeps remote state in the bootstrap storage account with Entra ID and OIDC", () => {
    expect(json.terraform.backend).toEqual({
      azurerm: {
        resource_group_name: "rg-docsift-tfstate",
        storage_account_name: "stdocsifttfstate",
        container_name: "tfstate",
        key: "docsift-test-azure.tfstate",
        use_azuread_auth: true,
        use_oidc: true,
      },
    });
    expect(json.terraform.required_providers).toMatchObject({ azurerm: { version: "4.55.0" } });
  });

  it("creates resource group, Log Analytics and Entra-only Application Insights", () => {
    expect(has("azurerm_resource_group", { name: "rg-docsift-test", location: "westeurope" })).toBe(true);
    expect(has("azurerm_log_analytics_workspace", { name: "log-docsift-test" })).toBe(true);
    expect(has("azurerm_application_insights", { local_authentication_disabled: true })).toBe(true);
  });

  it("locks down both storage accounts: HTTPS, TLS 1.2, no public blobs, no shared key", () => {
    const accounts = resourcesOf(json, "azurerm_storage_account");
    expect(accounts.map((a) => a.name).sort()).toEqual(["stdocsiftfntest", "stdocsifttest"]);
    for (const a of accounts) {
      expect(a).toMatchObject({
        https_traffic_only_enabled: true,
        min_tls_version: "TLS1_2",
        allow_nested_items_to_be_public: false,
        shared_access_key_enabled: false,
        default_to_oauth_authentication: true,
      });
    }
  });

  it("allows the PWA origin (and only it) to PUT blobs", () => {
    const data = resource(json, "azurerm_storage_account", "data-storage");
    const cors = (data.blob_properties as { cors_rule: Record<string, unknown>[] }).cors_rule;
    expect(cors).toHaveLength(1);
    expect(cors[0]!.allowed_origins).toEqual(["https://${azurerm_static_web_app.pwa.default_host_name}"]);
    expect(cors[0]!.allowed_methods).toContain("PUT");
    const custom = synthAzure(testConfig({ pwa: { customOrigin: "https://app.docsift.example" } })).json;
    const customCors = (
      resource(custom, "azurerm_storage_account", "data-storage").blob_properties as {
        cors_rule: { allowed_origins: string[] }[];
      }
    ).cors_rule;
    expect(customCors[0]!.allowed_origins).toEqual(["https://app.docsift.example"]);
  });

  it("creates private uploads, models and deployment containers and expires uploads", () => {
    const names = resourcesOf(json, "azurerm_storage_container").map((c) => [
      c.name,
      c.container_access_type,
    ]);
    expect(names).toEqual(
      expect.arrayContaining([
        [BLOB_CONTAINERS.uploads, "private"],
        [BLOB_CONTAINERS.models, "private"],
        ["function-releases", "private"],
      ]),
    );
    const policy = resource(json, "azurerm_storage_management_policy", "uploads-lifecycle");
    expect(policy.rule).toEqual([
      expect.objectContaining({
        enabled: true,
        filters: { blob_types: ["blockBlob"], prefix_match: ["uploads/"] },
        actions: { base_blob: { delete_after_days_since_modification_greater_than: 7 } },
      }),
    ]);
  });

  it("configures Service Bus with local auth off and the task queue's lock, retries and dead-lettering", () => {
    expect(
      has("azurerm_servicebus_namespace", { local_auth_enabled: false, minimum_tls_version: "1.2" }),
    ).toBe(true);
    expect(resource(json, "azurerm_servicebus_queue", "queue-tasks")).toMatchObject({
      name: QUEUES.tasks,
      lock_duration: "PT5M",
      max_delivery_count: 5,
      dead_lettering_on_message_expiration: true,
      requires_duplicate_detection: true,
      duplicate_detection_history_time_window: "PT10M",
    });
    expect(resource(json, "azurerm_servicebus_queue", "queue-events")).toMatchObject({
      name: QUEUES.events,
      dead_lettering_on_message_expiration: true,
      requires_duplicate_detection: true,
      duplicate_detection_history_time_window: "PT10M",
    });
  });

  it("creates a serverless SQL-API Cosmos account with local auth off and the core containers", () => {
    expect(resource(json, "azurerm_cosmosdb_account", "cosmos")).toMatchObject({
      capabilities: [{ name: "EnableServerless" }],
      local_authentication_disabled: true,
      minimal_tls_version: "Tls12",
      kind: "GlobalDocumentDB",
    });
    expect(has("azurerm_cosmosdb_sql_database", { name: COSMOS.database })).toBe(true);
    const containers = resourcesOf(json, "azurerm_cosmosdb_sql_container").map((c) => [
      c.name,
      c.partition_key_paths,
    ]);
    // Every container the app opens (the unused `leases` is not; test/cosmos.test.ts).
    const { jobs, deadletters, pushSubscriptions } = COSMOS.containers;
    expect(containers).toEqual(
      expect.arrayContaining([jobs, deadletters, pushSubscriptions].map((c) => [c.name, [c.partitionKey]])),
    );
    expect(containers).toContainEqual(["jobs", ["/userId"]]);
  });

  it("creates Web PubSub with local auth off and the shared hub name", () => {
    expect(has("azurerm_web_pubsub", { local_auth_enabled: false, aad_auth_enabled: true })).toBe(true);
    expect(
      has("azurerm_web_pubsub_hub", { name: WEB_PUBSUB_HUB, anonymous_connections_enabled: false }),
    ).toBe(true);
  });

  it("creates an RBAC Key Vault with purge protection", () => {
    expect(
      has("azurerm_key_vault", { rbac_authorization_enabled: true, purge_protection_enabled: true }),
    ).toBe(true);
  });

  it("runs the Function App on Flex Consumption with identity, HTTPS, Easy Auth and identity-based settings", () => {
    expect(has("azurerm_service_plan", { sku_name: "FC1", os_type: "Linux" })).toBe(true);
    const fn = resource(json, "azurerm_function_app_flex_consumption", "function-app");
    expect(fn).toMatchObject({
      runtime_name: "node",
      runtime_version: "22",
      identity: { type: "SystemAssigned" },
      https_only: true,
      storage_authentication_type: "SystemAssignedIdentity",
      webdeploy_publish_basic_authentication_enabled: false,
      site_config: expect.objectContaining({ minimum_tls_version: "1.2", scm_minimum_tls_version: "1.2" }),
      auth_settings_v2: expect.objectContaining({
        auth_enabled: true,
        require_authentication: true,
        unauthenticated_action: "Return401",
        require_https: true,
      }),
      // The Static Web App link adds its provider to Easy Auth; Terraform must not remove it.
      lifecycle: { ignore_changes: ["auth_settings_v2"] },
      virtual_network_subnet_id: "${azurerm_subnet.functions-subnet.id}",
    });
    // Same-origin through the Static Web App: no CORS on the Function App.
    expect((fn.site_config as Record<string, unknown>).cors).toBeUndefined();
    const settings = fn.app_settings as Record<string, string>;
    expect(settings).toMatchObject({
      DOCSIFT_ENVIRONMENT: "azure",
      AUTH_MODE: "easyauth",
      SERVICEBUS_NAMESPACE: "sb-docsift-test.servicebus.windows.net",
      ServiceBusConnection__fullyQualifiedNamespace: "sb-docsift-test.servicebus.windows.net",
      STORAGE_ACCOUNT_URL: "https://stdocsifttest.blob.core.windows.net",
      COSMOS_DATABASE: COSMOS.database,
      WEBPUBSUB_HUB: WEB_PUBSUB_HUB,
      TASKS_QUEUE: QUEUES.tasks,
      EVENTS_QUEUE: QUEUES.events,
      MAX_UPLOAD_BYTES: "104857600",
      MAX_JOBS_PER_MINUTE: "30",
      MAX_OPEN_UPLOADS: "20",
      ADMIN_ROLE: "docsift.admin",
      VAPID_PRIVATE_KEY: "@Microsoft.KeyVault(VaultName=kv-docsift-test;SecretName=vapid-private-key)",
    });
    // The Functions' own config contract accepts the settings as deployed; a renamed variable
    // (or one the app no longer reads) fails here, not at the first cold start in Azure.
    const config = parseConfig("functions", FunctionsConfigSchema, resolvedSettings(settings));
    expect(config).toMatchObject({
      environment: "azure",
      auth: { mode: "easyauth", adminRole: "docsift.admin" },
      storage: { kind: "identity", endpoint: "https://stdocsifttest.blob.core.windows.net" },
      cosmos: { kind: "identity", endpoint: "https://resolved.example/", database: COSMOS.database },
      serviceBus: { kind: "identity", endpoint: "sb-docsift-test.servicebus.windows.net" },
      webPubSub: { kind: "identity", endpoint: "https://resolved.example", hub: WEB_PUBSUB_HUB },
      queues: { tasks: QUEUES.tasks, events: QUEUES.events },
      uploads: { maxBytes: 104_857_600, sasTtlMs: 15 * 60_000 },
      intake: { jobsPerMinute: 30, openUploads: 20 },
      webPush: {
        publicKey: "fake-vapid-public-key",
        privateKey: "fake-vapid-private-key",
        subject: "mailto:oncall@docsift.example",
      },
    });
    expect(settings).not.toHaveProperty("PWA_ORIGIN");
    const { COSMOS_ENDPOINT: _renamed, ...rest } = resolvedSettings(settings);
    expect(() =>
      parseConfig("functions", FunctionsConfigSchema, { ...rest, COSMOS_URL: "https://x.example/" }),
    ).toThrow(ConfigError);
    // No connection string or key anywhere in the app's settings.
    expect(JSON.stringify(settings)).not.toMatch(
      /AccountKey|SharedAccessKey|AccessKey=|primary_key|connection_string\}/i,
    );
  });

  it("creates a private registry and an AKS cluster with OIDC, workload identity, KEDA and Entra-only access", () => {
    expect(has("azurerm_container_registry", { admin_enabled: false, anonymous_pull_enabled: false })).toBe(
      true,
    );
    expect(resource(json, "azurerm_kubernetes_cluster", "aks")).toMatchObject({
      oidc_issuer_enabled: true,
      workload_identity_enabled: true,
      workload_autoscaler_profile: { keda_enabled: true },
      local_account_disabled: true,
      role_based_access_control_enabled: true,
      azure_active_directory_role_based_access_control: expect.objectContaining({ azure_rbac_enabled: true }),
    });
  });

  it("federates the worker's service account and KEDA's operator", () => {
    const subjects = resourcesOf(json, "azurerm_federated_identity_credential").map((f) => [
      f.subject,
      f.audience,
      f.issuer,
    ]);
    const issuer = "${azurerm_kubernetes_cluster.aks.oidc_issuer_url}";
    expect(subjects.sort()).toEqual([
      ["system:serviceaccount:docsift:docsift-worker", ["api://AzureADTokenExchange"], issuer],
      ["system:serviceaccount:kube-system:keda-operator", ["api://AzureADTokenExchange"], issuer],
    ]);
  });
});

describe("Azure stack: least-privilege role assignments", () => {
  const grants = () =>
    resourcesOf(json, "azurerm_role_assignment").map((r) => ({
      principal: String(r.principal_id),
      role: String(r.role_definition_name),
      scope: String(r.scope),
    }));
  const FUNC = "${azurerm_function_app_flex_consumption.function-app.identity[0].principal_id}";
  const WORKER = "${azurerm_user_assigned_identity.worker-identity.principal_id}";
  const KEDA = "${azurerm_user_assigned_identity.keda-identity.principal_id}";
  const DATA = "${azurerm_storage_account.data-storage.id}";
  const TASKS = "${azurerm_servicebus_queue.queue-tasks.id}";
  const EVENTS = "${azurerm_servicebus_queue.queue-events.id}";

  it("scopes every assignment to a resource, container or queue, never a subscription or resource group", () => {
    for (const g of grants()) {
      expect(g.scope, `${g.role} for ${g.principal}`).toMatch(
        /^\$\{azurerm_[a-z_]+\.[a-z0-9-]+\.id\}(\/blobServices\/default\/containers\/[a-z-]+)?$/,
      );
      expect(g.scope).not.toMatch(/subscriptions|resource_group|resourceGroups/);
    }
  });

  it("gives the Functions identity exactly what intake, triggers and push need", () => {
    const fn = grants().filter((g) => g.principal === FUNC);
    expect(fn).toEqual(
      expect.arrayContaining([
        {
          principal: FUNC,
          role: ROLES.blobDataContributor,
          scope: `${DATA}/blobServices/default/containers/uploads`,
        },
        { principal: FUNC, role: ROLES.blobDelegator, scope: DATA },
        { principal: FUNC, role: ROLES.serviceBusSender, scope: TASKS },
        { principal: FUNC, role: ROLES.serviceBusReceiver, scope: TASKS },
        { principal: FUNC, role: ROLES.serviceBusReceiver, scope: EVENTS },
        { principal: FUNC, role: ROLES.webPubSubOwner, scope: "${azurerm_web_pubsub.web-pubsub.id}" },
        { principal: FUNC, role: ROLES.keyVaultSecretsUser, scope: "${azurerm_key_vault.key-vault.id}" },
      ]),
    );
    // Blob Data Owner only on the separate host account, never on users' documents.
    const owners = fn.filter((g) => g.role === ROLES.blobDataOwner);
    expect(owners).toEqual([
      { principal: FUNC, role: ROLES.blobDataOwner, scope: "${azurerm_storage_account.host-storage.id}" },
    ]);
    expect(fn.some((g) => g.role === ROLES.blobDataContributor && g.scope === DATA)).toBe(false);
  });

  it("gives the worker read-only blobs, receive on tasks and send on events", () => {
    const worker = grants().filter((g) => g.principal === WORKER);
    expect(worker).toEqual(
      expect.arrayContaining([
        {
          principal: WORKER,
          role: ROLES.blobDataReader,
          scope: `${DATA}/blobServices/default/containers/uploads`,
        },
        {
          principal: WORKER,
          role: ROLES.blobDataReader,
          scope: `${DATA}/blobServices/default/containers/models`,
        },
        { principal: WORKER, role: ROLES.serviceBusReceiver, scope: TASKS },
        { principal: WORKER, role: ROLES.serviceBusSender, scope: EVENTS },
      ]),
    );
    expect(worker).toHaveLength(4);
  });

  it("gives KEDA Data Owner on the task queue only, and AcrPull to the kubelet identity", () => {
    expect(grants().filter((g) => g.principal === KEDA)).toEqual([
      { principal: KEDA, role: ROLES.serviceBusOwner, scope: TASKS },
    ]);
    expect(grants()).toContainEqual({
      principal: "${azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id}",
      role: ROLES.acrPull,
      scope: "${azurerm_container_registry.registry.id}",
    });
  });

  it("grants Cosmos data access through SQL role assignments: Functions on the database, worker on jobs", () => {
    const sql = resourcesOf(json, "azurerm_cosmosdb_sql_role_assignment");
    const scopes = Object.fromEntries(sql.map((s) => [String(s.principal_id), s.scope]));
    expect(scopes).toEqual({
      [FUNC]: "${azurerm_cosmosdb_account.cosmos.id}/dbs/docsift",
      [WORKER]: "${azurerm_cosmosdb_account.cosmos.id}/dbs/docsift/colls/jobs",
    });
    for (const s of sql) {
      expect(s.role_definition_id).toBe(
        "${azurerm_cosmosdb_account.cosmos.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002",
      );
    }
  });

  it("keeps Blob Data Contributor on the deployment container: Flex writes the package there", () => {
    expect(grants()).toContainEqual({
      principal: FUNC,
      role: ROLES.blobDataContributor,
      scope: `${DATA}/blobServices/default/containers/function-releases`,
    });
  });

  it("lets the AKS control plane manage IPs in its own subnet only", () => {
    expect(grants()).toContainEqual({
      principal: "${azurerm_kubernetes_cluster.aks.identity[0].principal_id}",
      role: ROLES.networkContributor,
      scope: "${azurerm_subnet.aks-subnet.id}",
    });
  });
});

describe("Azure stack: AKS node pools", () => {
  it("keeps the system pool for system pods and adds a worker pool that scales to zero", () => {
    const aks = resource(json, "azurerm_kubernetes_cluster", "aks");
    expect(aks.default_node_pool).toMatchObject({ name: "system", only_critical_addons_enabled: true });
    const pool = resource(json, "azurerm_kubernetes_cluster_node_pool", "worker-pool");
    expect(pool).toMatchObject({
      name: "worker",
      kubernetes_cluster_id: "${azurerm_kubernetes_cluster.aks.id}",
      mode: "User",
      auto_scaling_enabled: true,
      min_count: 0,
      max_count: 3,
      node_labels: { "docsift.io/pool": "worker" },
      node_taints: ["docsift.io/pool=worker:NoSchedule"],
      vnet_subnet_id: "${azurerm_subnet.aks-subnet.id}",
    });
    // No zones where the environment names none (dev, regions without zones).
    expect(pool.zones).toBeUndefined();
  });

  it("places both pools in the configured zones (prod)", () => {
    const { json: zoned } = synthAzure(testConfig({ aks: { zones: ["1", "2", "3"] } }));
    expect(resource(zoned, "azurerm_kubernetes_cluster_node_pool", "worker-pool").zones).toEqual([
      "1",
      "2",
      "3",
    ]);
    expect(
      (resource(zoned, "azurerm_kubernetes_cluster", "aks").default_node_pool as { zones: string[] }).zones,
    ).toEqual(["1", "2", "3"]);
    const prod = JSON.parse(readFileSync(path.join(ENVIRONMENTS_DIR, "prod.json"), "utf8")) as {
      aks: { zones: string[] };
    };
    expect(prod.aks.zones).toEqual(["1", "2", "3"]);
  });

  it("lets the autoscaler wait out a worker's whole grace period when it drains a node", () => {
    const profile = resource(json, "azurerm_kubernetes_cluster", "aks").auto_scaler_profile as Record<
      string,
      unknown
    >;
    expect(Number(profile.max_graceful_termination_sec)).toBeGreaterThanOrEqual(
      terminationGracePeriodSeconds(testConfig()),
    );
    expect(profile.skip_nodes_with_local_storage).toBe(false);
    const longJobs = testConfig({ worker: { jobTimeoutSeconds: 1800, drainGraceSeconds: 600 } });
    const longProfile = resource(synthAzure(longJobs).json, "azurerm_kubernetes_cluster", "aks")
      .auto_scaler_profile as Record<string, unknown>;
    expect(Number(longProfile.max_graceful_termination_sec)).toBe(1860);
  });
});

describe("Azure stack: PWA and API on one origin", () => {
  it("serves the PWA from a Standard Static Web App with the Function App linked as its /api backend", () => {
    expect(resource(json, "azurerm_static_web_app", "pwa")).toMatchObject({
      sku_tier: "Standard",
      sku_size: "Standard",
    });
    expect(resource(json, "azurerm_static_web_app_function_app_registration", "pwa-backend")).toEqual({
      static_web_app_id: "${azurerm_static_web_app.pwa.id}",
      function_app_id: "${azurerm_function_app_flex_consumption.function-app.id}",
    });
  });
});

describe("Azure stack: network", () => {
  const restricted = () =>
    synthAzure(
      testConfig({
        serviceBus: { sku: "Premium" },
        network: {
          restrictDataServices: true,
          restrictServiceBus: true,
          allowedIpRanges: ["198.18.0.0/24"],
          aksAuthorizedIpRanges: ["198.18.0.0/24", "198.18.1.7"],
        },
      }),
    ).json;
  const SUBNETS = ["${azurerm_subnet.functions-subnet.id}", "${azurerm_subnet.aks-subnet.id}"];

  it("puts the Functions integration subnet and the AKS nodes in one VNet with service endpoints", () => {
    expect(resource(json, "azurerm_virtual_network", "vnet")).toMatchObject({
      name: "vnet-docsift-test",
      address_space: ["10.40.0.0/16"],
    });
    const fnSubnet = resource(json, "azurerm_subnet", "functions-subnet");
    expect(fnSubnet).toMatchObject({
      address_prefixes: ["10.40.0.0/24"],
      delegation: [{ service_delegation: { name: "Microsoft.App/environments" } }],
    });
    const aksSubnet = resource(json, "azurerm_subnet", "aks-subnet");
    expect(aksSubnet.address_prefixes).toEqual(["10.40.4.0/22"]);
    for (const subnet of [fnSubnet, aksSubnet]) {
      expect(subnet.service_endpoints).toEqual(
        expect.arrayContaining(["Microsoft.AzureCosmosDB", "Microsoft.KeyVault", "Microsoft.ServiceBus"]),
      );
    }
    expect(resource(json, "azurerm_kubernetes_cluster", "aks")).toMatchObject({
      default_node_pool: { vnet_subnet_id: SUBNETS[1] },
      network_profile: { network_plugin: "azure", network_plugin_mode: "overlay" },
    });
  });

  it("leaves the data services open (Entra ID only) when the environment does not restrict them", () => {
    expect(resource(json, "azurerm_cosmosdb_account", "cosmos").is_virtual_network_filter_enabled).toBe(
      false,
    );
    expect(resource(json, "azurerm_key_vault", "key-vault").network_acls).toMatchObject({
      default_action: "Allow",
    });
    expect(resource(json, "azurerm_kubernetes_cluster", "aks").api_server_access_profile).toEqual({
      authorized_ip_ranges: [],
    });
    // Standard Service Bus has no network rules at all.
    expect(resource(json, "azurerm_servicebus_namespace", "service-bus").network_rule_set).toBeUndefined();
  });

  it("admits only the app subnets and the configured ranges to Cosmos DB, Key Vault and Service Bus", () => {
    const r = restricted();
    expect(resource(r, "azurerm_cosmosdb_account", "cosmos")).toMatchObject({
      public_network_access_enabled: true,
      is_virtual_network_filter_enabled: true,
      virtual_network_rule: SUBNETS.map((id) => ({ id })),
      ip_range_filter: ["198.18.0.0/24"],
      network_acl_bypass_for_azure_services: false,
    });
    expect(resource(r, "azurerm_key_vault", "key-vault").network_acls).toEqual({
      default_action: "Deny",
      bypass: "AzureServices",
      virtual_network_subnet_ids: [SUBNETS[0]],
      ip_rules: ["198.18.0.0/24"],
    });
    expect(resource(r, "azurerm_servicebus_namespace", "service-bus").network_rule_set).toMatchObject({
      default_action: "Deny",
      ip_rules: ["198.18.0.0/24"],
      network_rules: SUBNETS.map((subnet_id) => ({ subnet_id })),
    });
    expect(resource(r, "azurerm_kubernetes_cluster", "aks").api_server_access_profile).toEqual({
      authorized_ip_ranges: ["198.18.0.0/24", "198.18.1.7"],
    });
    // What the browser talks to stays public: Blob (SAS uploads), Web PubSub, the Static Web App.
    for (const [type, id] of [
      ["azurerm_storage_account", "data-storage"],
      ["azurerm_web_pubsub", "web-pubsub"],
      ["azurerm_static_web_app", "pwa"],
    ] as const) {
      expect(resource(r, type, id).public_network_access_enabled, type).not.toBe(false);
    }
  });
});

describe("Azure stack: alerts", () => {
  it("alerts on dead-lettered tasks and on a backlog that outlasts the window, through the action group", () => {
    const alerts = Object.fromEntries(
      resourcesOf(json, "azurerm_monitor_metric_alert").map((a) => [a.name, a]),
    );
    const dlq = alerts["sb-docsift-test-dead-letters"] as {
      criteria: Record<string, unknown>[];
      action: unknown;
    };
    expect(dlq.criteria[0]).toMatchObject({
      metric_namespace: "Microsoft.ServiceBus/namespaces",
      metric_name: "DeadletteredMessages",
      operator: "GreaterThan",
      threshold: 0,
      dimension: [{ name: "EntityName", operator: "Include", values: [QUEUES.tasks] }],
    });
    const age = alerts["sb-docsift-test-queue-age"] as {
      criteria: Record<string, unknown>[];
      window_size: string;
    };
    expect(age.window_size).toBe("PT15M");
    expect(age.criteria[0]).toMatchObject({
      metric_name: "ActiveMessages",
      aggregation: "Minimum",
      threshold: 4,
    });
    for (const a of [dlq, age])
      expect(a).toMatchObject({
        action: [{ action_group_id: "${azurerm_monitor_action_group.action-group.id}" }],
      });
    expect(
      has("azurerm_monitor_action_group", {
        email_receiver: [
          { name: "oncall", email_address: "oncall@docsift.example", use_common_alert_schema: true },
        ],
      }),
    ).toBe(true);
  });
});
