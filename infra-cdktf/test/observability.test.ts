import { beforeAll, describe, expect, it } from "vitest";
import { CONTAINER_INSIGHTS_STREAMS } from "../src/azure/observability.js";
import { resource, resourcesOf, synthAzure, testConfig, type TerraformJson } from "./helpers.js";

let json: TerraformJson;
beforeAll(() => {
  ({ json } = synthAzure());
});

const WORKSPACE = "${azurerm_log_analytics_workspace.logs.id}";

describe("observability: resource logs", () => {
  it("sends every service's logs to the environment's Log Analytics workspace", () => {
    const settings = resourcesOf(json, "azurerm_monitor_diagnostic_setting");
    expect(settings.map((s) => s.target_resource_id).sort()).toEqual(
      [
        "${azurerm_servicebus_namespace.service-bus.id}",
        "${azurerm_cosmosdb_account.cosmos.id}",
        "${azurerm_web_pubsub.web-pubsub.id}",
        "${azurerm_function_app_flex_consumption.function-app.id}",
        "${azurerm_key_vault.key-vault.id}",
        "${azurerm_storage_account.data-storage.id}/blobServices/default",
        "${azurerm_storage_account.host-storage.id}/blobServices/default",
      ].sort(),
    );
    for (const s of settings) {
      expect(s.log_analytics_workspace_id).toBe(WORKSPACE);
      expect(s.enabled_log).toEqual([{ category_group: "allLogs" }]);
    }
  });

  it("exports Service Bus metrics too, which the no-worker alert reads from AzureMetrics", () => {
    const bus = resource(json, "azurerm_monitor_diagnostic_setting", "diagnostics-service-bus");
    expect(bus.enabled_metric).toEqual([{ category: "AllMetrics" }]);
    expect(bus.log_analytics_destination_type).toBe("Dedicated");
    // Services that always write their own tables get no destination type (it would drift).
    const blobs = resource(json, "azurerm_monitor_diagnostic_setting", "diagnostics-data-blobs");
    expect(blobs.log_analytics_destination_type).toBeUndefined();
  });
});

describe("observability: Container Insights", () => {
  it("collects through a data collection rule associated with the cluster, the add-on on managed identity", () => {
    const rule = resource(json, "azurerm_monitor_data_collection_rule", "container-insights-dcr");
    expect(rule).toMatchObject({
      name: "dcr-docsift-test-container-insights",
      destinations: { log_analytics: [{ name: "workspace", workspace_resource_id: WORKSPACE }] },
      data_flow: [{ streams: CONTAINER_INSIGHTS_STREAMS, destinations: ["workspace"] }],
    });
    const [extension] = (rule.data_sources as { extension: Record<string, unknown>[] }).extension;
    expect(extension).toMatchObject({
      extension_name: "ContainerInsights",
      streams: CONTAINER_INSIGHTS_STREAMS,
    });
    expect(JSON.parse(String(extension!.extension_json))).toMatchObject({
      dataCollectionSettings: { enableContainerLogV2: true },
    });
    // The no-worker alert reads pod inventory.
    expect(CONTAINER_INSIGHTS_STREAMS).toContain("Microsoft-KubePodInventory");
    expect(
      resource(
        json,
        "azurerm_monitor_data_collection_rule_association",
        "container-insights-dcr-association",
      ),
    ).toEqual({
      name: "ContainerInsightsExtension",
      target_resource_id: "${azurerm_kubernetes_cluster.aks.id}",
      data_collection_rule_id: "${azurerm_monitor_data_collection_rule.container-insights-dcr.id}",
    });
    expect(resource(json, "azurerm_kubernetes_cluster", "aks").oms_agent).toEqual({
      log_analytics_workspace_id: WORKSPACE,
      msi_auth_for_monitoring_enabled: true,
    });
  });
});

describe("observability: backlog alerts", () => {
  it("pages when tasks wait and no worker pod runs for the configured window, whatever the capacity", () => {
    const alert = resource(json, "azurerm_monitor_scheduled_query_rules_alert_v2", "alert-no-workers");
    expect(alert).toMatchObject({
      scopes: [WORKSPACE],
      window_duration: "PT15M",
      evaluation_frequency: "PT5M",
      severity: 1,
      action: { action_groups: ["${azurerm_monitor_action_group.action-group.id}"] },
    });
    const [criterion] = alert.criteria as Record<string, unknown>[];
    expect(criterion).toMatchObject({
      time_aggregation_method: "Count",
      operator: "GreaterThan",
      threshold: 0,
    });
    const query = String(criterion!.query);
    expect(query).toContain('Namespace == "docsift" and ControllerName startswith "docsift-worker"');
    expect(query).toContain('PodStatus == "Running"');
    expect(query).toContain('Resource =~ "sb-docsift-test" and MetricName == "ActiveMessages"');
    expect(query).toContain("waiting > 0 and running == 0");

    const longer = synthAzure(testConfig({ alerts: { queueAgeMinutes: 30 } })).json;
    expect(
      resource(longer, "azurerm_monitor_scheduled_query_rules_alert_v2", "alert-no-workers").window_duration,
    ).toBe("PT30M");
  });

  it("keeps the capacity alert for a backlog above what every worker at maximum scale holds", () => {
    const capacity = resource(json, "azurerm_monitor_metric_alert", "alert-queue-age");
    expect((capacity.criteria as { threshold: number }[])[0]!.threshold).toBe(
      testConfig().scaling.maxReplicas * testConfig().worker.concurrency,
    );
  });
});
