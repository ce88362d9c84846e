import type { Construct } from "constructs";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting/index.js";
import { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule/index.js";
import { MonitorDataCollectionRuleAssociation } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association/index.js";
import type { EnvironmentConfig } from "../config.js";
import { WORKER_NAME } from "../kubernetes/worker-spec.js";
import type { AzureNames } from "./naming.js";

export interface DiagnosticTarget {
  /** Construct id suffix, stable: it becomes the Terraform address. */
  id: string;
  resourceId: string;
  /** Also export platform metrics to the AzureMetrics table (alert queries read them there). */
  metrics?: boolean;
  /**
   * The service lets logs go to resource-specific tables instead of AzureDiagnostics. Only set
   * where it offers the choice: on services that always write their own tables (App Service,
   * Storage) Azure drops the field and every plan would show it again.
   */
  dedicatedTables?: boolean;
}

/**
 * Resource logs (the `allLogs` category group: whatever the service offers, including categories
 * it adds later) into the environment's Log Analytics workspace.
 */
export function sendDiagnosticsTo(scope: Construct, workspaceId: string, targets: DiagnosticTarget[]): void {
  for (const t of targets) {
    new MonitorDiagnosticSetting(scope, `diagnostics-${t.id}`, {
      name: "to-log-analytics",
      targetResourceId: t.resourceId,
      logAnalyticsWorkspaceId: workspaceId,
      logAnalyticsDestinationType: t.dedicatedTables ? "Dedicated" : undefined,
      enabledLog: [{ categoryGroup: "allLogs" }],
      enabledMetric: t.metrics ? [{ category: "AllMetrics" }] : undefined,
    });
  }
}

/** What Container Insights collects: inventory (the alert below reads pods), events, perf and logs. */
export const CONTAINER_INSIGHTS_STREAMS = [
  "Microsoft-ContainerLogV2",
  "Microsoft-KubeEvents",
  "Microsoft-KubePodInventory",
  "Microsoft-KubeNodeInventory",
  "Microsoft-KubeServices",
  "Microsoft-KubePVInventory",
  "Microsoft-KubeMonAgentEvents",
  "Microsoft-InsightsMetrics",
  "Microsoft-ContainerInventory",
  "Microsoft-ContainerNodeInventory",
  "Microsoft-Perf",
];

/**
 * Container Insights through a data collection rule: the AKS monitoring add-on authenticates with
 * its managed identity (`msiAuthForMonitoringEnabled`), and with managed-identity auth it collects
 * only what a DCR associated with the cluster names. Without the association nothing arrives.
 */
export function containerInsights(
  scope: Construct,
  args: {
    name: string;
    resourceGroupName: string;
    location: string;
    workspaceId: string;
    clusterId: string;
    tags: Record<string, string>;
  },
): MonitorDataCollectionRule {
  const destination = "workspace";
  const rule = new MonitorDataCollectionRule(scope, "container-insights-dcr", {
    name: args.name,
    resourceGroupName: args.resourceGroupName,
    location: args.location,
    kind: "Linux",
    description: "Container Insights for the AKS cluster (managed identity)",
    destinations: { logAnalytics: [{ name: destination, workspaceResourceId: args.workspaceId }] },
    dataFlow: [{ streams: CONTAINER_INSIGHTS_STREAMS, destinations: [destination] }],
    dataSources: {
      extension: [
        {
          name: "ContainerInsightsExtension",
          extensionName: "ContainerInsights",
          streams: CONTAINER_INSIGHTS_STREAMS,
          extensionJson: JSON.stringify({
            dataCollectionSettings: {
              interval: "1m",
              namespaceFilteringMode: "Off",
              enableContainerLogV2: true,
            },
          }),
        },
      ],
    },
    tags: args.tags,
  });
  new MonitorDataCollectionRuleAssociation(scope, "container-insights-dcr-association", {
    // The name the monitoring add-on looks for.
    name: "ContainerInsightsExtension",
    targetResourceId: args.clusterId,
    dataCollectionRuleId: rule.id,
  });
  return rule;
}

/**
 * Log query behind the "waiting tasks, no worker" alert: one row when, over the whole window,
 * the namespace always had active messages (AzureMetrics minimum > 0) and no worker pod was
 * Running (KubePodInventory from Container Insights). Platform metrics reach Log Analytics without
 * dimensions, so the backlog is the namespace's (both queues): `job-events` is drained by the
 * Function App within seconds, so a standing backlog is tasks, or a stuck event consumer, both
 * worth a page. A cluster that stopped reporting counts as zero workers.
 */
export function noWorkerBacklogQuery(c: EnvironmentConfig, n: AzureNames): string {
  return [
    "let running = toscalar(KubePodInventory",
    `  | where Namespace == "${c.worker.namespace}" and ControllerName startswith "${WORKER_NAME}" and PodStatus == "Running"`,
    "  | summarize dcount(Name));",
    "AzureMetrics",
    `| where ResourceProvider == "MICROSOFT.SERVICEBUS" and Resource =~ "${n.serviceBus}" and MetricName == "ActiveMessages"`,
    "| summarize waiting = min(Minimum), samples = count()",
    "| where samples > 0 and waiting > 0 and running == 0",
  ].join("\n");
}
