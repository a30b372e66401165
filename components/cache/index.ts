import * as pulumi from "@pulumi/pulumi";
import { CapabilityComponent, PlatformContext, SizeProfile } from "../shared/context";
import { NetworkOutputs } from "../network";
import { DEFAULT_EVICTION_POLICY, EvictionPolicy } from "./eviction";

/** AWS-only tuning of the cache (ElastiCache replication group). */
export interface AwsCacheOptions {
    /**
     * ElastiCache node type, overriding the size profile.
     * @default the size profile's node type (catalog.cache)
     */
    nodeType?: string;
    /**
     * Cache engine.
     * @default "valkey"
     */
    engine?: "valkey" | "redis";
    /**
     * Encrypt data at rest with the component's KMS key. Turning this off is a security opt-out.
     * @default true
     */
    atRestEncryption?: boolean;
    /**
     * Require TLS between clients and nodes. Turning this off is a security opt-out (and drops the
     * auth token, which needs TLS).
     * @default true
     */
    transitEncryption?: boolean;
}

/** Azure-only tuning of the cache (Azure Managed Redis, `redisenterprise`). */
export interface AzureCacheOptions {
    /**
     * Azure Managed Redis SKU, overriding the size profile (e.g. `Balanced_B5`).
     * @default the size profile's SKU (catalog.cache)
     */
    skuName?: string;
    /**
     * Data persistence.
     * @default "aof" when the stack is protected (prod), otherwise "none"
     */
    persistence?: "aof" | "rdb" | "none";
}

/**
 * How clients authenticate to the cache: a password / access key, AWS IAM (an ElastiCache IAM user and a
 * SigV4 token signed with the pod's role), or Microsoft Entra (a token of the pod's managed identity).
 */
export type CacheAuth = "password" | "aws-iam" | "entra";

/** Cluster mode: the keyspace sharded over several primaries, each with its replicas. */
export interface CacheClusterMode {
    /**
     * Shards (node groups). AWS only: Azure Managed Redis sizes its shards from the SKU.
     * @default 2
     */
    shards?: number;
    /**
     * Replicas per shard. AWS only (Azure's high availability adds one replica per shard).
     * @default 1 when highly available, otherwise 0
     */
    replicasPerShard?: number;
}

/** How clients connect, known while the program runs (not an Output): which resources the workloads build. */
export interface CacheClientMode {
    readonly auth: CacheAuth;
    /** Cluster mode on: clients and KEDA must be cluster-aware. */
    readonly cluster: boolean;
}

/** What the per-service clients (users, access policy assignments) are attached to. Plain values. */
export type CacheClientAccess =
    | {
          readonly cloud: "aws";
          /** The user group on the replication group, which service and KEDA users join. */
          readonly userGroupId: string;
          /** The replication group's ARN, the resource of `elasticache:Connect`. */
          readonly replicationGroupArn: string;
          /** The replication group id, the host name an IAM token is signed for. */
          readonly replicationGroupId: string;
          readonly engine: string;
      }
    | {
          readonly cloud: "azure";
          readonly resourceGroupName: string;
          readonly clusterName: string;
          readonly databaseName: string;
      }
    | { readonly cloud: "none" };

/** Neutral arguments of the Cache capability (Redis-compatible). */
export interface CacheArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** The network the cache is placed in and admits clients from (node subnets only). */
    readonly network: NetworkOutputs;
    /**
     * Size profile, mapped to a node type / SKU per cloud.
     * @default "small"
     */
    readonly size?: SizeProfile;
    /**
     * Replicas in other zones with automatic failover.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * What the engine does when memory is full (`maxmemory-policy`); `noeviction` for queues that must never
     * lose a key (BullMQ, Sidekiq, Celery): writes then fail instead of keys disappearing.
     * @default "volatile-lru" (both engines' default: only keys with a TTL are evicted)
     */
    readonly evictionPolicy?: EvictionPolicy;
    /**
     * Days of daily snapshots kept (AWS); on Azure persistence replaces snapshots.
     * @default 7
     */
    readonly backupRetentionDays?: number;
    /**
     * Retention of the cache's logs (AWS slow log), in days.
     * @default 30
     */
    readonly logRetentionDays?: number;
    /**
     * Passwordless access for the services: each service authenticates as its own cloud identity (an
     * ElastiCache IAM user per service, its Pod Identity role allowed `elasticache:Connect` on this cache and
     * that user; Microsoft Entra with an access policy assignment per managed identity) and no password or
     * access key reaches any service's Secret. Off, services share the auth token / access key.
     * @default true
     */
    readonly passwordless?: boolean;
    /**
     * Keep Azure Managed Redis access keys on although access is passwordless, because an in-cluster client
     * can authenticate with a key only (KEDA's Redis scalers: no Entra support, kedacore/keda#7888). The key
     * then reaches that client's own Secret only. AWS needs no such exception (KEDA gets a password user).
     * @default false
     */
    readonly keyClients?: boolean;
    /**
     * Cluster mode (sharding); clients must be cluster-aware (`REDIS_CLUSTER=true`).
     * @default off: one primary with its replicas, a single endpoint
     */
    readonly clusterMode?: CacheClusterMode;
    /** AWS-only tuning. */
    readonly aws?: AwsCacheOptions;
    /** Azure-only tuning. */
    readonly azure?: AzureCacheOptions;
}

