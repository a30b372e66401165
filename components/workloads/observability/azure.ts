import * as pulumi from "@pulumi/pulumi";
import * as alertsmanagement from "@pulumi/azure-native/alertsmanagement";
import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { roleDefinitionId } from "../../shared/azure";
import { azurePlacement } from "../../shared/context";
import { createFederatedIdentity } from "../identity/azure";
import { AlertRouteArgs, AlertRouteOutputs, AlertRuleGroup, PrometheusRouteSettings } from ".";

/** One rule of an Azure Monitor Prometheus rule group (without its actions). */
type AzurePrometheusRule = Omit<azureInputs.alertsmanagement.PrometheusRuleArgs, "actions">;

/** Azure alert severities (0 = critical ... 4 = verbose) for the rules' severity labels. */
const AZURE_SEVERITY = { critical: 1, warning: 2, info: 3 } as const;

/** In-cluster alerts that never notify: Watchdog is the heartbeat (watched below), InfoInhibitor a helper. */
const NEVER_NOTIFY = ["Watchdog", "InfoInhibitor"];

/** The firing in-cluster alerts matching a selector, one series per alert across HA Prometheus replicas. */
const firing = (selector: string) => `max without (prometheus_replica) (ALERTS{alertstate="firing", ${selector}})`;

/**
 * The Azure Monitor rules that deliver the cluster's alerts to the action group: one rule per platform alert
 * (same name, summary and severity), a catch-all for kube-prometheus-stack's own rules by severity, and the
 * dead man's switch on the Watchdog series.
 */
export function azureAlertRules(
    ruleGroups: AlertRuleGroup[],
    watchdogIntervalMinutes: number,
): { name: string; rules: AzurePrometheusRule[] }[] {
    const resolve = { autoResolved: true, timeToResolve: "PT10M" };
    const own = ruleGroups.flatMap((g) => g.rules.map((r) => r.alert));
    const others = [...NEVER_NOTIFY, ...own].join("|");
    const rule = (alert: string, expression: string, severity: number, summary: string) => ({
        alert,
        expression,
        severity,
        enabled: true,
        annotations: {
            summary,
            description: "Firing in the cluster's Prometheus; details in Grafana and Alertmanager.",
        },
        resolveConfiguration: resolve,
    });
    return [
        // The platform's alerts keep their names: the in-cluster rule already waited for its `for`.
        ...ruleGroups.map((group) => ({
            name: group.name,
            rules: group.rules.map((r) =>
                rule(
                    r.alert,
                    firing(`alertname="${r.alert}"`),
                    AZURE_SEVERITY[r.labels.severity],
                    r.annotations.summary ?? r.alert,
                ),
            ),
        })),
        {
            name: "platform-cluster",
            rules: [
                ...(["critical", "warning"] as const).map((severity) =>
                    rule(
                        `ClusterAlert${severity === "critical" ? "Critical" : "Warning"}`,
                        firing(`severity="${severity}", alertname!~"${others}"`),
                        AZURE_SEVERITY[severity],
                        `{{ $labels.alertname }} (${severity}) in {{ $labels.namespace }}`,
                    ),
                ),
                // Dead man's switch: Watchdog always fires, so its series stops only when Prometheus, its remote
                // write or the cluster is down. Three heartbeat intervals of silence alert.
                rule(
                    "ClusterAlertingDown",
                    `absent_over_time(ALERTS{alertname="Watchdog"}[${3 * watchdogIntervalMinutes}m])`,
                    AZURE_SEVERITY.critical,
                    "No Watchdog heartbeat from the cluster's Prometheus: in-cluster alerting is down.",
                ),
            ],
        },
    ];
}

/**
 * In-cluster alerts reach the Monitoring component's action group through Azure Monitor, authenticated end
 * to end with Microsoft Entra (no SMTP relay, no secret): Prometheus remote-writes only its `ALERTS` series
 * (the synthetic series of every pending and firing alert,
 * https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#inspecting-alerts-during-runtime)
 * to an Azure Monitor workspace through a data collection endpoint and rule, as a user-assigned identity
 * federated with its ServiceAccount (Workload ID) holding Monitoring Metrics Publisher on the rule
 * (https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-remote-write-azure-workload-identity;
 * prometheus-operator's `azureAd.workloadIdentity`, Prometheus >= 3.7, kube-prometheus-stack-88.5.3 ships
 * 3.14). Prometheus rule groups in that workspace (`Microsoft.AlertsManagement/prometheusRuleGroups`) notify
 * the action group for each firing alert and when the Watchdog series goes silent. Alertmanager keeps its
 * UI and silences, but its "platform" receiver has no integration on Azure: notifications leave only once,
 * through Azure Monitor. Only ALERTS are written, so ingestion stays a few series per alert, not the cluster.
 */
