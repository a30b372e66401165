import * as pulumi from "@pulumi/pulumi";
import * as alertsmanagement from "@pulumi/azure-native/alertsmanagement";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { compactGlobalName, roleDefinitionId } from "../shared/azure";
import { azurePlacement } from "../shared/context";
import {
    AlertRouteArgs,
    AlertRouteOutputs,
    AlertRuleGroup,
    EgressDestination,
    PrometheusRouteSettings,
    RegistryArgs,
    RegistryOutputs,
    WorkloadIdentityArgs,
    WorkloadIdentityOutputs,
    WorkloadsCloudImplementation,
} from ".";

/**
 * Azure Container Registry: admin user and anonymous pull disabled (every pull and push is an Entra
 * identity), Premium with zone redundancy when highly available; the cluster's kubelet identity holds
 * AcrPull and the deployer AcrPush. One registry per stack, one repository per service.
 */
export function createAzureRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { context } = args;
    const { resourceGroupName, location, deployerObjectId, deployerPrincipalType } = azurePlacement(context);
    const opts = { parent };
    const premium = context.environment === "prod";
    const registry = new containerregistry.Registry(
        `${name}-acr`,
        {
            resourceGroupName,
            location,
            registryName: compactGlobalName(context, "acr", 50),
            sku: { name: premium ? "Premium" : "Standard" },
            adminUserEnabled: false,
            anonymousPullEnabled: false,
            zoneRedundancy: premium ? "Enabled" : "Disabled",
            tags: context.tags,
        },
        opts,
    );
    new authorization.RoleAssignment(
        `${name}-acr-pull`,
        {
            scope: registry.id,
            principalId: args.nodeIdentityId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "acrPull"),
            description: "The cluster's kubelet identity pulls the stack's images",
        },
        opts,
    );
    new authorization.RoleAssignment(
        `${name}-acr-push`,
        {
            scope: registry.id,
            principalId: deployerObjectId,
            // azure-native would send "User" (the CI deployer is a service principal): ARM rejects a mismatch.
            principalType: deployerPrincipalType,
            roleDefinitionId: roleDefinitionId(context, "acrPush"),
            description: "The deployer pushes the images it builds",
        },
        opts,
    );
    return {
        server: registry.loginServer,
        repositoryUrls: registry.loginServer.apply((server) =>
            Object.fromEntries(args.repositories.map((repository) => [repository, `${server}/${repository}`])),
        ),
    };
}

/**
 * A user-assigned managed identity federated with the service's ServiceAccount through the cluster's OIDC
 * issuer (Microsoft Entra Workload ID), holding Storage Blob Data Contributor on the platform's container
 * only. No secrets: the workload identity webhook projects a token the SDKs exchange.
 */
export function createAzureIdentity(
    name: string,
    args: WorkloadIdentityArgs,
    parent: pulumi.Resource,
): WorkloadIdentityOutputs {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const opts = { parent };
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName, location, tags: context.tags },
        opts,
    );
    const federation = new managedidentity.FederatedIdentityCredential(
        `${name}-federation`,
        {
            resourceGroupName,
            resourceName: identity.name,
            issuer: args.cluster.oidcIssuerUrl,
            subject: pulumi.interpolate`system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
            audiences: ["api://AzureADTokenExchange"],
        },
        opts,
    );
    const storageAccess = new authorization.RoleAssignment(
        `${name}-storage`,
        {
            scope: pulumi.interpolate`${args.storage.resourceId}/blobServices/default/containers/${args.storage.bucketName}`,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "storageBlobDataContributor"),
            description: `${args.serviceAccountName} reads and writes the platform's container only`,
        },
        opts,
    );
    return {
        serviceAccountAnnotations: identity.clientId.apply(
            (clientId): Record<string, string> => ({
                "azure.workload.identity/client-id": clientId,
            }),
        ),
        podLabels: pulumi.output<Record<string, string>>({ "azure.workload.identity/use": "true" }),
        principalId: identity.clientId,
        // A token exchange before the federated credential has propagated fails ("add a slight delay after
        // adding the federated identity credential":
        // https://learn.microsoft.com/en-us/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential).
        ready: [federation, storageAccess],
    };
}

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
    const { context } = args;
    const { resourceGroupName, location, tenantId } = azurePlacement(context);
    const opts = { parent };
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
    const { identity, ready } = createPrometheusIdentity(name, args, rule, opts);

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
                tags,
            },
            opts,
        );
    }

    const url = pulumi.interpolate`${endpoint.metricsIngestion.apply((m) => m?.endpoint ?? "")}/dataCollectionRules/${rule.immutableId}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24`;
    return {
        receiver: pulumi.output(args.namespace).apply((): Record<string, unknown> => ({ name: "platform" })),
        watchdogReceiver: pulumi.output(args.namespace).apply((): Record<string, unknown> => ({ name: "watchdog" })),
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
        ready,
        prometheus: pulumi.all([url, identity.clientId, tenantId]).apply(
            ([writeUrl, clientId, tenant]): PrometheusRouteSettings => ({
                remoteWrite: [
                    {
                        url: writeUrl,
                        azureAd: { cloud: "AzurePublic", workloadIdentity: { clientId, tenantId: tenant } },
                        writeRelabelConfigs: [{ sourceLabels: ["__name__"], regex: "ALERTS", action: "keep" }],
                    },
                ],
                serviceAccountAnnotations: { "azure.workload.identity/client-id": clientId },
                podLabels: { "azure.workload.identity/use": "true" },
            }),
        ),
    };
}

/** Prometheus' identity: federated with its ServiceAccount, allowed to publish to the alert rule only. */
function createPrometheusIdentity(
    name: string,
    args: AlertRouteArgs,
    rule: monitor.DataCollectionRule,
    opts: pulumi.CustomResourceOptions,
): { identity: managedidentity.UserAssignedIdentity; ready: pulumi.Resource[] } {
    const { resourceGroupName, location } = azurePlacement(args.context);
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-prometheus-identity`,
        { resourceGroupName, location, tags: args.context.tags },
        opts,
    );
    const federation = new managedidentity.FederatedIdentityCredential(
        `${name}-prometheus-federation`,
        {
            resourceGroupName,
            resourceName: identity.name,
            issuer: args.cluster.oidcIssuerUrl,
            subject: `system:serviceaccount:${args.namespace}:${args.prometheusServiceAccountName}`,
            audiences: ["api://AzureADTokenExchange"],
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
    return { identity, ready: [federation, publisher] };
}

export const azureWorkloads: WorkloadsCloudImplementation = {
    createRegistry: createAzureRegistry,
    createIdentity: createAzureIdentity,
    createAlertRoute: createAzureAlertRoute,
    loadBalancerAnnotations: () => ({
        // Azure's load balancer probes the controller's health endpoint rather than a TCP port.
        "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
    }),
    cloudApiEgress: (): EgressDestination[] => [
        {
            cidr: "0.0.0.0/0",
            ports: [443],
            reason: "Blob storage (private endpoint in the VNet) and Microsoft Entra token exchange over HTTPS",
        },
    ],
};
