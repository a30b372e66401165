import * as pulumi from "@pulumi/pulumi";
import { Cloud, Environment } from "../../shared/context";
import type { AlertRouteOutputs } from ".";

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

/** The Secret holding Grafana's admin user and generated password (never in chart values). */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
/** The ServiceAccounts Alertmanager and Prometheus run as (their cloud identities federate with them). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";
export const PROMETHEUS_SERVICE_ACCOUNT = "prometheus";

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
export function prometheusValues(route: AlertRouteOutputs, highAvailability: boolean): Record<string, unknown> {
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
export function grafanaValues(grafanaHost: string | undefined): Record<string, unknown> {
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
            // Grafana's HTTPRoute is created outside the chart (edge/routes.ts), so the chart need not wait for
            // the Gateway.
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
