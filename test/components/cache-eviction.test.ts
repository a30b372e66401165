/**
 * The cache's eviction policy (`platform:cache.evictionPolicy`, issue 15 item 1): `noeviction` for queue
 * workloads (BullMQ, Sidekiq, Celery) that must never lose a key, wired on each cloud; unset, both clouds keep
 * the engines' default volatile-lru exactly as before. Sources are cited in components/cache/eviction.ts.
 */
import * as assert from "assert";
import { CACHE_ENGINES } from "../../components/shared/facts/engines";
import { EVICTION_POLICIES } from "../../components/cache/eviction";
import { expectConfigError, inputs, ofType, one, runStack } from "../harness";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const PG = "aws:elasticache/parameterGroup:ParameterGroup";
const DB = "azure-native:redisenterprise:Database";
const queue = ['platform:cache={"evictionPolicy":"noeviction"}'];

describe("cache eviction policy", () => {
    it("keeps ElastiCache on the engine's default parameter group (volatile-lru) when unset, so existing caches do not change", async () => {
        const run = await runStack("dev", "aws");
        assert.strictEqual(ofType(run, PG).length, 0);
        assert.strictEqual(
            inputs(one(run, RG)).parameterGroupName,
            `default.${CACHE_ENGINES.valkey.parameterGroupFamily}`,
        );
    });

    it("runs ElastiCache with maxmemory-policy noeviction in a custom group of the engine's family, so queue keys are never evicted on AWS", async () => {
        const run = await runStack("dev", "aws", queue);
        const group = one(run, PG);
        // Default groups cannot be edited; a custom group of the family the version needs carries the policy.
        assert.strictEqual(inputs(group).family, CACHE_ENGINES.valkey.parameterGroupFamily);
        assert.deepStrictEqual(inputs(group).parameters, [{ name: "maxmemory-policy", value: "noeviction" }]);
        // The replication group runs with that group (its auto-name derives from the component name).
        assert.match(inputs(one(run, RG)).parameterGroupName, /^platform-dev-cache-parameters-[0-9a-f]+$/);
        assert.match(
            group.urn,
            /platform:cache:Cache\$aws:elasticache\/parameterGroup:ParameterGroup::.*-cache-parameters$/,
        );
    });

    it("uses the redis7 family for a Redis OSS cache with a policy, so the group matches the engine version", async () => {
        const run = await runStack("dev", "aws", [
            'platform:cache={"evictionPolicy":"allkeys-lru","aws":{"engine":"redis"}}',
        ]);
        assert.strictEqual(inputs(one(run, PG)).family, CACHE_ENGINES.redis.parameterGroupFamily);
        assert.deepStrictEqual(inputs(one(run, PG)).parameters, [{ name: "maxmemory-policy", value: "allkeys-lru" }]);
    });

    it("keeps the Azure Managed Redis database on VolatileLRU when unset", async () => {
        const run = await runStack("dev", "azure");
        assert.strictEqual(inputs(one(run, DB)).evictionPolicy, "VolatileLRU");
    });

    it("sets the Azure Managed Redis database's evictionPolicy to NoEviction, so queue keys are never evicted on Azure", async () => {
        const run = await runStack("dev", "azure", queue);
        assert.strictEqual(inputs(one(run, DB)).evictionPolicy, "NoEviction");
    });

    it("rejects a policy neither engine knows before any resource registers, naming the key, the value and the allowed list", async () => {
        for (const cloud of ["aws", "azure"] as const) {
            const err = await expectConfigError(
                "dev",
                cloud,
                ['platform:cache={"evictionPolicy":"lru"}'],
                "platform:cache.evictionPolicy",
                /"noeviction"/,
            );
            assert.match(err.message, /"lru"/);
            for (const policy of EVICTION_POLICIES) assert.ok(err.message.includes(`"${policy}"`), policy);
        }
    });
});
