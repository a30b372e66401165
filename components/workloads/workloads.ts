import * as pulumi from "@pulumi/pulumi";
import { ResolvedService, WorkloadsArgs, WorkloadsOutputs, resolveServices } from ".";
import { EdgeGateway, EdgeRouting } from "./edge";
import { grafanaHostFor } from "./edge/routes";
import { ClusterMonitoring, MONITORING_NAMESPACE } from "./observability";
import { createMonitoringCrds } from "./observability/monitoring";
import { Registry } from "./registry";
import { ServiceWorkload } from "./services";
import { installWorkloadAddons } from "./addons";
import { createAppNamespace } from "./services/namespace";
import { withDatabaseBootstrap } from "./database";

/**
 * Builds the Workloads capability from its concerns, in order: the application namespace (services/), the
 * registry (registry/), the Prometheus operator's CRDs that the edge's cert-manager and the monitoring
 * need, the edge (edge/), cluster observability (observability/), and one ServiceWorkload per service.
 */
export function createWorkloads(name: string, args: WorkloadsArgs, parent: pulumi.Resource): WorkloadsOutputs {
    const { context } = args;
    const services = resolveServices(args.services ?? []);
    const highAvailability = args.highAvailability ?? false;
    const namespaceName = args.namespace ?? context.namePrefix;
    const opts = { parent };

    const ns = createAppNamespace(name, { context, namespace: namespaceName }, parent);
    const registry = new Registry(
        `${name}-registry`,
        { context, repositories: services.map((s) => s.name), nodeIdentityId: args.cluster.nodeIdentityId },
        opts,
    );

    // The Prometheus operator's CRDs come first: cert-manager's chart and the monitoring stack create monitors.
    const monitoringCrds = createMonitoringCrds(`${name}-monitoring`, parent);
    const grafanaHost = publishedGrafanaHost(args, services);
    const edge = new EdgeGateway(
        `${name}-edge`,
        {
            context,
            alertEmail: args.alertEmail,
            highAvailability,
            hosts: [
                ...services.flatMap((s) => (s.expose ? [s.expose.host] : [])),
                ...(grafanaHost ? [grafanaHost] : []),
            ],
            routeNamespaces: [namespaceName, MONITORING_NAMESPACE.name],
            cluster: args.cluster,
            network: args.network,
            monitoringCrds: [monitoringCrds],
            acmeDirectory: args.letsEncrypt,
            dns01: args.dns01,
            originLock: args.originLock,
            dnsZone: args.dnsZone,
        },
        opts,
    );
    const routing: EdgeRouting = {
        gateway: edge.gateway,
        httpsListener: edge.httpsListener,
        clusterIssuer: edge.clusterIssuer,
    };
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
            grafanaAllowedCidrs: args.grafanaAllowedCidrs ?? [],
            edge: routing,
            edgeDependsOn: edge.ready,
            crds: [monitoringCrds],
        },
        opts,
    );

    const addons = installWorkloadAddons(name, { context, services, namespace: ns }, parent);
    // Roles first: every service that binds the database waits for the bootstrap Job (workloads/database).
    const { serviceUrls } = withDatabaseBootstrap(
        `${name}-db-bootstrap`,
        { context, database: args.database, networkCidr: args.network.cidrBlock, services },
        { oidcIssuerUrl: args.cluster.oidcIssuerUrl, parent },
        (database) =>
            createServiceWorkloads(name, { ...args, database }, services, {
                addons,
                namespace: ns,
                registry,
                highAvailability,
                routing,
                ingressDependsOn: edge.ready,
                monitoringDependsOn: monitoring.ready,
                parent,
            }),
    );
    return {
        namespace: ns,
        serviceUrls,
        grafanaUrl: monitoring.grafanaUrl,
        registryServer: registry.server,
        loadBalancerAddress: edge.loadBalancerAddress,
        gatewayNamespace: pulumi.output(edge.namespace),
    };
}

/** One ServiceWorkload per service, wired to the namespace, registry, edge and monitoring; their public URLs. */
function createServiceWorkloads(
    name: string,
    args: WorkloadsArgs,
    services: ResolvedService[],
    wiring: {
        /** KEDA and the CSI driver where the program installs them (installWorkloadAddons). */
        readonly addons: pulumi.Resource[];
        readonly namespace: pulumi.Output<string>;
        readonly registry: Registry;
        readonly highAvailability: boolean;
        readonly routing: EdgeRouting;
        readonly ingressDependsOn: pulumi.Resource[];
        readonly monitoringDependsOn: pulumi.Resource[];
        readonly parent: pulumi.Resource;
    },
): { serviceUrls: pulumi.Output<Record<string, string>>; objectIds: Record<string, pulumi.Output<string>> } {
    const objectIds: Record<string, pulumi.Output<string>> = {};
    const urls = services.map((service) => {
        const workload = new ServiceWorkload(
            `${name}-${service.name}`,
            {
                context: args.context,
                service,
                namespace: wiring.namespace,
                repositoryUrl: wiring.registry.repositoryUrls.apply((all) => all[service.name]),
                cluster: args.cluster,
                network: args.network,
                database: args.database,
                cache: args.cache,
                storage: args.storage,
                highAvailability: wiring.highAvailability,
                ingress: wiring.routing,
                ingressDependsOn: wiring.ingressDependsOn,
                monitoringDependsOn: wiring.monitoringDependsOn,
                secretValues: args.secretValues?.[service.name],
                addonsDependsOn: wiring.addons,
            },
            { parent: wiring.parent },
        );
        if (workload.identityObjectId) objectIds[service.name] = workload.identityObjectId;
        return workload.url.apply((url) => [service.name, url] as const);
    });
    const serviceUrls = pulumi
        .all(urls)
        .apply((entries) =>
            Object.fromEntries(entries.filter((e): e is readonly [string, string] => e[1] !== undefined)),
        );
    return { serviceUrls, objectIds };
}

/**
 * Grafana is published only where its route can be restricted to its own allow-list
 * (`platform:edge.grafanaAllowedCidrs`); without one it stays in-cluster (kubectl port-forward). Its host is
 * `grafanaHost`, or derived from the first exposed service's host.
 */
function publishedGrafanaHost(args: WorkloadsArgs, services: ResolvedService[]): string | undefined {
    if ((args.grafanaAllowedCidrs ?? []).length === 0) {
        return undefined;
    }
    const firstHost = services.find((s) => s.expose)?.expose?.host;
    return args.grafanaHost ?? (firstHost ? grafanaHostFor(firstHost) : undefined);
}
