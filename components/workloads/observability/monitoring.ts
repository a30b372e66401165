import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ConfigMap, Namespace, Secret } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { CHART_PINS } from "../charts";
import { createGrafanaRoute } from "../edge/routes";
import {
    AlertRoute,
    AlertRouteOutputs,
    AlertRuleGroup,
    ClusterMonitoringArgs,
    ClusterMonitoringOutputs,
    MONITORING_NAMESPACE,
} from ".";
import { certificateAlertRules, serviceAlertRules, servicesDashboard } from "./rules";
import { createStorageClass } from "./storage-class";
import {
    ALERTMANAGER_SERVICE_ACCOUNT,
    GRAFANA_ADMIN_SECRET,
    PROMETHEUS_SERVICE_ACCOUNT,
    WATCHDOG_INTERVAL_MINUTES,
    alertingValues,
    grafanaValues,
    mergeValues,
    prometheusValues,
    storageValues,
    targetValues,
} from "./values";

/**
 * kube-prometheus-stack (pinned) picking up every ServiceMonitor and PrometheusRule, with persistent
 * volumes, the managed control plane's unscrapable targets turned off, Grafana with a generated admin
 * password and the services' dashboard, the services' and certificates' alert rules, and Alertmanager
 * routing every alert to the platform's alert destination and the Watchdog heartbeat to a dead man's switch.
 */
export function createClusterMonitoring(
    name: string,
    args: ClusterMonitoringArgs,
    parent: pulumi.Resource,
): ClusterMonitoringOutputs {
    const { ns, adminSecret } = createNamespaceAndAdmin(name, parent);
    const storage = createStorageClass(
        name,
        { context: args.context, highAvailability: args.highAvailability },
        parent,
    );
    const ruleGroups = [
        { name: "platform-services", rules: serviceAlertRules(args.appNamespace) },
        { name: "platform-certificates", rules: certificateAlertRules() },
    ];
    const route = createAlertRoute(name, args, ruleGroups, parent);
    const stack = createMonitoringStack(
        name,
        args,
        { ns, route, storageClassName: storage.name },
        {
            parent,
            // The pods wait for their cloud identity (the alert route's `ready`), so that they start with credentials.
            dependsOn: [adminSecret, storage.resource, ...args.crds, ...route.ready],
        },
    );
    if (args.grafanaHost) {
        createGrafanaRoute(
            `${name}-grafana`,
            {
                namespace: ns,
                host: args.grafanaHost,
                allowedCidrs: args.grafanaAllowedCidrs,
                edge: args.edge,
            },
            // Only the route needs the Gateway and its CRDs; the chart does not wait for the edge.
            { parent, dependsOn: args.edgeDependsOn },
        );
    }
    createDashboardAndRules(name, args, ns, ruleGroups, stack, parent);

    return {
        grafanaUrl: pulumi.output(
            args.grafanaHost
                ? `https://${args.grafanaHost}/`
                : `http://grafana.${MONITORING_NAMESPACE.name}.svc.cluster.local`,
        ),
        namespace: MONITORING_NAMESPACE.name,
        ready: [stack],
    };
}

/** Alertmanager's (and Prometheus') route to the platform's alert destination, with the rules it delivers. */
function createAlertRoute(
    name: string,
    args: ClusterMonitoringArgs,
    ruleGroups: AlertRuleGroup[],
    parent: pulumi.Resource,
): AlertRoute {
    return new AlertRoute(
        `${name}-alert-route`,
        {
            context: args.context,
            cluster: args.cluster,
            alertDestinationId: args.alertDestinationId,
            alertEmail: args.alertEmail,
            namespace: MONITORING_NAMESPACE.name,
            serviceAccountName: ALERTMANAGER_SERVICE_ACCOUNT,
            prometheusServiceAccountName: PROMETHEUS_SERVICE_ACCOUNT,
            ruleGroups,
            watchdogIntervalMinutes: WATCHDOG_INTERVAL_MINUTES,
        },
        { parent },
    );
}

