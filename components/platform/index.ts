import * as pulumi from "@pulumi/pulumi";
import { Backup } from "../backup";
import { Cache } from "../cache";
import { Cdn, CdnOrigin } from "../cdn";
import { edgeEnabled } from "../cdn/config";
import { StorageGrants, deferredStorageGrants } from "../cdn/storage-grants";
import { Dns } from "../dns";
import { Cluster } from "../cluster";
import { Database } from "../database";
import { clientRolesFor } from "../database/roles";
import { Monitoring } from "../monitoring";
import { Network } from "../network";
import { Storage } from "../storage";
import { Workloads } from "../workloads";
import { ExternalDns } from "../workloads/dns";
import { Velero } from "../workloads/backup";
import { retentionSettings } from "../backup/velero-settings";
import { PlatformConfig } from "../shared/config";
import { PlatformContext, implementationFor } from "../shared/context";
import { awsBackupRegionPairs } from "../shared/catalog";

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
    readonly backup: Backup;
    /** The stack's DNS zone, when `platform:dns` names one. */
    readonly dns?: Dns;
    /** external-dns, when there is a zone and a Gateway whose routes it publishes. */
    readonly externalDns?: ExternalDns;
    /** The CDN and WAF, when on (`platform:cdn`, prod by default) and the Gateway has an address. */
    readonly cdn?: Cdn;
    /** Velero's cluster backups, when on (`platform:backup.velero`, staging and prod by default). */
    readonly velero?: Velero;
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
    // The bucket grants the CDN's static route read access; the statements arrive once the CDN exists.
    const grants =
        config.cdn.staticPathPattern !== undefined && cdnWanted(config) ? deferredStorageGrants() : undefined;
    const storage = buildStorage(config, base, network, grants);
    const monitoring = buildMonitoring(config, base, { database, cache, cluster, storage });
    const built = { network, database, cache, cluster, storage, monitoring };
    const dns = buildDns(config, base);
    // The origin's lock comes before the Gateway it locks and the CDN that holds its key (components/cdn/origin.ts).
    const origin = buildCdnOrigin(config, base, network);
    const workloads = buildWorkloads(config, base, built, foundation.providers, { origin, dns });
    const backup = buildBackup(config, base, { database, storage });
    const cdn = buildCdn(config, base, { ...built, workloads, dns }, origin);
    grants?.resolve(cdn);
    const externalDns = buildExternalDns(config, base, { cluster, workloads, dns, cdn }, foundation.providers);
    const velero = buildVelero(config, base, { cluster, network }, foundation.providers);
    return { context: base.context, ...built, workloads, backup, dns, cdn, externalDns, velero };
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
            clientRoles: clientRolesFor(config.services),
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
            // KEDA's Redis scalers can use a key only (kedacore/keda#7888): on Azure the keys stay on for them alone.
            keyClients: config.services.some((s) => s.scaling?.redisList || s.scaling?.redisStream),
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
function buildStorage(config: PlatformConfig, base: Base, network: Network, grants?: StorageGrants): Storage {
    return new Storage(
        `${base.prefix}-storage`,
        {
            context: base.context,
            network,
            highAvailability: config.highAvailability,
            replicaRegion: backupRegionOf(config),
            ...config.storage,
            awsBucketPolicyStatements: grants?.bucket,
            awsKeyPolicyStatements: grants?.key,
        },
        base.stateful,
    );
}

/**
 * The AWS region backups are copied and the bucket replicated to: platform:backup.aws.backupRegion, else the
 * database's backupRegion (so RDS's replicated automated backups and the vault copies share a region), else the
 * stack region's pair. Unused on Azure, whose copies go to the paired region.
 */
export function backupRegionOf(config: PlatformConfig): string | undefined {
    return (
        config.backup.aws?.backupRegion ?? config.database.aws?.backupRegion ?? awsBackupRegionPairs[config.awsRegion]
    );
}

/**
 * Scheduled backups of the database and the storage. They depend on the data stores (the selection names
 * them), never the other way round, so they stay off the data stores' creation path.
 */
