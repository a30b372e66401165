import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ConfigMap, Namespace, Secret } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { Ingress } from "@pulumi/kubernetes/networking/v1";
import { Cloud, Environment } from "../shared/context";
import {
    AlertRoute,
    AlertRouteOutputs,
    AlertRule,
    AlertRuleGroup,
    ClusterMonitoringArgs,
    ClusterMonitoringOutputs,
} from ".";
import { CHART_PINS } from "./charts";
import { createStorageClass } from "./storage-class";

/** Prometheus' namespace, and how network policy selects it. */
export const MONITORING_NAMESPACE = {
    name: "monitoring",
    selector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
} as const;
/** The Prometheus server pods (created by the Prometheus operator). */
export const PROMETHEUS_POD_SELECTOR = { matchLabels: { "app.kubernetes.io/name": "prometheus" } };

/** Alert thresholds for the application services (error rate, latency, restarts). */
export const alertThresholds = {
    /** Share of requests answered with a 5xx status, over 5 minutes. */
    errorRatio: 0.05,
    /** 95th percentile request latency, seconds, over 5 minutes. */
    p95LatencySeconds: 1,
    /** Container restarts within 15 minutes. */
    restartsPer15Minutes: 3,
} as const;

/**
 * Persistent volumes and retention of the monitoring stack, per environment. Prometheus stops at
 * `retentionGiB` (its `retentionSize`) well below its volume, leaving room for the WAL and head chunks,
 * which Prometheus writes before size-based retention can delete a block.
 */
export const MONITORING_STORAGE: Record<
    Environment,
    {
        /** Each Prometheus replica's volume, GiB. */
        readonly prometheusGiB: number;
        /** Days of samples Prometheus keeps (`retention`). */
        readonly retentionDays: number;
        /** Bytes of blocks Prometheus keeps (`retentionSize`), GiB: below `prometheusGiB`. */
        readonly retentionGiB: number;
        /** Each Alertmanager replica's volume (silences, notification log), GiB. */
        readonly alertmanagerGiB: number;
        /** Grafana's volume (its SQLite database: users, preferences, annotations), GiB. */
        readonly grafanaGiB: number;
    }
> = {
    dev: { prometheusGiB: 20, retentionDays: 7, retentionGiB: 16, alertmanagerGiB: 2, grafanaGiB: 2 },
    staging: { prometheusGiB: 50, retentionDays: 15, retentionGiB: 40, alertmanagerGiB: 2, grafanaGiB: 5 },
    prod: { prometheusGiB: 100, retentionDays: 30, retentionGiB: 80, alertmanagerGiB: 5, grafanaGiB: 10 },
};

/**
 * Minutes between two notifications of the always-firing Watchdog alert (its route's `repeat_interval`):
 * the heartbeat a dead man's switch outside the cluster watches.
 */
export const WATCHDOG_INTERVAL_MINUTES = 5;

/** Days before expiry a certificate alerts (a warning first, then critical). */
export const CERTIFICATE_EXPIRY_DAYS = { warning: 21, critical: 7 } as const;

const GRAFANA_ADMIN_SECRET = "grafana-admin";
const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";
const PROMETHEUS_SERVICE_ACCOUNT = "prometheus";

/** PromQL for the three golden signals of the services in a namespace, by service. */
export function servicePromQl(namespace: string) {
    const sel = `namespace="${namespace}", service=~"$service"`;
    return {
        requestRate: `sum by (service) (rate(http_requests_total{${sel}}[5m]))`,
        p95Latency: `histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
        errorRate:
            `sum by (service) (rate(http_requests_total{${sel}, status=~"5.."}[5m]))` +
            ` / sum by (service) (rate(http_requests_total{${sel}}[5m]))`,
        restarts: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="${namespace}"}[15m]))`,
    };
}

