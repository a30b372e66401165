import type { AlertRule } from ".";

/** Alert thresholds for the application services (error rate, latency, restarts). */
export const alertThresholds = {
    /** Share of requests answered with a 5xx status, over 5 minutes. */
    errorRatio: 0.05,
    /** 95th percentile request latency, seconds, over 5 minutes. */
    p95LatencySeconds: 1,
    /** Container restarts within 15 minutes. */
    restartsPer15Minutes: 3,
} as const;

/** Days before expiry a certificate alerts (a warning first, then critical). */
export const CERTIFICATE_EXPIRY_DAYS = { warning: 21, critical: 7 } as const;

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
 * Certificate alerts on cert-manager's metrics (scraped through its chart's ServiceMonitor, edge/certificates.ts).
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
