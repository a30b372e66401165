import { SIZES } from "../shared/context";
import { Exactly, Infer, bool, key, obj, oneOf, str } from "../shared/schema";
import { CapabilityConfig } from "../shared/settings";
import type { AwsCacheOptions, AzureCacheOptions } from ".";
import { EVICTION_POLICIES } from "./eviction";

/**
 * `platform:cache`: the Redis-compatible cache's overrides (size, eviction policy and the per-cloud bags `aws`
 * and `azure`).
 * Every rule on it is a field's own shape, so it has no cross-checks yet. Composed with every other
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
    aws: awsCache,
    azure: azureCache,
});

/** The validated `platform:cache` object. */
export type CacheConfig = Infer<typeof cacheField>;

export const CACHE_CONFIG: CapabilityConfig<typeof cacheField> = {
    key: key(cacheField, {}, "JSON: cache overrides {size, evictionPolicy, aws, azure}."),
    checks: [],
};
