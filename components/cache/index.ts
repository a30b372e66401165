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
    /** Password / auth token clients present (secret). */
    readonly authToken: pulumi.Output<string>;
    /** Whether clients must use TLS (`rediss://`). */
    readonly tls: pulumi.Output<boolean>;
    /** `rediss://:token@host:port` (secret). */
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
    } as const;
}

export type CacheImplementation = (name: string, args: CacheArgs, parent: pulumi.Resource) => CacheOutputs;

/** Builds the neutral connection string; the result is secret. */
export function redisConnectionString(o: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    authToken: pulumi.Input<string>;
    tls: boolean;
}): pulumi.Output<string> {
    const scheme = o.tls ? "rediss" : "redis";
    return pulumi.secret(
        pulumi.interpolate`${scheme}://:${pulumi.output(o.authToken).apply(encodeURIComponent)}@${o.host}:${o.port}`,
    );
}

/** A managed Redis-compatible cache: private, encrypted, authenticated. */
export class Cache extends CapabilityComponent<CacheArgs, CacheOutputs> implements CacheOutputs {
    declare public readonly host: pulumi.Output<string>;
    declare public readonly port: pulumi.Output<number>;
    declare public readonly authToken: pulumi.Output<string>;
    declare public readonly tls: pulumi.Output<boolean>;
    declare public readonly connectionString: pulumi.Output<string>;
    declare public readonly resourceId: pulumi.Output<string>;
    declare public readonly resourceName: pulumi.Output<string>;
    declare public readonly highAvailability: pulumi.Output<boolean>;
    declare public readonly securityOptOuts: pulumi.Output<string[]>;

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
    }
}
