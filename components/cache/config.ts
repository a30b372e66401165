import { SIZES } from "../shared/context";
import { Exactly, Infer, bool, int, key, obj, oneOf, str } from "../shared/schema";
import { CapabilityConfig, CheckContext } from "../shared/settings";
import type { AwsCacheOptions, AzureCacheOptions } from ".";
import { EVICTION_POLICIES } from "./eviction";

/**
 * `platform:cache`: the Redis-compatible cache's overrides (size, eviction policy, passwordless access, cluster
 * mode and the per-cloud bags `aws` and `azure`), with the checks that combine them. Composed with every other
 * capability's by components/shared/config.ts.
 */

const awsCache = obj({
    nodeType: str({
        pattern: /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
        allowed: 'an ElastiCache node type such as "cache.r7g.large"',
    }),
    engine: oneOf(["valkey", "redis"]),
    atRestEncryption: bool(),
    transitEncryption: bool(),
});
const azureCache = obj({
    skuName: str({
        pattern: /^(Balanced|MemoryOptimized|ComputeOptimized|FlashOptimized)_[A-Z]\d+$/,
        allowed: 'an Azure Managed Redis SKU such as "Balanced_B5"',
    }),
    persistence: oneOf(["aof", "rdb", "none"]),
});
const contractsMatch: [
    Exactly<Infer<typeof awsCache>, AwsCacheOptions>,
    Exactly<Infer<typeof azureCache>, AzureCacheOptions>,
] = [true, true];
void contractsMatch;

const cacheField = obj({
    size: oneOf(SIZES),
    evictionPolicy: oneOf(EVICTION_POLICIES),
    passwordless: bool(),
    // ElastiCache: 1-500 node groups, 0-5 replicas each (NumNodeGroups / ReplicasPerNodeGroup,
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html).
    clusterMode: obj({ shards: int(1, 500, "shards"), replicasPerShard: int(0, 5, "replicas per shard") }),
    aws: awsCache,
    azure: azureCache,
});

/** The validated `platform:cache` object. */
export type CacheConfig = Infer<typeof cacheField>;

/**
 * IAM authentication "requires in-transit encryption (TLS) to be enabled on your cache"
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html#auth-iam-limits), so passwordless
 * access and `aws.transitEncryption: false` cannot go together.
 */
function checkPasswordlessNeedsTls(own: CacheConfig, ctx: CheckContext): void {
    if (ctx.settings.cloud !== "aws" || own.passwordless === false || own.aws?.transitEncryption !== false) return;
    ctx.report(
        "cache.aws.transitEncryption",
        false,
        "true while passwordless access is on (ElastiCache IAM authentication requires TLS)",
        'Remove "transitEncryption": false from the "aws" bag of platform:cache, or set "passwordless": false.',
    );
}

/**
 * A highly available sharded cache needs a replica in every shard: Multi-AZ with automatic failover promotes
 * a replica of the failed primary's shard, so a shard without one is lost with its node
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html).
 */
function checkClusterReplicas(own: CacheConfig, ctx: CheckContext): void {
    if (ctx.settings.cloud !== "aws" || !ctx.settings.highAvailability) return;
    if (own.clusterMode?.replicasPerShard !== 0) return;
    ctx.report(
        "cache.clusterMode.replicasPerShard",
        0,
        "1 to 5 when platform:highAvailability is true (a failover promotes a shard's replica)",
        'Set "replicasPerShard" to 1 or more in platform:cache.clusterMode, or leave it unset (1 when highly available).',
    );
}

export const CACHE_CONFIG: CapabilityConfig<typeof cacheField> = {
    key: key(
        cacheField,
        {},
        "JSON: cache overrides {size, evictionPolicy, passwordless, clusterMode {shards, replicasPerShard}, aws, azure}.",
    ),
    checks: [checkPasswordlessNeedsTls, checkClusterReplicas],
};