/** The Grafana dashboard: request rate, p95 latency and error rate per service, plus restarts. */
export function servicesDashboard(namespace: string, services: string[]): Record<string, unknown> {
    const q = servicePromQl(namespace);
    const panel = (id: number, title: string, expr: string, unit: string, legend: string) => ({
        id,
        title,
        type: "timeseries",
        datasource: { type: "prometheus", uid: "prometheus" },
        gridPos: { h: 8, w: 12, x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8 },
        fieldConfig: { defaults: { unit }, overrides: [] },
        targets: [{ refId: "A", expr, legendFormat: legend }],
    });
    return {
        uid: `services-${namespace}`.slice(0, 40),
        title: `Application services (${namespace})`,
        tags: ["platform", "services"],
        timezone: "utc",
        schemaVersion: 39,
        refresh: "30s",
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [
                {
                    name: "service",
                    label: "Service",
                    type: "custom",
                    query: services.join(","),
                    multi: true,
                    includeAll: true,
                    allValue: ".*",
                    current: { text: "All", value: "$__all" },
                },
            ],
        },
        panels: [
            panel(1, "Request rate", q.requestRate, "reqps", "{{service}}"),
            panel(2, "Latency (p95)", q.p95Latency, "s", "p95 {{service}}"),
            panel(3, "Error rate (5xx)", q.errorRate, "percentunit", "{{service}}"),
            panel(4, "Container restarts (15 min)", q.restarts, "short", "{{pod}}"),
        ],
    };
}

