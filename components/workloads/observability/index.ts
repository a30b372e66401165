import * as pulumi from "@pulumi/pulumi";
import type { ClusterOutputs } from "../../cluster";
import { CapabilityComponent, PlatformContext } from "../../shared/context";
import type { EdgeRouting } from "../edge";

/*
 * Cluster observability: kube-prometheus-stack (pinned, with its CRDs as a release of their own) with
 * persistent volumes (storage-class.ts), the services' Grafana dashboard and the platform's alert rules
 * (rules.ts), chart values by concern (values.ts), and the Alertmanager route that delivers alerts to the
 * Monitoring component's destination: SNS with a Watchdog heartbeat on AWS (aws.ts), Azure Monitor
 * Prometheus rule groups fed by remote write on Azure (azure.ts). The composition is monitoring.ts.
 */

/** Prometheus' namespace, and how network policy selects it. */
export const MONITORING_NAMESPACE = {
    name: "monitoring",
    selector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
} as const;
/** The Prometheus server pods (created by the Prometheus operator). */
export const PROMETHEUS_POD_SELECTOR = { matchLabels: { "app.kubernetes.io/name": "prometheus" } };

/** Arguments of the in-cluster monitoring stack. */
export interface ClusterMonitoringArgs {
    readonly context: PlatformContext;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** The application namespace whose services the dashboard and alerts cover. */
    readonly appNamespace: string;
    /** Names of the services (dashboard variable values). */
    readonly services: string[];
    readonly alertEmail: string;
    readonly alertDestinationId: pulumi.Input<string>;
    readonly highAvailability: boolean;
    /** Public Grafana host; no route when undefined. */
    readonly grafanaHost?: string;
    /** Client ranges Grafana's route admits (its own allow-list, not the Kubernetes API's). */
    readonly grafanaAllowedCidrs: string[];
    /** The Gateway Grafana's HTTPRoute attaches to. */
    readonly edge: EdgeRouting;
    readonly edgeDependsOn: pulumi.Resource[];
    /** The Prometheus operator's CRDs (installed before the stack, see `createMonitoringCrds`). */
    readonly crds: pulumi.Resource[];
}

/** What the monitoring stack offers. */
export interface ClusterMonitoringOutputs {
    readonly grafanaUrl: pulumi.Output<string>;
    /** Namespace of Prometheus (network policy admits scrapes from it). */
    readonly namespace: string;
    /** Resources ServiceMonitors and PrometheusRules wait for (the CRDs). */
    readonly ready: pulumi.Resource[];
}

/** kube-prometheus-stack (pinned) with the services' Grafana dashboard, alert rules and Alertmanager route. */
export class ClusterMonitoring extends pulumi.ComponentResource implements ClusterMonitoringOutputs {
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly namespace: string;
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: ClusterMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:ClusterMonitoring", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createClusterMonitoring } = require("./monitoring") as typeof import("./monitoring");
        const outputs = createClusterMonitoring(name, args, this);
        this.grafanaUrl = outputs.grafanaUrl;
        this.namespace = outputs.namespace;
        this.ready = outputs.ready;
        this.registerOutputs({ grafanaUrl: outputs.grafanaUrl, namespace: outputs.namespace });
    }
}

/** Arguments of the Alertmanager route to the platform's alert destination. */
export interface AlertRouteArgs {
    readonly context: PlatformContext;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** Where the Monitoring component sends alerts (SNS topic ARN / action group id). */
    readonly alertDestinationId: pulumi.Input<string>;
    /** The alert e-mail address. */
    readonly alertEmail: string;
    /** Namespace and service account Alertmanager runs as. */
    readonly namespace: string;
    readonly serviceAccountName: string;
    /** Service account the Prometheus servers run as (in the same namespace). */
    readonly prometheusServiceAccountName: string;
    /**
     * The platform's own alert rules (services, certificates), for a cloud that evaluates them itself.
     * @default [] (nothing evaluated outside the cluster)
     */
    readonly ruleGroups?: AlertRuleGroup[];
    /**
     * How often Alertmanager re-sends the always-firing Watchdog alert, minutes: a dead man's switch that
     * notices the heartbeat stopping must allow for this interval.
     */
    readonly watchdogIntervalMinutes: number;
}

/** A Prometheus alerting rule, in the rule-file format (`for` as a Prometheus duration such as "5m"). */
export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "critical" | "warning" | "info" } & Record<string, string>;
    readonly annotations: Record<string, string>;
}

/** A named group of alert rules. */
export interface AlertRuleGroup {
    readonly name: string;
    readonly rules: AlertRule[];
}

/** An Alertmanager receiver, and the identity Alertmanager needs to use it. */
export interface AlertRouteOutputs {
    /** The receiver, in Alertmanager's configuration format, named "platform". */
    readonly receiver: pulumi.Output<Record<string, unknown>>;
    /**
     * The receiver of the always-firing Watchdog alert, named "watchdog": the heartbeat a dead man's switch
     * outside the cluster watches (AWS), or a receiver without integrations where the cloud watches the
     * Watchdog series itself (Azure).
     */
    readonly watchdogReceiver: pulumi.Output<Record<string, unknown>>;
    /** Annotations on Alertmanager's ServiceAccount. */
    readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /**
     * What Prometheus needs for the route: remote-write targets (prometheus-operator `RemoteWriteSpec`),
     * annotations on its ServiceAccount and labels on its pods (Azure: the workload identity).
     */
    readonly prometheus: pulumi.Output<PrometheusRouteSettings>;
    /**
     * What the monitoring pods must wait for before they are created, so that they start with credentials:
     * the Pod Identity association and its role policy (AWS: credentials are injected only at pod creation),
     * the federated credential and its role assignment (Azure).
     */
    readonly ready: pulumi.Resource[];
}

/** Prometheus settings an alert route asks for. */
export interface PrometheusRouteSettings {
    readonly remoteWrite: Record<string, unknown>[];
    readonly serviceAccountAnnotations: Record<string, string>;
    readonly podLabels: Record<string, string>;
}

/** Alertmanager's route to the platform's alert destination. */
export class AlertRoute extends CapabilityComponent<AlertRouteArgs, AlertRouteOutputs> implements AlertRouteOutputs {
    declare public readonly receiver: pulumi.Output<Record<string, unknown>>;
    declare public readonly watchdogReceiver: pulumi.Output<Record<string, unknown>>;
    declare public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    declare public readonly prometheus: pulumi.Output<PrometheusRouteSettings>;
    declare public readonly ready: pulumi.Resource[];

    constructor(name: string, args: AlertRouteArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:workloads:AlertRoute",
            name,
            args,
            // Loaded lazily: a stack only loads the provider SDK of its own cloud.
            {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsAlertRoute,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureAlertRoute,
            },
            opts,
        );
    }
}
