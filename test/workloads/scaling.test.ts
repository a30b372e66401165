/**
 * Event-driven autoscaling (components/workloads/scaling/): KEDA installed per cloud, a ScaledObject with
 * CPU/memory and the configured triggers in place of the service's HPA, Redis credentials by reference.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ServiceConfig } from "../../components/workloads";
import { KEDA_CHART_PIN } from "../../components/workloads/scaling/chart";
import { PROMETHEUS_URL } from "../../components/workloads/scaling/keda";
import { ROOT } from "../../check/stack";
import { ProgramRun } from "../../check/runtime";
import { CLOUDS, expectConfigError, inputs, ofType, runStack } from "../harness";

function prodServices(): ServiceConfig[] {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
        config: Record<string, string>;
    };
    return JSON.parse(file.config["platform:services"]);
}

function withScaling(change: (services: ServiceConfig[]) => void): string[] {
    const services = prodServices();
    change(services);
    return [`platform:services=${JSON.stringify(services)}`];
}

const queueAndRate = withScaling((s) => {
    s.find((x) => x.name === "worker")!.scaling = { redisList: { list: "bull:email:wait", length: 20 } };
    s.find((x) => x.name === "api")!.scaling = { requestsPerSecond: 50 };
});

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const TRIGGER_AUTH = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const named = (run: ProgramRun, type: string, name: string) =>
    ofType(run, type)
        .filter((r) => inputs(r).metadata?.name === name)
        .map(inputs);

for (const cloud of CLOUDS) {
    describe(`event-driven scaling on ${cloud}`, () => {
        let run: ProgramRun;
        before(async function () {
            this.timeout(240_000);
            run = await runStack("prod", cloud, queueAndRate);
        });

        it("installs KEDA: the pinned chart on EKS, the managed add-on on AKS", async function () {
            this.timeout(240_000);
            const base = await runStack("prod", cloud);
            const keda = ofType(base, "kubernetes:helm.sh/v3:Release").filter((r) => inputs(r).chart === "keda");
            if (cloud === "aws") {
                assert.strictEqual(keda.length, 1);
                assert.strictEqual(inputs(keda[0]).version, KEDA_CHART_PIN.version);
            } else {
                assert.strictEqual(keda.length, 0);
                const cluster = inputs(ofType(base, "azure-native:containerservice:ManagedCluster")[0]);
                assert.deepStrictEqual(cluster.workloadAutoScalerProfile, { keda: { enabled: true } });
            }
        });

        // KEDA: "Don't combine ScaledObject with Horizontal Pod Autoscaler" (https://keda.sh/docs/2.20/concepts/scaling-deployments/).
        it("gives a service with scaling a ScaledObject and no HPA of its own, so that two autoscalers never fight", () => {
            assert.deepStrictEqual(named(run, HPA, "worker"), []);
            assert.deepStrictEqual(named(run, HPA, "api"), []);
            assert.strictEqual(named(run, HPA, "frontend").length, 1);
            const [worker] = named(run, SCALED_OBJECT, "worker");
            assert.deepStrictEqual(worker.spec.scaleTargetRef, {
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: "worker",
            });
            assert.strictEqual(worker.spec.minReplicaCount, 2);
            assert.strictEqual(worker.spec.maxReplicaCount, 6);
            assert.deepStrictEqual(worker.spec.triggers.slice(0, 2), [
                { type: "cpu", metricType: "Utilization", metadata: { value: "70" } },
                { type: "memory", metricType: "Utilization", metadata: { value: "80" } },
            ]);
        });

        // keda@v2.20.2 pkg/scalers/redis_scaler.go: listName, listLength, enableTLS; host/port/username/password from
        // auth params. The cache is passwordless, so the service's Secret has no password: KEDA reads its own
        // credential (components/cache/clients createScalerCredential; test/components/cache-passwordless.test.ts).
        it("scales the worker on its Redis list with the cache's credentials by reference", () => {
            const [worker] = named(run, SCALED_OBJECT, "worker");
            const redis = worker.spec.triggers.find((t: { type: string }) => t.type === "redis");
            assert.deepStrictEqual(redis.metadata, {
                listName: "bull:email:wait",
                listLength: "20",
                enableTLS: "true",
            });
            assert.deepStrictEqual(redis.authenticationRef, { name: "worker-redis", kind: "TriggerAuthentication" });
            const [auth] = named(run, TRIGGER_AUTH, "worker-redis");
            assert.deepStrictEqual(auth.spec.secretTargetRef, [
                { parameter: "host", name: "worker-connections", key: "REDIS_HOST" },
                { parameter: "port", name: "worker-connections", key: "REDIS_PORT" },
                ...(cloud === "aws" ? [{ parameter: "username", name: "worker-keda-redis", key: "username" }] : []),
                { parameter: "password", name: "worker-keda-redis", key: "password" },
            ]);
            assert.ok(!JSON.stringify(worker).includes("authToken"), "a credential is inlined");
        });

        it("scales the api on its request rate from the in-cluster Prometheus", () => {
            const [api] = named(run, SCALED_OBJECT, "api");
            const rate = api.spec.triggers.find((t: { type: string }) => t.type === "prometheus");
            assert.strictEqual(rate.metadata.serverAddress, PROMETHEUS_URL);
            assert.strictEqual(rate.metadata.threshold, "50");
            assert.match(rate.metadata.query, /http_requests_total\{namespace="platform-prod", service="api"\}/);
            assert.deepStrictEqual(named(run, TRIGGER_AUTH, "api-redis"), []);
        });
    });
}

describe("event-driven scaling: configuration", () => {
    const cases: { title: string; change: (s: ServiceConfig[]) => void; key: string; message: RegExp }[] = [
        {
            title: "fails when a Redis trigger's service does not bind the cache",
            change: (s) => ((s[1].bind = []), (s[1].scaling = { redisList: { list: "q" } })),
            key: "platform:services[1].scaling",
            message: /binds the cache/,
        },
        {
            title: "fails when a Redis list trigger names no list",
            change: (s) => (s[2].scaling = { redisList: { length: 5 } }),
            key: "platform:services[2].scaling.redisList.list",
            message: /required with redisList/,
        },
        {
            title: "fails when a stream trigger names no consumer group",
            change: (s) => (s[2].scaling = { redisStream: { stream: "events" } }),
            key: "platform:services[2].scaling.redisStream.group",
            message: /consumer group/,
        },
        {
            title: "fails when scaling has no trigger",
            change: (s) => (s[2].scaling = {}),
            key: "platform:services[2].scaling",
            message: /at least one trigger/,
        },
        {
            title: "fails on an unknown trigger",
            change: (s) => (s[2].scaling = { sqs: {} } as never),
            key: "platform:services[2].scaling.sqs",
            message: /unknown field "sqs"/,
        },
    ];
    for (const c of cases) {
        it(c.title, async function () {
            this.timeout(60_000);
            await expectConfigError("prod", "aws", withScaling(c.change), c.key, c.message);
        });
    }
});
