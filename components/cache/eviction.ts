/**
 * The cache's eviction policy: what the engine does when memory is full. The values are the engine's own
 * `maxmemory-policy` names, and exactly the set both clouds accept:
 * - ElastiCache (Valkey 8 / Redis OSS 7 parameter families): noeviction, allkeys-lru, allkeys-lfu,
 *   allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl; the default parameter group's
 *   value is volatile-lru (https://docs.aws.amazon.com/whitepapers/latest/database-caching-strategies-using-redis/evictions.html,
 *   https://aws.amazon.com/premiumsupport/knowledge-center/oom-command-not-allowed-redis/).
 * - Azure Managed Redis (`redisenterprise` Database `evictionPolicy`, @pulumi/azure-native 3.28.0
 *   types/enums/redisenterprise `EvictionPolicy`): AllKeysLFU, AllKeysLRU, AllKeysRandom, VolatileLRU,
 *   VolatileLFU, VolatileTTL, VolatileRandom, NoEviction; "default is VolatileLRU"
 *   (https://learn.microsoft.com/azure/redis/best-practices-memory-management).
 * `noeviction` is for queue workloads (BullMQ, Sidekiq, Celery) that must never lose a key: a full cache
 * then refuses writes instead of silently dropping jobs.
 */
export const EVICTION_POLICIES = [
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
] as const;

export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

/** Both engines' default, kept when the setting is absent so existing caches do not change. */
export const DEFAULT_EVICTION_POLICY: EvictionPolicy = "volatile-lru";

/** The Azure Managed Redis spelling of each policy (the `EvictionPolicy` enum of `redisenterprise`). */
export const AZURE_EVICTION_POLICY: Record<EvictionPolicy, string> = {
    "volatile-lru": "VolatileLRU",
    "volatile-lfu": "VolatileLFU",
    "volatile-random": "VolatileRandom",
    "volatile-ttl": "VolatileTTL",
    "allkeys-lru": "AllKeysLRU",
    "allkeys-lfu": "AllKeysLFU",
    "allkeys-random": "AllKeysRandom",
    noeviction: "NoEviction",
};
