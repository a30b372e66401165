import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { IngressControllerArgs, IngressControllerOutputs } from ".";
import { CHART_PINS } from "./charts";

/**
 * Pinned Helm charts. Bump deliberately (read the chart's changelog), never float: an unpinned chart makes
 * two deployments of the same commit differ.
 */
export const CHARTS = {
    ingressNginx: {
        chart: "ingress-nginx",
        version: "4.14.1",
        repo: "https://kubernetes.github.io/ingress-nginx",
    },
    // cert-manager and the monitoring charts: dated pins with their sources (charts.ts).
    ...CHART_PINS,
} as const;

/** The ingress controller's namespace, and how network policy selects it. */
export const INGRESS_NAMESPACE = {
    name: "ingress-nginx",
    selector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
} as const;
/** The controller pods inside it. */
export const INGRESS_POD_SELECTOR = {
    matchLabels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
};
export const INGRESS_CLASS = "nginx";
export const CLUSTER_ISSUER = "letsencrypt";
export const ACME_SERVER = "https://acme-v02.api.letsencrypt.org/directory";

/**
 * cert-manager's chart values: CRDs installed and kept by the chart (`crds.enabled`, the current name of
 * `installCRDs`), and its metrics scraped through the chart's own ServiceMonitor so certificate expiry and
 * readiness alert (observability.ts, `certificateAlertRules`). Prometheus selects every ServiceMonitor in the
 * cluster (`serviceMonitorSelectorNilUsesHelmValues: false`), so the monitor needs no release label.
 * Source: cert-manager@v1.21.1:deploy/charts/cert-manager/values.yaml (`prometheus.servicemonitor`).
 */
export function certManagerValues(highAvailability: boolean): Record<string, unknown> {
    return {
        crds: { enabled: true, keep: true },
        replicaCount: highAvailability ? 2 : 1,
        podDisruptionBudget: { enabled: highAvailability },
        prometheus: { enabled: true, servicemonitor: { enabled: true, interval: "60s" } },
    };
}

/**
 * ingress-nginx behind the cloud's load balancer (HTTP redirected to HTTPS, HSTS, snippets disabled),
 * cert-manager with its CRDs, and a Let's Encrypt ClusterIssuer solving HTTP-01 through the controller.
 */
export function createIngressController(
    name: string,
    args: IngressControllerArgs,
    parent: pulumi.Resource,
): IngressControllerOutputs {
    const opts = { parent };
    const replicas = args.highAvailability ? 3 : args.context.environment === "dev" ? 1 : 2;

    const ingressNamespace = new Namespace(
        `${name}-nginx-namespace`,
        {
            metadata: {
                name: INGRESS_NAMESPACE.name,
                // The controller binds ports 80/443 with NET_BIND_SERVICE: "baseline", not "restricted".
                labels: { "pod-security.kubernetes.io/enforce": "baseline" },
            },
        },
        opts,
    );
    const controller = new Release(
        `${name}-nginx`,
        {
            name: "ingress-nginx",
            chart: CHARTS.ingressNginx.chart,
            version: CHARTS.ingressNginx.version,
            repositoryOpts: { repo: CHARTS.ingressNginx.repo },
            namespace: ingressNamespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: {
                controller: {
                    replicaCount: replicas,
                    ingressClassResource: { name: INGRESS_CLASS, default: true },
                    allowSnippetAnnotations: false,
                    config: {
                        "ssl-redirect": "true",
                        "force-ssl-redirect": "true",
                        hsts: "true",
                        "use-forwarded-headers": "false",
                        "server-tokens": "false",
                    },
                    service: {
                        type: "LoadBalancer",
                        externalTrafficPolicy: "Local",
                        annotations: args.loadBalancerAnnotations,
                    },
                    metrics: { enabled: true },
                    // The chart reads controller.maxUnavailable (and makes the PDB itself when more than one
                    // replica runs); it has no controller.podDisruptionBudget, which it silently ignored, leaving
                    // its default minAvailable: 1. Source: kubernetes/ingress-nginx@helm-chart-4.14.1
                    // charts/ingress-nginx/templates/controller-poddisruptionbudget.yaml. Found by npm run check.
                    maxUnavailable: 1,
                    topologySpreadConstraints: args.highAvailability
                        ? [
                              {
                                  maxSkew: 1,
                                  topologyKey: "topology.kubernetes.io/zone",
                                  whenUnsatisfiable: "DoNotSchedule",
                                  labelSelector: { matchLabels: INGRESS_POD_SELECTOR.matchLabels },
                              },
                          ]
                        : [],
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                },
            },
        },
        opts,
    );

    const certManagerNamespace = new Namespace(
        `${name}-cert-manager-namespace`,
        { metadata: { name: "cert-manager", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
        opts,
    );
    const certManager = new Release(
        `${name}-cert-manager`,
        {
            name: "cert-manager",
            chart: CHARTS.certManager.chart,
            version: CHARTS.certManager.version,
            repositoryOpts: { repo: CHARTS.certManager.repo },
            namespace: certManagerNamespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: certManagerValues(args.highAvailability),
        },
        // The chart's ServiceMonitor needs the Prometheus operator's CRDs in place before it installs.
        { parent, dependsOn: args.monitoringCrds },
    );

    const issuer = new CustomResource(
        `${name}-cluster-issuer`,
        {
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: CLUSTER_ISSUER },
            spec: {
                acme: {
                    server: ACME_SERVER,
                    email: args.alertEmail,
                    privateKeySecretRef: { name: `${CLUSTER_ISSUER}-account-key` },
                    solvers: [{ http01: { ingress: { ingressClassName: INGRESS_CLASS } } }],
                },
            },
        },
        { parent, dependsOn: [certManager] },
    );

    return {
        className: INGRESS_CLASS,
        clusterIssuer: CLUSTER_ISSUER,
        namespace: INGRESS_NAMESPACE.name,
        ready: [controller, issuer],
    };
}
