import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ConfigMap, Namespace, Secret } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { Ingress } from "@pulumi/kubernetes/networking/v1";
import { AlertRoute, ClusterMonitoringArgs, ClusterMonitoringOutputs } from ".";
import { CHARTS } from "./ingress";

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

/** Days Prometheus keeps samples, per environment. */
export const PROMETHEUS_RETENTION = { dev: "7d", staging: "15d", prod: "30d" } as const;

const GRAFANA_ADMIN_SECRET = "grafana-admin";
const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";

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
export function serviceAlertRules(namespace: string) {
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
 * kube-prometheus-stack (pinned) picking up every ServiceMonitor and PrometheusRule, Grafana with a
 * generated admin password (in a Secret, never in chart values) and the services' dashboard, the alert
 * rules, and Alertmanager routing every alert to the platform's alert destination.
 */
export function createClusterMonitoring(
    name: string,
    args: ClusterMonitoringArgs,
    parent: pulumi.Resource,
): ClusterMonitoringOutputs {
    const opts = { parent };
    const ha = args.highAvailability;

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

    const route = new AlertRoute(
        `${name}-alert-route`,
        {
            context: args.context,
            cluster: args.cluster,
            alertDestinationId: args.alertDestinationId,
            alertEmail: args.alertEmail,
            namespace: MONITORING_NAMESPACE.name,
            serviceAccountName: ALERTMANAGER_SERVICE_ACCOUNT,
        },
        opts,
    );

    const stack = new Release(
        `${name}-kube-prometheus-stack`,
        {
            name: "kube-prometheus-stack",
            chart: CHARTS.kubePrometheusStack.chart,
            version: CHARTS.kubePrometheusStack.version,
            repositoryOpts: { repo: CHARTS.kubePrometheusStack.repo },
            namespace: ns,
            atomic: true,
            cleanupOnFail: true,
            timeout: 900,
            values: {
                fullnameOverride: "kps",
                prometheus: {
                    prometheusSpec: {
                        // Select every ServiceMonitor and rule in the cluster, not only the chart's own.
                        serviceMonitorSelectorNilUsesHelmValues: false,
                        podMonitorSelectorNilUsesHelmValues: false,
                        ruleSelectorNilUsesHelmValues: false,
                        retention: PROMETHEUS_RETENTION[args.context.environment],
                        replicas: ha ? 2 : 1,
                        resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "4Gi" } },
                    },
                },
                alertmanager: {
                    serviceAccount: {
                        create: true,
                        name: ALERTMANAGER_SERVICE_ACCOUNT,
                        annotations: route.serviceAccountAnnotations,
                    },
                    alertmanagerSpec: { replicas: ha ? 3 : 1 },
                    config: {
                        global: { resolve_timeout: "5m" },
                        route: {
                            receiver: "platform",
                            group_by: ["alertname", "namespace", "service"],
                            group_wait: "30s",
                            group_interval: "5m",
                            repeat_interval: "4h",
                            routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
                        },
                        receivers: [{ name: "null" }, route.receiver],
                    },
                },
                grafana: {
                    fullnameOverride: "grafana",
                    admin: {
                        existingSecret: GRAFANA_ADMIN_SECRET,
                        userKey: "admin-user",
                        passwordKey: "admin-password",
                    },
                    "grafana.ini": {
                        server: {
                            root_url: args.grafanaHost ? `https://${args.grafanaHost}/` : "%(protocol)s://%(domain)s/",
                        },
                        auth: { disable_login_form: false },
                        "auth.anonymous": { enabled: false },
                        users: { allow_sign_up: false },
                    },
                    sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1" } },
                    // Grafana's Ingress is created outside the chart (below), so the chart need not wait for the
                    // ingress controller's admission webhook.
                    ingress: { enabled: false },
                },
            },
        },
        { parent, dependsOn: [adminSecret] },
    );

    if (args.grafanaHost) {
        new Ingress(
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
                    tls: [{ secretName: "grafana-tls", hosts: [args.grafanaHost] }],
                    rules: [
                        {
                            host: args.grafanaHost,
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
    new CustomResource(
        `${name}-service-alerts`,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: "platform-services", namespace: ns },
            spec: { groups: [{ name: "platform-services", rules: serviceAlertRules(args.appNamespace) }] },
        },
        { parent, dependsOn: [stack] },
    );

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