/** Alert rules: error rate, latency, pod restarts. */
export function serviceAlertRules(namespace: string): AlertRule[] {
    const q = servicePromQl(namespace);
    const all = (expr: string) => expr.replace(/, service=~"\$service"/g, "");
    return [
        {
            alert: "ServiceHighErrorRate",
            expr: `${all(q.errorRate)} > ${alertThresholds.errorRatio}`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: `{{ $labels.service }}: more than ${alertThresholds.errorRatio * 100}% of requests fail`,
                description: "5xx responses are {{ $value | humanizePercentage }} of requests over 5 minutes.",
            },
        },
        {
            alert: "ServiceHighLatency",
            expr: `${all(q.p95Latency)} > ${alertThresholds.p95LatencySeconds}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.service }}: p95 latency above ${alertThresholds.p95LatencySeconds}s`,
                description: "95th percentile latency is {{ $value | humanizeDuration }} over 5 minutes.",
            },
        },
        {
            alert: "PodRestarting",
            expr: `${q.restarts} > ${alertThresholds.restartsPer15Minutes}`,
            for: "0m",
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.pod }} restarted more than ${alertThresholds.restartsPer15Minutes} times in 15 minutes`,
                description: "Check the pod's logs and probes: kubectl describe pod {{ $labels.pod }}.",
            },
        },
    ];
}

/**
 * Certificate alerts on cert-manager's metrics (scraped through its chart's ServiceMonitor, ingress.ts).
 * Let's Encrypt stopped sending expiry e-mails on 2025-06-04
 * (https://letsencrypt.org/2025/01/22/ending-expiration-emails/), so a renewal that silently fails is only
 * noticed here. Metric names: https://cert-manager.io/docs/devops-tips/prometheus-metrics/.
 */
export function certificateAlertRules(): AlertRule[] {
    const expiresWithin = (days: number) =>
        `certmanager_certificate_expiration_timestamp_seconds - time() < ${days * 24 * 3600}`;
    return [
        {
            alert: "CertificateExpiresSoon",
            expr: expiresWithin(CERTIFICATE_EXPIRY_DAYS.warning),
            for: "1h",
            labels: { severity: "warning" },
            annotations: {
                summary: `Certificate {{ $labels.name }} expires within ${CERTIFICATE_EXPIRY_DAYS.warning} days`,
                description:
                    "cert-manager renews 30 days before expiry, so renewal has been failing for over a week: " +
                    "kubectl describe certificate {{ $labels.name }} -n {{ $labels.exported_namespace }}.",
            },
        },
        {
            alert: "CertificateExpiresVerySoon",
            expr: expiresWithin(CERTIFICATE_EXPIRY_DAYS.critical),
            for: "1h",
            labels: { severity: "critical" },
            annotations: {
                summary: `Certificate {{ $labels.name }} expires within ${CERTIFICATE_EXPIRY_DAYS.critical} days`,
                description: "Renewal keeps failing; check the Certificate, its Order and the ClusterIssuer.",
            },
        },
        {
            alert: "CertificateNotReady",
            expr: 'certmanager_certificate_ready_status{condition="False"} == 1',
            for: "15m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Certificate {{ $labels.name }} is not ready",
                description:
                    "cert-manager could not issue or renew it: " +
                    "kubectl describe certificate {{ $labels.name }} -n {{ $labels.exported_namespace }}.",
            },
        },
    ];
}

/**
 * Targets that exist in kube-prometheus-stack's defaults but cannot be scraped on the managed control planes,
 * so their `...Down` / `TargetDown` alerts would fire forever. Each is disabled as a target and as a rule group
 * (the chart gates each rule group on both; prometheus-community/helm-charts@kube-prometheus-stack-88.5.3:
 * templates/prometheus/rules-1.14/kubernetes-system-{scheduler,controller-manager,kube-proxy}.yaml, etcd.yaml).
 */
export const UNSCRAPABLE_TARGETS: Record<Cloud, Record<string, string>> = {
    aws: {
        kubeControllerManager: "EKS runs it in the AWS-managed control plane, out of the cluster's reach",
        kubeScheduler: "EKS runs it in the AWS-managed control plane",
        kubeEtcd: "EKS runs etcd in the AWS-managed control plane",
        // kube-proxy's metricsBindAddress defaults to 127.0.0.1:10249 and EKS's kube-proxy config keeps the
        // default (https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/;
        // github:aws/eks-anywhere#4299 shows the EKS config with `metricsBindAddress: ""`).
        kubeProxy: "EKS's kube-proxy serves metrics on 127.0.0.1 only",
    },
    azure: {
        kubeControllerManager: "AKS runs it in the Azure-managed control plane",
        kubeScheduler: "AKS runs it in the Azure-managed control plane",
        kubeEtcd: "AKS runs etcd in the Azure-managed control plane",
        // The cluster uses the Cilium dataplane (components/cluster/azure.ts), whose eBPF service handling
        // replaces kube-proxy (https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium); where
        // kube-proxy runs, its metrics bind to 127.0.0.1 by default all the same.
        kubeProxy: "AKS with the Cilium dataplane has no kube-proxy to scrape",
    },
};

/** Rule groups of the chart that belong to the unscrapable targets. */
const TARGET_RULE_GROUPS: Record<string, string[]> = {
    kubeControllerManager: ["kubeControllerManager"],
    kubeScheduler: ["kubeSchedulerAlerting", "kubeSchedulerRecording"],
    kubeEtcd: ["etcd"],
    kubeProxy: ["kubeProxy"],
};

/** Chart values that turn off the targets (and their rules) a managed control plane does not expose. */
export function targetValues(cloud: Cloud): Record<string, unknown> {
    const targets = Object.keys(UNSCRAPABLE_TARGETS[cloud]);
    return {
        ...Object.fromEntries(targets.map((t) => [t, { enabled: false }])),
        defaultRules: {
            rules: Object.fromEntries(targets.flatMap((t) => TARGET_RULE_GROUPS[t].map((g) => [g, false]))),
        },
    };
}

/** A ReadWriteOnce claim template of the workloads' StorageClass, in the operator's `storage` shape. */
function claimTemplate(storageClassName: string, gib: number) {
    return {
        volumeClaimTemplate: {
            spec: {
                storageClassName,
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${gib}Gi` } },
            },
        },
    };
}

/**
 * Persistent volumes for Prometheus, Alertmanager and Grafana (the chart's defaults are emptyDir, lost on
 * every reschedule), sized per environment, and Prometheus' time and size retention. Value paths:
 * kube-prometheus-stack-88.5.3 values.yaml `prometheus.prometheusSpec.storageSpec`, `retentionSize`,
 * `alertmanager.alertmanagerSpec.storage`; grafana-community/helm-charts@grafana-12.11.1 values.yaml
 * `persistence` (type "sts": a StatefulSet, so a rolling update never waits on a ReadWriteOnce disk held by
 * the old pod).
 */
