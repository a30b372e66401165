/**
 * The Azure alerting of the Monitoring capability: the action group that e-mails the alert address and the
 * metric alerts matching the AWS alarms (database CPU / storage / connections, cache CPU / memory /
 * evictions, nodes not ready). The workbook in azure.ts charts the same specs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { azurePlacement } from "../shared/context";
import { MonitoringArgs, alarmThresholds } from ".";

/** An Azure Monitor metric alert, also charted on the workbook. */
export interface AlertSpec {
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

/** The action group that e-mails the alert address (in the common alert schema). */
export function alertActionGroup(
    name: string,
    args: MonitoringArgs,
    opts: pulumi.CustomResourceOptions,
): monitor.ActionGroup {
    const { resourceGroupName } = azurePlacement(args.context);
    return new monitor.ActionGroup(
        `${name}-alerts`,
        {
            resourceGroupName,
            location: "Global",
            groupShortName: "platform",
            enabled: true,
            emailReceivers: [{ name: "alert-email", emailAddress: args.alertEmail, useCommonAlertSchema: true }],
            tags: args.context.tags,
        },
        opts,
    );
}

/** Every alert of the platform: the database's, then the cache's, then the cluster's. */
export function alertSpecs(args: MonitoringArgs): AlertSpec[] {
    return [...databaseAlerts(args), ...cacheAlerts(args), ...clusterAlerts(args)];
}

/** Alerts on the flexible server's CPU, storage used and active connections. */
function databaseAlerts(args: MonitoringArgs): AlertSpec[] {
    const postgres = "Microsoft.DBforPostgreSQL/flexibleServers";
    return [
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
    ];
}

/** Alerts on Azure Managed Redis CPU, memory used and evicted keys. */
function cacheAlerts(args: MonitoringArgs): AlertSpec[] {
    const redis = "Microsoft.Cache/redisEnterprise";
    return [
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
    ];
}

/** The alert on AKS nodes whose Ready condition is NotReady. */
function clusterAlerts(args: MonitoringArgs): AlertSpec[] {
    const aks = "Microsoft.ContainerService/managedClusters";
    return [
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
}

/** One metric alert per spec, notifying the action group when it fires and when it resolves. */
export function metricAlerts(
    name: string,
    alerts: AlertSpec[],
    actionGroup: monitor.ActionGroup,
    args: MonitoringArgs,
    opts: pulumi.CustomResourceOptions,
): void {
    const { resourceGroupName } = azurePlacement(args.context);
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
                tags: args.context.tags,
            },
            opts,
        );
    }
}