/** The outputs every Cache has, on every cloud. */
export interface CacheOutputs {
    /** Private DNS name of the primary endpoint. */
    readonly host: pulumi.Output<string>;
    /** TCP port. */
    readonly port: pulumi.Output<number>;
    /**
     * Password / auth token / access key (secret); empty when no client may use one (passwordless on AWS, or
     * on Azure without `keyClients`).
     */
    readonly authToken: pulumi.Output<string>;
    /** How services authenticate. */
    readonly auth: pulumi.Output<CacheAuth>;
    /** Whether cluster mode is on (clients must be cluster-aware; `host` is the configuration endpoint). */
    readonly cluster: pulumi.Output<boolean>;
    /** What per-service users / access policy assignments attach to. */
    readonly clientAccess: pulumi.Output<CacheClientAccess>;
    /** Whether clients must use TLS (`rediss://`). */
    readonly tls: pulumi.Output<boolean>;
    /** `rediss://:token@host:port` (secret); without the token when passwordless. */
    readonly connectionString: pulumi.Output<string>;
    /** Cloud resource id (ARN / Azure resource id). */
    readonly resourceId: pulumi.Output<string>;
    /** Cloud resource name (replication group id / Azure cluster name), used by monitoring. */
    readonly resourceName: pulumi.Output<string>;
    /** Whether replicas with automatic failover run. */
    readonly highAvailability: pulumi.Output<boolean>;
    /** Security controls turned off through the override bag. */
    readonly securityOptOuts: pulumi.Output<string[]>;
}

/** The neutral settings with their defaults applied, in one place for every cloud. */
export function cacheSettings(args: CacheArgs) {
    return {
        size: args.size ?? "small",
        highAvailability: args.highAvailability ?? false,
        evictionPolicy: args.evictionPolicy ?? DEFAULT_EVICTION_POLICY,
        backupRetentionDays: args.backupRetentionDays ?? 7,
        logRetentionDays: args.logRetentionDays ?? 30,
        passwordless: args.passwordless ?? true,
        clusterMode: args.clusterMode
            ? {
                  shards: args.clusterMode.shards ?? 2,
                  replicasPerShard: args.clusterMode.replicasPerShard ?? (args.highAvailability ? 1 : 0),
              }
            : undefined,
    } as const;
}

/**
 * The client mode of a cache built from these arguments, the same on every cloud: passwordless unless turned
 * off (on AWS it also needs TLS, which the config check enforces), and cluster mode as configured.
 */
export function cacheClientMode(
    args: Pick<CacheArgs, "context" | "passwordless" | "clusterMode" | "aws">,
): CacheClientMode {
    const passwordless =
        (args.passwordless ?? true) && (args.context.cloud !== "aws" || args.aws?.transitEncryption !== false);
    const auth: CacheAuth = !passwordless ? "password" : args.context.cloud === "aws" ? "aws-iam" : "entra";
    return { auth, cluster: args.clusterMode !== undefined };
}

export type CacheImplementation = (name: string, args: CacheArgs, parent: pulumi.Resource) => CacheOutputs;

/** Builds the neutral connection string, without credentials when there is no token; the result is secret. */
export function redisConnectionString(o: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    authToken: pulumi.Input<string>;
    tls: boolean;
}): pulumi.Output<string> {
    const scheme = o.tls ? "rediss" : "redis";
    return pulumi.secret(
        pulumi
            .all([o.host, o.port, o.authToken])
            .apply(([host, port, token]) =>
                token ? `${scheme}://:${encodeURIComponent(token)}@${host}:${port}` : `${scheme}://${host}:${port}`,
            ),
    );
}

/** A managed Redis-compatible cache: private, encrypted, authenticated. */
export class Cache extends CapabilityComponent<CacheArgs, CacheOutputs> implements CacheOutputs {
    declare public readonly host: pulumi.Output<string>;
    declare public readonly port: pulumi.Output<number>;
    declare public readonly authToken: pulumi.Output<string>;
    declare public readonly auth: pulumi.Output<CacheAuth>;
    declare public readonly cluster: pulumi.Output<boolean>;
    declare public readonly clientAccess: pulumi.Output<CacheClientAccess>;
    declare public readonly tls: pulumi.Output<boolean>;
    declare public readonly connectionString: pulumi.Output<string>;
    declare public readonly resourceId: pulumi.Output<string>;
    declare public readonly resourceName: pulumi.Output<string>;
    declare public readonly highAvailability: pulumi.Output<boolean>;
    declare public readonly securityOptOuts: pulumi.Output<string[]>;
    /** How clients connect (plain): the workloads build per-service users / assignments from it. */
    public readonly mode: CacheClientMode;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:cache:Cache",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsCache,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureCache,
            },
            opts,
        );
        this.mode = cacheClientMode(args);
    }
}