export function createAzureAlertRoute(name: string, args: AlertRouteArgs, parent: pulumi.Resource): AlertRouteOutputs {
    const opts = { parent };
    const { workspace, endpoint, rule } = createAlertCollection(name, args, opts);
    const { clientId, ready } = createPrometheusIdentity(name, args, rule, opts);
    createAlertRuleGroups(name, args, workspace, opts);

    const url = pulumi.interpolate`${endpoint.metricsIngestion.apply((m) => m?.endpoint ?? "")}/dataCollectionRules/${rule.immutableId}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24`;
    const { tenantId } = azurePlacement(args.context);
    return {
        receiver: pulumi.output(args.namespace).apply((): Record<string, unknown> => ({ name: "platform" })),
        watchdogReceiver: pulumi.output(args.namespace).apply((): Record<string, unknown> => ({ name: "watchdog" })),
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
        ready,
        prometheus: pulumi.all([url, clientId, tenantId]).apply(
            ([writeUrl, id, tenant]): PrometheusRouteSettings => ({
                remoteWrite: [
                    {
                        url: writeUrl,
                        azureAd: { cloud: "AzurePublic", workloadIdentity: { clientId: id, tenantId: tenant } },
                        writeRelabelConfigs: [{ sourceLabels: ["__name__"], regex: "ALERTS", action: "keep" }],
                    },
                ],
                serviceAccountAnnotations: { "azure.workload.identity/client-id": id },
                podLabels: { "azure.workload.identity/use": "true" },
            }),
        ),
    };
}

/**
 * Where the ALERTS series go: an Azure Monitor workspace, and the data collection endpoint and rule that
 * Prometheus remote-writes through.
 */
function createAlertCollection(name: string, args: AlertRouteArgs, opts: pulumi.CustomResourceOptions) {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const tags = context.tags;
    const workspace = new monitor.AzureMonitorWorkspace(
        `${name}-workspace`,
        // Explicit short names: the auto-named ones would exceed the 44-character limits of these types.
        {
            resourceGroupName,
            location,
            azureMonitorWorkspaceName: `${context.namePrefix}-alerts`,
            publicNetworkAccess: "Enabled",
            tags,
        },
        opts,
    );
    const endpoint = new monitor.DataCollectionEndpoint(
        `${name}-dce`,
        {
            resourceGroupName,
            location,
            dataCollectionEndpointName: `${context.namePrefix}-alerts-dce`,
            networkAcls: { publicNetworkAccess: "Enabled" },
            tags,
        },
        opts,
    );
    const rule = new monitor.DataCollectionRule(
        `${name}-dcr`,
        {
            resourceGroupName,
            location,
            dataCollectionRuleName: `${context.namePrefix}-alerts-dcr`,
            description: "Prometheus ALERTS series from the cluster, for the platform's alert rules",
            dataCollectionEndpointId: endpoint.id,
            dataSources: {
                prometheusForwarder: [{ name: "cluster-alerts", streams: ["Microsoft-PrometheusMetrics"] }],
            },
            destinations: { monitoringAccounts: [{ name: "workspace", accountResourceId: workspace.id }] },
            dataFlows: [{ streams: ["Microsoft-PrometheusMetrics"], destinations: ["workspace"] }],
            tags,
        },
        opts,
    );
    return { workspace, endpoint, rule };
}

/** The Prometheus rule groups in the workspace that notify the action group (azureAlertRules). */
function createAlertRuleGroups(
    name: string,
    args: AlertRouteArgs,
    workspace: monitor.AzureMonitorWorkspace,
    opts: pulumi.CustomResourceOptions,
): void {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    for (const group of azureAlertRules(args.ruleGroups ?? [], args.watchdogIntervalMinutes)) {
        new alertsmanagement.PrometheusRuleGroup(
            `${name}-${group.name}`,
            {
                resourceGroupName,
                location,
                ruleGroupName: `${context.namePrefix}-${group.name}`,
                description: `In-cluster alerts (${group.name}) to the platform's action group`,
                scopes: [workspace.id],
                enabled: true,
                interval: "PT1M",
                rules: group.rules.map((r) => ({ ...r, actions: [{ actionGroupId: args.alertDestinationId }] })),
                tags: context.tags,
            },
            opts,
        );
    }
}

/** Prometheus' identity: federated with its ServiceAccount, allowed to publish to the alert rule only. */
function createPrometheusIdentity(
    name: string,
    args: AlertRouteArgs,
    rule: monitor.DataCollectionRule,
    opts: pulumi.CustomResourceOptions,
): { clientId: pulumi.Output<string>; ready: pulumi.Resource[] } {
    const { identity, federation } = createFederatedIdentity(
        `${name}-prometheus`,
        {
            context: args.context,
            oidcIssuerUrl: args.cluster.oidcIssuerUrl,
            subject: `system:serviceaccount:${args.namespace}:${args.prometheusServiceAccountName}`,
        },
        opts,
    );
    const publisher = new authorization.RoleAssignment(
        `${name}-prometheus-publisher`,
        {
            scope: rule.id,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(args.context, "monitoringMetricsPublisher"),
            description: "Prometheus writes its ALERTS series to the platform's Azure Monitor workspace",
        },
        opts,
    );
    return { clientId: identity.clientId, ready: [federation, publisher] };
}