export function storageValues(environment: Environment, storageClassName: string): Record<string, unknown> {
    const size = MONITORING_STORAGE[environment];
    return {
        prometheus: {
            prometheusSpec: {
                retention: `${size.retentionDays}d`,
                retentionSize: `${size.retentionGiB}GiB`,
                storageSpec: claimTemplate(storageClassName, size.prometheusGiB),
            },
        },
        alertmanager: { alertmanagerSpec: { storage: claimTemplate(storageClassName, size.alertmanagerGiB) } },
        grafana: {
            persistence: {
                enabled: true,
                type: "sts",
                storageClassName,
                accessModes: ["ReadWriteOnce"],
                size: `${size.grafanaGiB}Gi`,
            },
        },
    };
}

/**
 * The chart's default inhibition (kube-prometheus-stack-88.5.3 values.yaml `alertmanager.config`): critical
 * silences warning/info of the same alert, and InfoInhibitor silences info alerts while nothing worse fires.
 * Restated because a route of our own replaces the chart's `config` piecemeal.
 */
const INHIBIT_RULES = [
    {
        source_matchers: ["severity = critical"],
        target_matchers: ["severity =~ warning|info"],
        equal: ["namespace", "alertname"],
    },
    {
        source_matchers: ["severity = warning"],
        target_matchers: ["severity = info"],
        equal: ["namespace", "alertname"],
    },
    { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
    { target_matchers: ["alertname = InfoInhibitor"] },
];

/**
 * Alertmanager: every alert to the platform's receiver; Watchdog (always firing by design) to the heartbeat
 * receiver every `WATCHDOG_INTERVAL_MINUTES`, where a dead man's switch notices its absence; InfoInhibitor
 * (a helper that only exists to inhibit) to the null receiver, as in the chart's inhibition design.
 */
export function alertingValues(route: AlertRouteOutputs, highAvailability: boolean): Record<string, unknown> {
    return {
        alertmanager: {
            serviceAccount: {
                create: true,
                name: ALERTMANAGER_SERVICE_ACCOUNT,
                annotations: route.serviceAccountAnnotations,
            },
            alertmanagerSpec: { replicas: highAvailability ? 3 : 1 },
            config: {
                global: { resolve_timeout: "5m" },
                inhibit_rules: INHIBIT_RULES,
                route: {
                    receiver: "platform",
                    group_by: ["alertname", "namespace", "service"],
                    group_wait: "30s",
                    group_interval: "5m",
                    repeat_interval: "4h",
                    routes: [
                        {
                            receiver: "watchdog",
                            matchers: ['alertname = "Watchdog"'],
                            group_wait: "0s",
                            group_interval: "1m",
                            repeat_interval: `${WATCHDOG_INTERVAL_MINUTES}m`,
                        },
                        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
                    ],
                },
                receivers: [{ name: "null" }, route.receiver, route.watchdogReceiver],
            },
        },
    };
}

/** Prometheus: every ServiceMonitor and rule in the cluster, the route's remote write and identity, HA replicas. */
function prometheusValues(route: AlertRouteOutputs, highAvailability: boolean): Record<string, unknown> {
    return {
        prometheus: {
            serviceAccount: {
                create: true,
                name: PROMETHEUS_SERVICE_ACCOUNT,
                annotations: route.prometheus.apply((p) => p.serviceAccountAnnotations),
            },
            prometheusSpec: {
                // Select every ServiceMonitor and rule in the cluster, not only the chart's own.
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                replicas: highAvailability ? 2 : 1,
                resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "4Gi" } },
                podMetadata: { labels: route.prometheus.apply((p) => p.podLabels) },
                remoteWrite: route.prometheus.apply((p) => p.remoteWrite),
            },
        },
    };
}

