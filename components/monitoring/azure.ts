import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import { stableGuid } from "../shared/azure";
import { azurePlacement } from "../shared/context";
import { MonitoringArgs, MonitoringOutputs } from ".";
import { AlertSpec, alertActionGroup, alertSpecs, metricAlerts } from "./azure-alerts";

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
    const { tenantId } = azurePlacement(args.context);
    const opts = { parent };

    diagnosticSettings(name, args, opts);
    const actionGroup = alertActionGroup(name, args, opts);
    const alerts = alertSpecs(args);
    metricAlerts(name, alerts, actionGroup, args, opts);
    const workbook = metricsWorkbook(name, alerts, args, opts);

    return {
        alertDestinationId: actionGroup.id,
        dashboardUrl: pulumi.interpolate`https://portal.azure.com/#@${tenantId}/resource${workbook.id}/workbook`,
    };
}

/** Diagnostic settings sending the data stores', the control plane's and blob's logs and metrics to Log Analytics. */
function diagnosticSettings(name: string, args: MonitoringArgs, opts: pulumi.CustomResourceOptions): void {
    const { context } = args;
    const { logAnalyticsWorkspaceId } = azurePlacement(context);
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
}

/** An Azure Monitor workbook charting every alerted metric over the last day. */
function metricsWorkbook(
    name: string,
    alerts: AlertSpec[],
    args: MonitoringArgs,
    opts: pulumi.CustomResourceOptions,
): applicationinsights.Workbook {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    return new applicationinsights.Workbook(
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
            serializedData: pulumi
                .all(alerts.map((a) => pulumi.output(a.scope)))
                .apply((scopes) => JSON.stringify(workbookContent(context.namePrefix, alerts, scopes))),
            tags: context.tags,
        },
        opts,
    );
}

/** The workbook's notebook: a title, then one metrics chart per alert, three to a row. */
function workbookContent(namePrefix: string, alerts: AlertSpec[], scopes: string[]) {
    return {
        version: "Notebook/1.0",
        items: [
            {
                type: 1,
                name: "title",
                content: { json: `## ${namePrefix}: data stores and cluster` },
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
    };
}
