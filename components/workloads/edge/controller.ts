import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { CHART_PINS } from "../charts";
import { INGRESS_NAMESPACE, INGRESS_POD_SELECTOR, IngressControllerArgs, IngressControllerOutputs } from ".";
import { CLUSTER_ISSUER, createCertManager } from "./certificates";

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
    // cert-manager and the monitoring charts: dated pins with their sources (../charts.ts).
    ...CHART_PINS,
} as const;

/** The ingress class of the controller (the cluster's default class). */
export const INGRESS_CLASS = "nginx";

/**
 * ingress-nginx behind the cloud's load balancer (HTTP redirected to HTTPS, HSTS, snippets disabled),
 * cert-manager with its CRDs, and a Let's Encrypt ClusterIssuer solving HTTP-01 through the controller.
 */
export function createIngressController(
    name: string,
    args: IngressControllerArgs,
    parent: pulumi.Resource,
): IngressControllerOutputs {
    const controller = createNginx(name, args, parent);
    const issuer = createCertManager(
        name,
        { alertEmail: args.alertEmail, highAvailability: args.highAvailability, ingressClass: INGRESS_CLASS },
        // The chart's ServiceMonitor needs the Prometheus operator's CRDs in place before it installs.
        { parent, dependsOn: args.monitoringCrds },
    );
    return {
        className: INGRESS_CLASS,
        clusterIssuer: CLUSTER_ISSUER,
        namespace: INGRESS_NAMESPACE.name,
        ready: [controller, issuer],
    };
}

/** ingress-nginx's namespace and release. */
function createNginx(name: string, args: IngressControllerArgs, parent: pulumi.Resource): Release {
    const ingressNamespace = new Namespace(
        `${name}-nginx-namespace`,
        {
            metadata: {
                name: INGRESS_NAMESPACE.name,
                // The controller binds ports 80/443 with NET_BIND_SERVICE: "baseline", not "restricted".
                labels: { "pod-security.kubernetes.io/enforce": "baseline" },
            },
        },
        { parent },
    );
    return new Release(
        `${name}-nginx`,
        {
            name: "ingress-nginx",
            chart: CHARTS.ingressNginx.chart,
            version: CHARTS.ingressNginx.version,
            repositoryOpts: { repo: CHARTS.ingressNginx.repo },
            namespace: ingressNamespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: nginxValues(args),
        },
        { parent },
    );
}

/**
 * The controller's chart values: replicas per environment (three when highly available, spread across
 * zones), HTTPS enforced with HSTS, snippet annotations off, client addresses from the load balancer only.
 */
export function nginxValues(
    args: Pick<IngressControllerArgs, "context" | "highAvailability" | "loadBalancerAnnotations">,
): Record<string, unknown> {
    const replicas = args.highAvailability ? 3 : args.context.environment === "dev" ? 1 : 2;
    return {
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
    };
}