/** Grafana: admin from the generated Secret, no sign-up or anonymous access, dashboards from ConfigMaps. */
function grafanaValues(grafanaHost: string | undefined): Record<string, unknown> {
    return {
        grafana: {
            fullnameOverride: "grafana",
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            "grafana.ini": {
                server: { root_url: grafanaHost ? `https://${grafanaHost}/` : "%(protocol)s://%(domain)s/" },
                auth: { disable_login_form: false },
                "auth.anonymous": { enabled: false },
                users: { allow_sign_up: false },
            },
            sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1" } },
            // Grafana's Ingress is created outside the chart, so the chart need not wait for the ingress
            // controller's admission webhook.
            ingress: { enabled: false },
        },
    };
}

/** Deep-merges chart value fragments (objects merge key by key; arrays and scalars of later fragments win). */
export function mergeValues(...fragments: Record<string, unknown>[]): Record<string, unknown> {
    const isObject = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
    return fragments.reduce<Record<string, unknown>>((merged, fragment) => {
        const out = { ...merged };
        for (const [key, value] of Object.entries(fragment)) {
            out[key] = isObject(out[key]) && isObject(value) ? mergeValues(out[key], value) : value;
        }
        return out;
    }, {});
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

/** Grafana's Ingress: TLS from the ClusterIssuer, HTTPS only, restricted to the admin CIDRs. */
function createGrafanaIngress(
    name: string,
    args: ClusterMonitoringArgs,
    ns: pulumi.Input<string>,
    host: string,
    parent: pulumi.Resource,
) {
    return new Ingress(
        `${name}-grafana`,
        {
            metadata: {
                name: "grafana",
                namespace: ns,
                annotations: {
                    "cert-manager.io/cluster-issuer": args.ingress.clusterIssuer,
                    "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
                    "nginx.ingress.kubernetes.io/limit-rps": "20",
                    ...(args.adminAllowedCidrs.length > 0
                        ? { "nginx.ingress.kubernetes.io/whitelist-source-range": args.adminAllowedCidrs.join(",") }
                        : {}),
                },
            },
            spec: {
                ingressClassName: args.ingress.className,
                tls: [{ secretName: "grafana-tls", hosts: [host] }],
                rules: [
                    {
                        host,
                        http: {
                            paths: [
                                {
                                    path: "/",
                                    pathType: "Prefix",
                                    backend: { service: { name: "grafana", port: { number: 80 } } },
                                },
                            ],
                        },
                    },
                ],
            },
        },
        // Only the Ingress needs the controller (its admission webhook) and the ClusterIssuer.
        { parent, dependsOn: args.ingressDependsOn },
    );
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
    const opts = { parent };
    const ha = args.highAvailability;
    const { ns, adminSecret } = createNamespaceAndAdmin(name, parent);
    const storage = createStorageClass(name, { context: args.context, highAvailability: ha }, parent);
    const ruleGroups = [
        { name: "platform-services", rules: serviceAlertRules(args.appNamespace) },
        { name: "platform-certificates", rules: certificateAlertRules() },
    ];

    const route = new AlertRoute(
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
        opts,
    );

    const pin = CHART_PINS.kubePrometheusStack;
    const stack = new Release(
        `${name}-kube-prometheus-stack`,
        {
            name: "kube-prometheus-stack",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: ns,
            atomic: true,
            cleanupOnFail: true,
            timeout: 900,
            values: mergeValues(
                { fullnameOverride: "kps", crds: { enabled: false } },
                targetValues(args.context.cloud),
                prometheusValues(route, ha),
                alertingValues(route, ha),
                grafanaValues(args.grafanaHost),
                storageValues(args.context.environment, storage.name),
            ),
        },
        // The pods wait for their cloud identity (the alert route's `ready`), so that they start with credentials.
        { parent, dependsOn: [adminSecret, storage.resource, ...args.crds, ...route.ready] },
    );

    if (args.grafanaHost) {
        createGrafanaIngress(name, args, ns, args.grafanaHost, parent);
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
