import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import { stableGuid } from "../shared/azure";
import { azurePlacement } from "../shared/context";
import { MonitoringArgs, MonitoringOutputs, alarmThresholds } from ".";

interface AlertSpec {
    readonly id: string;
    readonly description: string;
    readonly scope: pulumi.Input<string>;
    readonly namespace: string;
    readonly metricName: string;
    readonly aggregation: "Average" | "Maximum" | "Total";
    readonly threshold: number;
    readonly severity: number;
    readonly dimensions?: { name: string; operator: "Include"; values: string[] }[];
}

/** Workbook metric aggregation codes. */
const WORKBOOK_AGGREGATION = { Total: 1, Maximum: 3, Average: 4 } as const;

/**
 * Diagnostic settings that send the database's, the cache's, the cluster's control plane and the blob
 * service's logs and metrics to the stack's Log Analytics workspace; an action group that e-mails the alert
 * address; metric alerts matching the AWS alarms (database CPU / storage / connections, cache CPU / memory /
 * evictions, nodes not ready), each notifying the action group when it fires and when it resolves; and an
 * Azure Monitor workbook charting the same metrics.
 */
export function createAzureMonitoring(name: string, args: MonitoringArgs, parent: pulumi.Resource): MonitoringOutputs {
    const { context } = args;
    const { resourceGroupName, location, tenantId, logAnalyticsWorkspaceId } = azurePlacement(context);
    const opts = { parent };
    const tags = context.tags;

    const allLogs = [{ categoryGroup: "allLogs", enabled: true }];
    const allMetrics = [{ category: "AllMetrics", enabled: true }];
    const diagnostics: [string, pulumi.Input<string>, Omit<monitor.DiagnosticSettingArgs, "resourceUri">][] = [
        ["db", args.database.resourceId, { logs: allLogs, metrics: allMetrics }],
        ["cache", args.cache.resourceId, { metrics: allMetrics }],
        // Azure Managed Redis emits its connection audit log from the database. The cache's resourceId
        // resolves only once the database exists, so this setting depends on the database resource.
        ["cache-database", pulumi.interpolate`${args.cache.resourceId}/databases/default`, { logs: allLogs }],
        [
            "cluster",
            args.cluster.resourceId,
            {
                // Resource-specific tables; the same control-plane logs EKS sends (authenticator = guard).
                logAnalyticsDestinationType: "Dedicated",
                logs: [
                    "kube-apiserver",
                    "kube-audit-admin",
                    "guard",
                    "kube-controller-manager",
                    "kube-scheduler",
                    "cluster-autoscaler",
                ].map((category) => ({ category, enabled: true })),
                metrics: allMetrics,
            },
        ],
        [
            "storage",
            pulumi.interpolate`${args.storage.resourceId}/blobServices/default`,
            { logs: allLogs, metrics: [{ category: "Transaction", enabled: true }] },
        ],
    ];
    for (const [role, resourceUri, settings] of diagnostics) {
        new monitor.DiagnosticSetting(
            `${name}-${role}-diagnostics`,
            {
                name: `${context.namePrefix}-to-log-analytics`,
                resourceUri,
                workspaceId: logAnalyticsWorkspaceId,
                ...settings,
            },
            opts,
        );
    }

    const actionGroup = new monitor.ActionGroup(
        `${name}-alerts`,
        {
            resourceGroupName,
            location: "Global",
            groupShortName: "platform",
            enabled: true,
            emailReceivers: [{ name: "alert-email", emailAddress: args.alertEmail, useCommonAlertSchema: true }],
            tags,
        },
        opts,
    );

    const postgres = "Microsoft.DBforPostgreSQL/flexibleServers";
    const redis = "Microsoft.Cache/redisEnterprise";
    const aks = "Microsoft.ContainerService/managedClusters";
    const alerts: AlertSpec[] = [
        {
            id: "db-cpu",
            description: `Database CPU above ${alarmThresholds.databaseCpuPercent}%`,
            scope: args.database.resourceId,
            namespace: postgres,
            metricName: "cpu_percent",
            aggregation: "Average",
            threshold: alarmThresholds.databaseCpuPercent,
            severity: 2,
        },
        {
            // Flexible server reports storage as a percentage; auto-grow acts before it is full.
            id: "db-storage",
            description: `Database storage above ${alarmThresholds.databaseStorageUsedPercent}% used`,
            scope: args.database.resourceId,
            namespace: postgres,
            metricName: "storage_percent",
            aggregation: "Maximum",
            threshold: alarmThresholds.databaseStorageUsedPercent,
            severity: 2,
        },
        {
            id: "db-connections",
            description: `Database connections above ${alarmThresholds.databaseConnections}`,
            scope: args.database.resourceId,
            namespace: postgres,
            metricName: "active_connections",
            aggregation: "Maximum",
            threshold: alarmThresholds.databaseConnections,
            severity: 2,
        },
        {
            id: "cache-cpu",
            description: `Cache CPU above ${alarmThresholds.cacheCpuPercent}%`,
            scope: args.cache.resourceId,
            namespace: redis,
            metricName: "percentProcessorTime",
            aggregation: "Average",
            threshold: alarmThresholds.cacheCpuPercent,
            severity: 2,
        },
        {
            id: "cache-memory",
            description: `Cache memory above ${alarmThresholds.cacheMemoryPercent}%`,
            scope: args.cache.resourceId,
            namespace: redis,
            metricName: "usedmemorypercentage",
            aggregation: "Average",
            threshold: alarmThresholds.cacheMemoryPercent,
            severity: 2,
        },
        {
            id: "cache-evictions",
            description: `Cache evictions above ${alarmThresholds.cacheEvictions} per 5 minutes`,
            scope: args.cache.resourceId,
            namespace: redis,
            metricName: "evictedkeys",
            aggregation: "Total",
            threshold: alarmThresholds.cacheEvictions,
            severity: 3,
        },
        {
            id: "cluster-nodes-not-ready",
            description: "Kubernetes nodes not ready",
            scope: args.cluster.resourceId,
            namespace: aks,
            metricName: "kube_node_status_condition",
            aggregation: "Average",
            threshold: 0,
            severity: 1,
            dimensions: [
                { name: "condition", operator: "Include", values: ["Ready"] },
                { name: "status2", operator: "Include", values: ["NotReady"] },
            ],
        },
    ];
    for (const alert of alerts) {
        new monitor.MetricAlert(
            `${name}-${alert.id}`,
            {
                resourceGroupName,
                location: "global",
                description: alert.description,
                severity: alert.severity,
                enabled: true,
                scopes: [alert.scope],
                // Five-minute windows evaluated every five minutes, like the CloudWatch alarms' periods.
                evaluationFrequency: "PT5M",
                windowSize: "PT5M",
                // Notifies again when the condition clears, like the alarms' OK actions.
                autoMitigate: true,
                criteria: {
                    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    allOf: [
                        {
                            criterionType: "StaticThresholdCriterion",
                            name: alert.id,
                            metricNamespace: alert.namespace,
                            metricName: alert.metricName,
                            operator: "GreaterThan",
                            threshold: alert.threshold,
                            timeAggregation: alert.aggregation,
                            dimensions: alert.dimensions,
                        },
                    ],
                },
                actions: [{ actionGroupId: actionGroup.id }],
                tags,
            },
            opts,
        );
    }

    const workbook = new applicationinsights.Workbook(
        `${name}-workbook`,
        {
            resourceGroupName,
            location,
            // Workbook names are GUIDs; derived from the stack so the same stack keeps the same workbook.
            resourceName: stableGuid(`${context.namePrefix}/${name}/workbook`),
            kind: "shared",
            category: "workbook",
            displayName: `${context.namePrefix} platform`,
            sourceId: "azure monitor",
            serializedData: pulumi.all(alerts.map((a) => pulumi.output(a.scope))).apply((scopes) =>
                JSON.stringify({
                    version: "Notebook/1.0",
                    items: [
                        {
                            type: 1,
                            name: "title",
                            content: { json: `## ${context.namePrefix}: data stores and cluster` },
                        },
                        ...alerts.map((a, i) => ({
                            type: 10,
                            name: a.id,
                            content: {
                                version: "MetricsItem/2.0",
                                size: 0,
                                chartType: 2,
                                resourceType: a.namespace.toLowerCase(),
                                metricScope: 0,
                                resourceIds: [scopes[i]],
                                timeContext: { durationMs: 86400000 },
                                metrics: [
                                    {
                                        namespace: a.namespace.toLowerCase(),
                                        metric: `${a.namespace.toLowerCase()}--${a.metricName}`,
                                        aggregation: WORKBOOK_AGGREGATION[a.aggregation],
                                    },
                                ],
                                title: a.description,
                                gridSettings: { rowLimit: 10000 },
                            },
                            customWidth: "33",
                        })),
                    ],
                    isLocked: false,
                    fallbackResourceIds: ["azure monitor"],
                }),
            ),
            tags,
        },
        opts,
    );

    return {
        alertDestinationId: actionGroup.id,
        dashboardUrl: pulumi.interpolate`https://portal.azure.com/#@${tenantId}/resource${workbook.id}/workbook`,
    };
}
