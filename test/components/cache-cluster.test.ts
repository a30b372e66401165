/**
 * Cache cluster mode (`platform:cache.clusterMode`, issue 15 item 1): the seeds' production cache is "Managed
 * service (large, cluster)" (the microservices platform) and their scaling strategy "Redis clustering"
 * (../shared/seeds). ElastiCache cluster mode enabled with shards and replicas per shard and a `cluster-enabled`
 * parameter group; Azure Managed Redis with the OSS cluster policy; clients and KEDA told it is a cluster.
 * Sources are cited in components/cache/aws.ts, azure.ts and components/workloads/scaling/keda.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ProgramRun } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import { CACHE_ENGINES } from "../../components/shared/facts/engines";
import { ServiceConfig } from "../../components/workloads";
import { expectConfigError, inputs, ofType, one, runStack } from "../harness";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const PG = "aws:elasticache/parameterGroup:ParameterGroup";
const USER = "aws:elasticache/user:User";
const DB = "azure-native:redisenterprise:Database";
const SECRET = "kubernetes:core/v1:Secret";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

const CLUSTER = 'platform:cache={"clusterMode":{"shards":3,"replicasPerShard":2}}';
const family = CACHE_ENGINES.valkey.parameterGroupFamily;

function devServicesWithQueues(): string {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, string>;
    };
    const services = JSON.parse(file.config["platform:services"]) as ServiceConfig[];
    services.find((s) => s.name === "worker")!.scaling = {
        redisList: { list: "{bull}:email:wait", length: 20 },
        redisStream: { stream: "{events}:audit", group: "auditors", pending: 10 },
    };
    return `platform:services=${JSON.stringify(services)}`;
}
const secretData = (run: ProgramRun, name: string): Record<string, string> =>
    inputs(ofType(run, SECRET).find((r) => inputs(r).metadata?.name === name)!).stringData;

describe("cache cluster mode on AWS", () => {
    let run: ProgramRun;
    before(async function () {
        this.timeout(300_000);
        run = await runStack("dev", "aws", [CLUSTER, devServicesWithQueues()]);
    });

    it("shards the replication group with cluster mode enabled, the configured shards and replicas per shard", () => {
        const rg = inputs(one(run, RG));
        assert.strictEqual(rg.clusterMode, "enabled");
        assert.strictEqual(rg.numNodeGroups, 3);
        assert.strictEqual(rg.replicasPerNodeGroup, 2);
        // numCacheClusters conflicts with numNodeGroups; cluster mode requires automatic failover.
        assert.strictEqual(rg.numCacheClusters, undefined);
        assert.strictEqual(rg.automaticFailoverEnabled, true);
        assert.strictEqual(rg.multiAzEnabled, true);
    });

    it("runs the shards with the family's cluster-enabled default parameter group", () => {
        assert.strictEqual(inputs(one(run, RG)).parameterGroupName, `default.${family}.cluster.on`);
        assert.deepStrictEqual(ofType(run, PG), []);
    });

    it("tells services it is a cluster and gives them the configuration endpoint", () => {
        const data = secretData(run, "api-connections");
        assert.strictEqual(data.REDIS_CLUSTER, "true");
        assert.match(data.REDIS_HOST, /^clustercfg\./);
        assert.strictEqual(data.REDIS_HOST, one(run, RG).state!.configurationEndpointAddress);
    });

    it("scales on the queue with KEDA's cluster scalers, whose user may discover the shards", () => {
        const worker = inputs(ofType(run, SCALED_OBJECT).find((r) => inputs(r).metadata.name === "worker")!);
        const types = worker.spec.triggers.map((t: { type: string }) => t.type);
        assert.deepStrictEqual(types.slice(2), ["redis-cluster", "redis-cluster-streams"]);
        const keda = inputs(ofType(run, USER).find((u) => inputs(u).userId.endsWith("-keda-worker"))!);
        assert.match(keda.accessString, /^on ~\{bull\}:email:wait ~\{events\}:audit -@all /);
        assert.ok(keda.accessString.includes("+cluster|slots"), keda.accessString);
    });

    it("adds cluster-enabled yes to the custom parameter group that carries an eviction policy", async function () {
        this.timeout(300_000);
        const queued = await runStack("dev", "aws", [
            'platform:cache={"clusterMode":{},"evictionPolicy":"noeviction"}',
        ]);
        assert.deepStrictEqual(inputs(one(queued, PG)).parameters, [
            { name: "maxmemory-policy", value: "noeviction" },
            { name: "cluster-enabled", value: "yes" },
        ]);
        // Defaults: 2 shards; dev is not highly available, so no replica and no Multi-AZ.
        const rg = inputs(one(queued, RG));
        assert.strictEqual(rg.numNodeGroups, 2);
        assert.strictEqual(rg.replicasPerNodeGroup, 0);
        assert.strictEqual(rg.multiAzEnabled, false);
    });

    it("keeps one primary without cluster mode, so existing caches do not change", async function () {
        this.timeout(300_000);
        const plain = await runStack("dev", "aws");
        const rg = inputs(one(plain, RG));
        assert.strictEqual(rg.clusterMode, undefined);
        assert.strictEqual(rg.numCacheClusters, 1);
        assert.strictEqual(rg.parameterGroupName, `default.${family}`);
        assert.strictEqual(secretData(plain, "api-connections").REDIS_CLUSTER, "false");
    });

    it("fails before any resource registers when a highly available cluster has shards without replicas", async function () {
        this.timeout(120_000);
        await expectConfigError(
            "prod",
            "aws",
            ['platform:cache={"clusterMode":{"replicasPerShard":0}}'],
            "platform:cache.clusterMode.replicasPerShard",
            /got 0; allowed: 1 to 5 when platform:highAvailability is true/,
        );
    });
});

describe("cache cluster mode on Azure", () => {
    it("uses the OSS cluster policy, so cluster-aware clients reach every shard, and says so to services and KEDA", async function () {
        this.timeout(300_000);
        const run = await runStack("dev", "azure", [CLUSTER, devServicesWithQueues()]);
        assert.strictEqual(inputs(one(run, DB)).clusteringPolicy, "OSSCluster");
        assert.strictEqual(secretData(run, "api-connections").REDIS_CLUSTER, "true");
        const worker = inputs(ofType(run, SCALED_OBJECT).find((r) => inputs(r).metadata.name === "worker")!);
        assert.strictEqual(worker.spec.triggers[2].type, "redis-cluster");
    });

    it("keeps the Enterprise cluster policy (one endpoint) without cluster mode", async function () {
        this.timeout(300_000);
        const run = await runStack("dev", "azure");
        assert.strictEqual(inputs(one(run, DB)).clusteringPolicy, "EnterpriseCluster");
    });
});
