import * as pulumi from "@pulumi/pulumi";
import { Cache } from "../cache";
import { Cluster } from "../cluster";
import { Database } from "../database";
import { Monitoring } from "../monitoring";
import { Network } from "../network";
import { Storage } from "../storage";
import { Workloads } from "../workloads";
import { PlatformConfig } from "../shared/config";
import { PlatformContext, implementationFor } from "../shared/context";

/** What a cloud's foundation provides: the context every component needs and the providers they use. */
export interface Foundation {
    readonly context: PlatformContext;
    readonly providers: pulumi.ProviderResource[];
}

export type FoundationImplementation = (config: PlatformConfig, tags: Record<string, string>) => Foundation;

/** The built platform: every capability, wired together. */
export interface Platform {
    readonly context: PlatformContext;
    readonly network: Network;
    readonly database: Database;
    readonly cache: Cache;
    readonly cluster: Cluster;
    readonly storage: Storage;
    readonly monitoring: Monitoring;
    readonly workloads: Workloads;
}

/** Tags on every resource: the user's, plus where the resource comes from. */
export function platformTags(config: PlatformConfig): Record<string, string> {
    return {
        ...config.tags,
        project: config.project,
        stack: config.stack,
        environment: config.environment,
        "managed-by": "pulumi",
    };
}

/**
 * Builds the whole platform for a validated configuration. Data stores depend only on the network, never
 * on the cluster, so they are created in parallel with it.
 */
export function buildPlatform(config: PlatformConfig): Platform {
    const foundation = implementationFor<FoundationImplementation>(config.cloud, {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        aws: () => (require("./aws") as typeof import("./aws")).createAwsFoundation,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        azure: () => (require("./azure") as typeof import("./azure")).createAzureFoundation,
    })(config, platformTags(config));
    const { context } = foundation;
    const prefix = context.namePrefix;
    const opts: pulumi.ComponentResourceOptions = { providers: foundation.providers };
    // Stateful components are protected as a whole in protected stacks (children inherit `protect`).
    const stateful: pulumi.ComponentResourceOptions = { ...opts, protect: context.protect };
    const { highAvailability, backupRetentionDays, deletionProtection } = config;

    // One log retention for the whole platform unless a capability overrides it.
    const logRetentionDays = config.monitoring.logRetentionDays;
    const network = new Network(
        `${prefix}-network`,
        { context, highAvailability, logRetentionDays, ...config.network },
        opts,
    );
    const db = new Database(
        `${prefix}-db`,
        {
            context,
            network,
            size: config.size,
            highAvailability,
            backupRetentionDays,
            deletionProtection,
            logRetentionDays,
            ...config.database,
        },
        stateful,
    );
    const cache = new Cache(
        `${prefix}-cache`,
        {
            context,
            network,
            size: config.size,
            highAvailability,
            backupRetentionDays,
            logRetentionDays,
            ...config.cache,
        },
        stateful,
    );
    const cluster = new Cluster(
        `${prefix}-cluster`,
        {
            context,
            network,
            size: config.size,
            highAvailability,
            apiAllowedCidrs: config.apiAllowedCidrs,
            logRetentionDays,
            ...config.cluster,
        },
        opts,
    );
    const storage = new Storage(
        `${prefix}-storage`,
        { context, network, highAvailability, ...config.storage },
        stateful,
    );
    const monitoring = new Monitoring(
        `${prefix}-monitoring`,
        {
            context,
            alertEmail: config.alertEmail,
            logRetentionDays,
            database: db,
            cache,
            cluster,
            storage,
        },
        opts,
    );
    // The application on the cluster, through the cluster's Kubernetes provider. Only the workloads depend
    // on the cluster; they read the data stores' normalized outputs.
    const workloads = new Workloads(
        `${prefix}-workloads`,
        {
            context,
            services: config.services,
            cluster,
            network,
            database: db,
            cache,
            storage,
            alertEmail: config.alertEmail,
            alertDestinationId: monitoring.alertDestinationId,
            highAvailability,
            adminAllowedCidrs: config.apiAllowedCidrs,
        },
        { providers: [...foundation.providers, cluster.provider] },
    );
    return { context, network, database: db, cache, cluster, storage, monitoring, workloads };
}

/** The stack outputs: every capability's normalized outputs, the same keys on every cloud. */
export function platformOutputs(p: Platform) {
    return {
        cloud: p.context.cloud,
        environment: p.context.environment,
        network: {
            networkId: p.network.networkId,
            cidrBlock: p.network.cidrBlock,
            zones: p.network.zones,
            publicSubnetIds: p.network.publicSubnetIds,
            nodeSubnetIds: p.network.nodeSubnetIds,
            dataSubnetIds: p.network.dataSubnetIds,
        },
        database: {
            host: p.database.host,
            port: p.database.port,
            databaseName: p.database.databaseName,
            username: p.database.username,
            password: p.database.password,
            connectionString: p.database.connectionString,
            tlsCaBundleUrl: p.database.tlsCaBundleUrl,
            engineVersion: p.database.engineVersion,
        },
        cache: {
            host: p.cache.host,
            port: p.cache.port,
            authToken: p.cache.authToken,
            tls: p.cache.tls,
            connectionString: p.cache.connectionString,
        },
        cluster: {
            clusterName: p.cluster.clusterName,
            kubeconfig: p.cluster.kubeconfig,
            endpoint: p.cluster.endpoint,
            oidcIssuerUrl: p.cluster.oidcIssuerUrl,
            kubernetesVersion: p.cluster.kubernetesVersion,
        },
        storage: {
            bucketName: p.storage.bucketName,
            endpoint: p.storage.endpoint,
            region: p.storage.region,
        },
        monitoring: {
            alertDestinationId: p.monitoring.alertDestinationId,
            dashboardUrl: p.monitoring.dashboardUrl,
        },
        workloads: {
            serviceUrls: p.workloads.serviceUrls,
            grafanaUrl: p.workloads.grafanaUrl,
        },
    };
}