/** The kube-prometheus-stack release, its values merged from one fragment per concern (values.ts). */
function createMonitoringStack(
    name: string,
    args: ClusterMonitoringArgs,
    parts: { ns: pulumi.Input<string>; route: AlertRouteOutputs; storageClassName: string },
    opts: pulumi.CustomResourceOptions,
): Release {
    const pin = CHART_PINS.kubePrometheusStack;
    const ha = args.highAvailability;
    return new Release(
        `${name}-kube-prometheus-stack`,
        {
            name: "kube-prometheus-stack",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: parts.ns,
            atomic: true,
            cleanupOnFail: true,
            timeout: 900,
            values: mergeValues(
                { fullnameOverride: "kps", crds: { enabled: false } },
                targetValues(args.context.cloud),
                prometheusValues(parts.route, ha),
                alertingValues(parts.route, ha),
                grafanaValues(args.grafanaHost),
                storageValues(args.context.environment, parts.storageClassName),
            ),
        },
        opts,
    );
}

/**
 * The Prometheus operator's CRDs as a release of their own, installed before anything that creates a
 * ServiceMonitor or PrometheusRule. Helm installs a chart's `crds/` directory once and never upgrades it
 * ("There is no support at this time for upgrading or deleting CRDs using Helm",
 * https://helm.sh/docs/chart_best_practices/custom_resource_definitions/), so kube-prometheus-stack's own
 * copy is disabled (`crds.enabled: false`) and this chart, whose CRDs are templates, upgrades them with the
 * matching operator version. Kept on uninstall (`helm.sh/resource-policy: keep`): deleting a CRD deletes
 * every monitor and rule of its kind. The release record lives in kube-system because the CRDs are cluster
 * scoped and the monitoring namespace does not exist yet.
 */
export function createMonitoringCrds(name: string, parent: pulumi.Resource): Release {
    const pin = CHART_PINS.prometheusOperatorCrds;
    return new Release(
        `${name}-prometheus-operator-crds`,
        {
            name: "prometheus-operator-crds",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: "kube-system",
            atomic: true,
            cleanupOnFail: true,
            values: { crds: { annotations: { "helm.sh/resource-policy": "keep" } } },
        },
        { parent },
    );
}

/** The monitoring namespace and Grafana's admin Secret (a generated password, never in chart values). */
function createNamespaceAndAdmin(name: string, parent: pulumi.Resource) {
    const opts = { parent };
    const namespace = new Namespace(
        `${name}-namespace`,
        {
            // node-exporter needs the host's network and PID namespace.
            metadata: {
                name: MONITORING_NAMESPACE.name,
                labels: { "pod-security.kubernetes.io/enforce": "privileged" },
            },
        },
        opts,
    );
    const ns = namespace.metadata.name;
    const adminPassword = new RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, opts);
    const adminSecret = new Secret(
        `${name}-grafana-admin`,
        {
            metadata: { name: GRAFANA_ADMIN_SECRET, namespace: ns },
            type: "Opaque",
            stringData: pulumi.secret(
                adminPassword.result.apply((password) => ({ "admin-user": "admin", "admin-password": password })),
            ),
        },
        opts,
    );
    return { ns, adminSecret };
}

/** The services' Grafana dashboard (picked up by the sidecar) and the platform's PrometheusRules. */
function createDashboardAndRules(
    name: string,
    args: ClusterMonitoringArgs,
    ns: pulumi.Input<string>,
    ruleGroups: AlertRuleGroup[],
    stack: Release,
    parent: pulumi.Resource,
): void {
    const opts = { parent };
    new ConfigMap(
        `${name}-services-dashboard`,
        {
            metadata: { name: "platform-services-dashboard", namespace: ns, labels: { grafana_dashboard: "1" } },
            data: {
                "platform-services.json": JSON.stringify(servicesDashboard(args.appNamespace, args.services), null, 2),
            },
        },
        opts,
    );
    // Logical names kept from the single-rule days (`-service-alerts`), so the existing rule keeps its URN.
    const ids: Record<string, string> = {
        "platform-services": "service-alerts",
        "platform-certificates": "certificate-alerts",
    };
    for (const group of ruleGroups) {
        new CustomResource(
            `${name}-${ids[group.name]}`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: group.name, namespace: ns },
                spec: { groups: [group] },
            },
            { parent, dependsOn: [stack] },
        );
    }
}