function buildBackup(config: PlatformConfig, base: Base, targets: Pick<Platform, "database" | "storage">): Backup {
    return new Backup(
        `${base.prefix}-backup`,
        {
            context: base.context,
            targets: {
                databaseId: targets.database.resourceId,
                storageId: targets.storage.resourceId,
                storageContainer: targets.storage.bucketName,
            },
            backupRegion: config.cloud === "aws" ? backupRegionOf(config) : undefined,
            dailyRetentionDays: config.backup.dailyRetentionDays,
            weeklyRetentionWeeks: config.backup.weeklyRetentionWeeks,
            monthlyRetentionMonths: config.backup.monthlyRetentionMonths,
            copyToBackupRegion: config.backup.copyToBackupRegion,
            vaultLock: config.backup.vaultLock,
        },
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
    built: Omit<Platform, "context" | "workloads" | "backup">,
    providers: pulumi.ProviderResource[],
    edge: { readonly origin?: CdnOrigin; readonly dns?: Dns } = {},
): Workloads {
    const { origin, dns } = edge;
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
            secretValues: config.secretValues,
            originLock: origin && { header: origin.header, loadBalancerAnnotations: origin.loadBalancerAnnotations },
            // DNS-01 through the zone whenever there is one: with the CDN in front HTTP-01 could not bootstrap.
            dnsZone: dns && config.dns.zone !== undefined ? { ...pick(dns), zoneName: config.dns.zone } : undefined,
        },
        { providers: [...providers, cluster.provider] },
    );
}

/** The stack's public DNS zone (created or looked up), when `platform:dns` names one. */
function buildDns(config: PlatformConfig, base: Base): Dns | undefined {
    const { zone, create, azure } = config.dns;
    if (zone === undefined) return undefined;
    return new Dns(`${base.prefix}-dns`, { context: base.context, zone, create, azure }, base.opts);
}

/**
 * What the edge needs from the workloads: the Gateway's public address and namespace. The Gateway API edge
 * (components/workloads/edge) publishes them as `loadBalancerAddress` and `gatewayNamespace`; without them
 * (ingress-nginx) there is no origin for the CDN and no route for external-dns, and neither is built.
 */
export function gatewayOf(
    workloads: Workloads,
): { address: pulumi.Output<string>; namespace: pulumi.Input<string> } | undefined {
    const edge = workloads as Partial<{
        loadBalancerAddress: pulumi.Output<string>;
        gatewayNamespace: pulumi.Input<string>;
    }>;
    return edge.loadBalancerAddress && edge.gatewayNamespace
        ? { address: edge.loadBalancerAddress, namespace: edge.gatewayNamespace }
        : undefined;
}

/** The hosts the CDN serves: `platform:cdn.hosts`, else every exposed service's host in the zone. */
function edgeHosts(config: PlatformConfig, zone: string): string[] {
    const inZone = (h: string) => h === zone || h.endsWith(`.${zone}`);
    const exposed = config.services.map((s) => s.expose?.host).filter((h): h is string => h !== undefined && inZone(h));
    return config.cdn.hosts ?? [...new Set(exposed)];
}

/** Whether the stack gets the CDN: on (`platform:cdn`, prod by default), with a zone and hosts in it. */
function cdnWanted(config: PlatformConfig): boolean {
    const zone = config.dns.zone;
    return edgeEnabled(config.cdn, config.environment) && zone !== undefined && edgeHosts(config, zone).length > 0;
}

/**
 * The origin's lock, from the network alone, before the workloads: the Gateway's load balancer admits only the
 * CDN (and Grafana's admin ranges), and its HTTPS listener requires the CDN's header. Only with a CDN.
 */
function buildCdnOrigin(config: PlatformConfig, base: Base, network: Network): CdnOrigin | undefined {
    if (!cdnWanted(config)) return undefined;
    return new CdnOrigin(
        `${base.prefix}-cdn-origin`,
        { context: base.context, network, directAllowedCidrs: config.edge.grafanaAllowedCidrs },
        base.opts,
    );
}

/**
 * The CDN and WAF in front of the Gateway. It depends on the Gateway's address, the zone and the storage
 * only, never on the data stores, so the long CloudFront / Front Door creation stays off their path.
 */
function buildCdn(
    config: PlatformConfig,
    base: Base,
    built: Pick<Platform, "network" | "storage" | "workloads" | "dns">,
    origin?: CdnOrigin,
): Cdn | undefined {
    const gateway = gatewayOf(built.workloads);
    const zone = config.dns.zone;
    if (!origin || !gateway || !built.dns || zone === undefined) return undefined;
    const hosts = edgeHosts(config, zone);
    const { staticPathPattern, rateLimitPer5Minutes, wafMode } = config.cdn;
    return new Cdn(
        `${base.prefix}-cdn`,
        {
            context: base.context,
            originAddress: gateway.address,
            hosts,
            zone: { zoneId: built.dns.zoneId, zoneName: zone, resourceGroupName: built.dns.resourceGroupName },
            network: built.network,
            origin,
            storage: built.storage,
            staticPathPattern,
            rateLimitPer5Minutes,
            wafMode,
        },
        base.opts,
    );
}

