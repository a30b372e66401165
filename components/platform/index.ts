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
    const foundation = foundationFor(config);
    const base = baseOf(config, foundation);
    const network = buildNetwork(config, base);
    const database = buildDatabase(config, base, network);
    const cache = buildCache(config, base, network);
    const cluster = buildCluster(config, base, network);
    const storage = buildStorage(config, base, network);
    const monitoring = buildMonitoring(config, base, { database, cache, cluster, storage });
    const built = { network, database, cache, cluster, storage, monitoring };
    const workloads = buildWorkloads(config, base, built, foundation.providers);
    return { context: base.context, ...built, workloads };
}

/** The cloud's foundation (provider, and on Azure the resource group, workspace and key vaults). */
function foundationFor(config: PlatformConfig): Foundation {
    return implementationFor<FoundationImplementation>(config.cloud, {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        aws: () => (require("./aws") as typeof import("./aws")).createAwsFoundation,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        azure: () => (require("./azure") as typeof import("./azure")).createAzureFoundation,
    })(config, platformTags(config));
}

/** What every capability is built with: the context, the name prefix, the log retention and the options. */
interface Base {
    readonly context: PlatformContext;
    readonly prefix: string;
    readonly logRetentionDays: number | undefined;
    readonly opts: pulumi.ComponentResourceOptions;
    readonly stateful: pulumi.ComponentResourceOptions;
}

/** The shared settings and options of the capabilities, from the foundation. */
function baseOf(config: PlatformConfig, foundation: Foundation): Base {
    const { context } = foundation;
    const opts: pulumi.ComponentResourceOptions = { providers: foundation.providers };
    return {
        context,
        prefix: context.namePrefix,
        // One log retention for the whole platform unless a capability overrides it.
        logRetentionDays: config.monitoring.logRetentionDays,
        opts,
        // Stateful components are protected as a whole in protected stacks (children inherit `protect`).
        stateful: { ...opts, protect: context.protect },
    };
}

/** The network every other capability is placed in. */
function buildNetwork(config: PlatformConfig, base: Base): Network {
    const { context, logRetentionDays } = base;
    return new Network(
        `${base.prefix}-network`,
        { context, highAvailability: config.highAvailability, logRetentionDays, ...config.network },
        base.opts,
    );
}

/** The PostgreSQL database, protected with the stack. */
function buildDatabase(config: PlatformConfig, base: Base, network: Network): Database {
    const { highAvailability, backupRetentionDays, deletionProtection } = config;
    return new Database(
        `${base.prefix}-db`,
        {
            context: base.context,
            network,
            size: config.size,
            highAvailability,
            backupRetentionDays,
            deletionProtection,
            logRetentionDays: base.logRetentionDays,
            ...config.database,
        },
        base.stateful,
    );
}

/** The Redis-compatible cache, protected with the stack. */
function buildCache(config: PlatformConfig, base: Base, network: Network): Cache {
    const { highAvailability, backupRetentionDays } = config;
    return new Cache(
        `${base.prefix}-cache`,
        {
            context: base.context,
            network,
            size: config.size,
            highAvailability,
            backupRetentionDays,
            logRetentionDays: base.logRetentionDays,
            ...config.cache,
        },
        base.stateful,
    );
}

/** The Kubernetes cluster, its API reachable from `apiAllowedCidrs` only. */
function buildCluster(config: PlatformConfig, base: Base, network: Network): Cluster {
    return new Cluster(
        `${base.prefix}-cluster`,
        {
            context: base.context,
            network,
            size: config.size,
            highAvailability: config.highAvailability,
            apiAllowedCidrs: config.apiAllowedCidrs,
            logRetentionDays: base.logRetentionDays,
            ...config.cluster,
        },
        base.opts,
    );
}

/** The object storage (bucket or blob container), protected with the stack. */
function buildStorage(config: PlatformConfig, base: Base, network: Network): Storage {
    return new Storage(
        `${base.prefix}-storage`,
        { context: base.context, network, highAvailability: config.highAvailability, ...config.storage },
        base.stateful,
    );
}

/** Alerts to `alertEmail`, the dashboard and the diagnostics of the data stores and the cluster. */
function buildMonitoring(
    config: PlatformConfig,
    base: Base,
    watched: Pick<Platform, "database" | "cache" | "cluster" | "storage">,
): Monitoring {
    return new Monitoring(
        `${base.prefix}-monitoring`,
        {
            context: base.context,
            alertEmail: config.alertEmail,
            logRetentionDays: base.logRetentionDays,
            database: watched.database,
            cache: watched.cache,
            cluster: watched.cluster,
            storage: watched.storage,
        },
        base.opts,
    );
}

/**
 * The application on the cluster, through the cluster's Kubernetes provider. Only the workloads depend
 * on the cluster; they read the data stores' normalized outputs.
 */
function buildWorkloads(
    config: PlatformConfig,
    base: Base,
    built: Omit<Platform, "context" | "workloads">,
    providers: pulumi.ProviderResource[],
): Workloads {
    const { cluster } = built;
    return new Workloads(
        `${base.prefix}-workloads`,
        {
            context: base.context,
            services: config.services,
            cluster,
            network: built.network,
            database: built.database,
            cache: built.cache,
            storage: built.storage,
            alertEmail: config.alertEmail,
            alertDestinationId: built.monitoring.alertDestinationId,
            highAvailability: config.highAvailability,
            grafanaAllowedCidrs: config.edge.grafanaAllowedCidrs,
            letsEncrypt: config.edge.letsEncrypt,
        },
        { providers: [...providers, cluster.provider] },
    );
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
