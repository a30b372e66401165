import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import {
    ClusterMonitoring,
    IngressController,
    Registry,
    ServiceWorkload,
    WorkloadsArgs,
    WorkloadsOutputs,
    resolveServices,
    workloadsCloud,
} from ".";
import { INGRESS_NAMESPACE, INGRESS_POD_SELECTOR } from "./ingress";
import { createMonitoringCrds } from "./observability";

/** Labels that select the cluster DNS pods (CoreDNS on EKS and AKS alike). */
export const DNS_SELECTOR = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/** Labels every object of a service carries. */
export function serviceLabels(service: string, environment: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": service,
        "app.kubernetes.io/part-of": "platform",
        "app.kubernetes.io/managed-by": "pulumi",
        environment,
    };
}

/**
 * Builds the Workloads capability: namespace (Pod Security "restricted" enforced) with default-deny
 * network policy and DNS egress, the registry, the ingress and monitoring layers, and one ServiceWorkload
 * per service.
 */
export function createWorkloads(name: string, args: WorkloadsArgs, parent: pulumi.Resource): WorkloadsOutputs {
    const { context } = args;
    const cloud = workloadsCloud(context.cloud);
    const services = resolveServices(args.services ?? []);
    const highAvailability = args.highAvailability ?? false;
    const namespaceName = args.namespace ?? context.namePrefix;
    const opts = { parent };

    const namespace = new Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: namespaceName,
                labels: {
                    environment: context.environment,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        opts,
    );
    const ns = namespace.metadata.name;

    new NetworkPolicy(
        `${name}-default-deny`,
        {
            metadata: { name: "default-deny-all", namespace: ns },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        opts,
    );
    new NetworkPolicy(
        `${name}-allow-dns`,
        {
            metadata: { name: "allow-dns-egress", namespace: ns },
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [DNS_SELECTOR],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        },
        opts,
    );

    // cert-manager answers HTTP-01 challenges from solver pods in this namespace; the ingress controller
    // must reach them, or no certificate is ever issued under the default-deny policy.
    new NetworkPolicy(
        `${name}-allow-acme-solver`,
        {
            metadata: { name: "allow-acme-http01-solver", namespace: ns },
            spec: {
                podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: INGRESS_NAMESPACE.selector, podSelector: INGRESS_POD_SELECTOR }],
                        ports: [{ protocol: "TCP", port: 8089 }],
                    },
                ],
            },
        },
        opts,
    );

    const registry = new Registry(
        `${name}-registry`,
        { context, repositories: services.map((s) => s.name), nodeIdentityId: args.cluster.nodeIdentityId },
        opts,
    );

    // The Prometheus operator's CRDs come first: cert-manager's chart and the monitoring stack create monitors.
    const monitoringCrds = createMonitoringCrds(`${name}-monitoring`, parent);
    const ingress = new IngressController(
        `${name}-ingress`,
        {
            context,
            alertEmail: args.alertEmail,
            highAvailability,
            loadBalancerAnnotations: cloud.loadBalancerAnnotations(highAvailability),
            monitoringCrds: [monitoringCrds],
        },
        opts,
    );

    // Grafana is published only where its Ingress can be restricted to the admin CIDRs; with a private
    // cluster API (no CIDRs) it stays in-cluster (kubectl port-forward).
    const firstHost = services.find((s) => s.expose)?.expose?.host;
    const adminAllowedCidrs = args.adminAllowedCidrs ?? [];
    const grafanaHost =
        adminAllowedCidrs.length === 0
            ? undefined
            : (args.grafanaHost ?? (firstHost ? grafanaHostFor(firstHost) : undefined));
    const monitoring = new ClusterMonitoring(
        `${name}-monitoring`,
        {
            context,
            cluster: args.cluster,
            appNamespace: namespaceName,
            services: services.map((s) => s.name),
            alertEmail: args.alertEmail,
            alertDestinationId: args.alertDestinationId,
            highAvailability,
            grafanaHost,
            adminAllowedCidrs,
            ingress: { className: ingress.className, clusterIssuer: ingress.clusterIssuer },
            ingressDependsOn: ingress.ready,
            crds: [monitoringCrds],
        },
        opts,
    );

    const workloads = services.map(
        (service) =>
            [
                service.name,
                new ServiceWorkload(
                    `${name}-${service.name}`,
                    {
                        context,
                        service,
                        namespace: ns,
                        repositoryUrl: registry.repositoryUrls.apply((urls) => urls[service.name]),
                        cluster: args.cluster,
                        network: args.network,
                        database: args.database,
                        cache: args.cache,
                        storage: args.storage,
                        highAvailability,
                        ingress: { className: ingress.className, clusterIssuer: ingress.clusterIssuer },
                        ingressDependsOn: ingress.ready,
                        monitoringDependsOn: monitoring.ready,
                    },
                    opts,
                ),
            ] as const,
    );

    const serviceUrls = pulumi
        .all(workloads.map(([service, w]) => w.url.apply((url) => [service, url] as const)))
        .apply((entries) =>
            Object.fromEntries(entries.filter((e): e is readonly [string, string] => e[1] !== undefined)),
        );

    return {
        namespace: ns,
        serviceUrls,
        grafanaUrl: monitoring.grafanaUrl,
        registryServer: registry.server,
    };
}

/** `grafana.` on the parent domain of a service host: api.example.com and example.com both give grafana.example.com. */
export function grafanaHostFor(host: string): string {
    const labels = host.split(".");
    return `grafana.${(labels.length > 2 ? labels.slice(1) : labels).join(".")}`;
}