/** external-dns, publishing the Gateway's routes into the zone (except the CDN's hosts, which point at the CDN). */
function buildExternalDns(
    config: PlatformConfig,
    base: Base,
    built: Pick<Platform, "cluster" | "workloads" | "dns" | "cdn">,
    providers: pulumi.ProviderResource[],
): ExternalDns | undefined {
    const gateway = gatewayOf(built.workloads);
    const zone = config.dns.zone;
    if (!gateway || !built.dns || zone === undefined) return undefined;
    return new ExternalDns(
        `${base.prefix}-external-dns`,
        {
            context: base.context,
            cluster: built.cluster,
            zone: { ...pick(built.dns), zoneName: zone },
            excludeHosts: built.cdn ? edgeHosts(config, zone) : [],
            gatewayNamespace: gateway.namespace,
        },
        // The Gateway API CRDs its gateway-httproute source watches come with the workloads.
        { providers: [...providers, built.cluster.provider], dependsOn: [built.workloads] },
    );
}

/**
 * Velero on the cluster, on the backup plan's schedules and retentions, writing its own bucket. Off in dev
 * unless `platform:backup.velero` turns it on: a dev cluster holds nothing that this program and the database's
 * own backups do not rebuild, and the bucket and snapshots would cost for nothing. It waits for the cluster only
 * (through its provider and the identity's cluster name), never for the data stores or the CDN.
 */
function buildVelero(
    config: PlatformConfig,
    base: Base,
    built: Pick<Platform, "cluster" | "network">,
    providers: pulumi.ProviderResource[],
): Velero | undefined {
    if (!(config.backup.velero ?? config.environment !== "dev")) return undefined;
    const { dailyRetentionDays, weeklyRetentionWeeks, monthlyRetentionMonths, copyToBackupRegion, vaultLock } =
        config.backup;
    return new Velero(
        `${base.prefix}-velero`,
        {
            context: base.context,
            cluster: built.cluster,
            network: built.network,
            settings: retentionSettings(base.context, {
                dailyRetentionDays,
                weeklyRetentionWeeks,
                monthlyRetentionMonths,
                copyToBackupRegion,
                vaultLock,
            }),
            highAvailability: config.highAvailability,
            backupRegion: config.cloud === "aws" ? backupRegionOf(config) : undefined,
        },
        { providers: [...providers, built.cluster.provider] },
    );
}

function pick(dns: Dns) {
    return { zoneId: dns.zoneId, zoneResourceId: dns.zoneResourceId, resourceGroupName: dns.resourceGroupName };
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
            // What `npm run drill` restores from: the RDS instance identifier / the flexible server's ARM id.
            resourceId: p.database.resourceId,
            resourceName: p.database.resourceName,
        },
        cache: {
            host: p.cache.host,
            port: p.cache.port,
            authToken: p.cache.authToken,
            tls: p.cache.tls,
            connectionString: p.cache.connectionString,
            mode: p.cache.mode,
            // Not `clientAccess`: its fields are the cloud's own (user group and ARN / resource group and cluster),
            // and stack outputs are the same on every cloud. The program's services attach through the component.
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
        backup: {
            vaultId: p.backup.vaultId,
            vaultName: p.backup.vaultName,
            copyRegions: p.backup.copyRegions,
        },
        edge: edgeOutputs(p),
    };
}

/**
 * The edge's outputs: the zone and its name servers, the Gateway's load balancer address, the CDN's host name
 * and every public URL (the CDN's hosts, the services' and Grafana's). The same keys on every cloud; empty
 * strings and lists where a part is off.
 */
function edgeOutputs(p: Platform) {
    const gateway = gatewayOf(p.workloads);
    return {
        zoneName: p.dns?.zoneName ?? pulumi.output(""),
        zoneId: p.dns?.zoneId ?? pulumi.output(""),
        nameServers: p.dns?.nameServers ?? pulumi.output<string[]>([]),
        loadBalancerAddress: gateway?.address ?? pulumi.output(""),
        cdnHostName: p.cdn?.endpointHostName ?? pulumi.output(""),
        wafId: p.cdn?.wafId ?? pulumi.output(""),
        // For the Gateway (components/workloads/edge): the header it must require.
        originHeader: p.cdn?.originHeader ?? pulumi.secret({ name: "", value: "" }),
        publicUrls: pulumi
            .all([p.cdn?.urls ?? [], p.workloads.serviceUrls, p.workloads.grafanaUrl])
            .apply(([cdn, services, grafana]) =>
                [
                    ...new Set([
                        ...cdn,
                        ...Object.values(services),
                        ...(grafana.startsWith("https://") ? [grafana] : []),
                    ]),
                ].sort(),
            ),
    };
}
