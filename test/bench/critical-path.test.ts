/**
 * The deploy critical path on tiny synthetic graphs: longest path, serial sum, slowest single resource,
 * component and parent semantics, and the minutes a needless dependency costs. No subprocesses.
 */
import * as assert from "assert";
import { GraphNode, criticalPath, minutesFor, savings, suspects } from "../../bench/critical-path";
import { weightOf } from "../../bench/weights";

const STACK = "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev";
const urn = (name: string) => `urn:pulumi:dev::platform::x::${name}`;

function component(name: string, type: string, opts: Partial<GraphNode> = {}): GraphNode {
    return { urn: urn(name), type, name, parent: STACK, custom: false, dependencies: [], ...opts };
}
function custom(name: string, parent: string | null, opts: Partial<GraphNode> = {}): GraphNode {
    return { urn: urn(name), type: `test:index:${name}`, name, parent, custom: true, dependencies: [], ...opts };
}
const input = (...names: string[]) => ({
    dependencies: names.map(urn),
    propertyDependencies: Object.fromEntries(names.map((n) => [`${n}Id`, [urn(n)]])),
});

/** Minutes by resource name, so the tests do not depend on the weights table. */
const MINUTES: Record<string, number> = { vpc: 1, subnet: 1, db: 10, eks: 9, nodes: 5, rg: 15, app: 1, late: 2 };
const minutesOf = (n: GraphNode) => (n.custom ? (MINUTES[n.name] ?? 0) : 0);

/** A network, a database, a cluster, and a cache whose replication group has `dependsOn: [cluster]`. */
function platform(): GraphNode[] {
    return [
        component("net", "platform:network:Network"),
        custom("vpc", urn("net")),
        custom("subnet", urn("net"), input("vpc")),
        component("database", "platform:database:Database"),
        custom("db", urn("database"), input("subnet")),
        component("cluster", "platform:cluster:Cluster"),
        custom("eks", urn("cluster"), input("subnet")),
        custom("nodes", urn("cluster"), input("eks")),
        component("cache", "platform:cache:Cache"),
        // The SDK expands `dependsOn: [cluster]` into the cluster's custom resources.
        custom("rg", urn("cache"), {
            dependencies: [urn("subnet"), urn("eks"), urn("nodes")],
            propertyDependencies: { subnetIds: [urn("subnet")] },
        }),
    ];
}

describe("bench: deploy critical path", () => {
    it("is the longest chain of waits, weighted by minutes", () => {
        const cp = criticalPath(platform(), minutesOf);
        // vpc 0-1, subnet 1-2, eks 2-11, nodes 11-16, rg 16-31.
        assert.strictEqual(cp.minutes, 31);
        assert.deepStrictEqual(
            cp.path.filter((s) => s.custom).map((s) => s.name),
            ["vpc", "subnet", "eks", "nodes", "rg"],
        );
        assert.deepStrictEqual(
            cp.path.filter((s) => s.custom).map((s) => [s.start, s.done]),
            [
                [0, 1],
                [1, 2],
                [2, 11],
                [11, 16],
                [16, 31],
            ],
        );
    });

    it("compares it with the serial sum and the slowest single resource", () => {
        const cp = criticalPath(platform(), minutesOf);
        assert.strictEqual(cp.serialMinutes, 1 + 1 + 10 + 9 + 5 + 15);
        assert.strictEqual(cp.slowest.urn, urn("rg"));
        assert.strictEqual(cp.slowest.minutes, 15);
        assert.strictEqual(cp.ratio, 31 / 15);
        assert.strictEqual(cp.customCount, 6);
    });

    it("makes a dependency on a component wait for every child of it", () => {
        const cp = criticalPath(
            [
                component("database", "platform:database:Database"),
                custom("db", urn("database")),
                custom("vpc", urn("database")),
                // Depends on the component itself (not expanded): waits until its slowest child, db, is done.
                custom("app", null, { dependencies: [urn("database")] }),
            ],
            minutesOf,
        );
        assert.strictEqual(cp.minutes, 10 + 1);
        assert.deepStrictEqual(
            cp.path.map((s) => [s.name, s.via?.kind]),
            [
                ["db", undefined],
                ["database", "child"],
                ["app", "dependsOn"],
            ],
        );
    });

    it("makes children of a component wait for the component's own dependencies", () => {
        const cp = criticalPath(
            [
                custom("eks", null),
                // A component registered with dependsOn: [eks]; its child inherits the wait through its parent.
                component("workloads", "platform:workloads:Workloads", { dependencies: [urn("eks")] }),
                custom("app", urn("workloads")),
            ],
            minutesOf,
        );
        assert.strictEqual(cp.minutes, 9 + 1);
        assert.deepStrictEqual(
            cp.path.map((s) => [s.name, s.via?.kind, s.registeredOnly]),
            [
                ["eks", undefined, false],
                ["workloads", "dependsOn", true],
                ["app", "parent", false],
            ],
        );
    });

    it("makes children of a custom resource wait until it is created", () => {
        const cp = criticalPath([custom("eks", null), custom("app", urn("eks"))], minutesOf);
        assert.strictEqual(cp.minutes, 10);
    });

    it("makes a resource wait for its provider", () => {
        const provider = custom("k8s", null, { type: "pulumi:providers:kubernetes", dependencies: [urn("nodes")] });
        const cp = criticalPath(
            [custom("nodes", null), provider, custom("app", null, { provider: `${urn("k8s")}::id-1` })],
            minutesOf,
        );
        assert.strictEqual(cp.minutes, 5 + 0 + 1);
        assert.strictEqual(cp.path[cp.path.length - 1].via?.kind, "provider");
    });

    it("measures what a needless dependsOn on a whole component costs", () => {
        const found = savings(platform(), minutesOf);
        const whole = found.find((s) => s.wholeComponent);
        assert.ok(whole, JSON.stringify(found, null, 2));
        assert.strictEqual(whole.urn, urn("rg"));
        assert.strictEqual(whole.on, urn("cluster"));
        assert.strictEqual(whole.kind, "dependsOn");
        assert.strictEqual(whole.dataStoreOnCluster, true);
        // Without it rg runs 2-17, so the path becomes max(nodes 16, rg 17, db 12) = 17.
        assert.strictEqual(whole.minutesSaved, 31 - 17);

        const listed = suspects(platform(), minutesOf);
        assert.deepStrictEqual(
            listed.map((s) => [s.urn, s.on, s.wholeComponent, s.minutesSaved]),
            [[urn("rg"), urn("cluster"), true, 14]],
        );
    });

    it("measures a set of explicit dependsOn removed together", () => {
        // rg waits for two orderings (dependsOn [nodes, late]); removing one, the other still holds it back.
        const graph = [
            custom("eks", null),
            custom("nodes", null, input("eks")),
            custom("late", null, input("eks")),
            custom("rg", null, { dependencies: [urn("nodes"), urn("late")] }),
        ];
        // eks 0-9, nodes 9-14, late 9-11, rg 14-29.
        assert.strictEqual(criticalPath(graph, minutesOf).minutes, 29);
        const found = savings(graph, minutesOf);
        const single = found.find((s) => s.on === urn("nodes") && !s.allExplicit);
        assert.strictEqual(single?.minutesSaved, 29 - 26);
        const both = found.find((s) => s.allExplicit);
        assert.deepStrictEqual(both?.allExplicit, [urn("nodes"), urn("late")]);
        // Without both, rg runs 0-15 and the path is max(nodes 14, rg 15).
        assert.strictEqual(both?.minutesSaved, 29 - 15);
    });

    it("reports nothing to remove when the data stores depend on the network only", () => {
        const graph = platform().map((n) =>
            n.name === "rg" ? { ...n, dependencies: [urn("subnet")], propertyDependencies: {} } : n,
        );
        assert.strictEqual(criticalPath(graph, minutesOf).minutes, 17);
        assert.deepStrictEqual(suspects(graph, minutesOf), []);
        assert.ok(savings(graph, minutesOf).every((s) => !s.wholeComponent && !s.dataStoreOnCluster));
    });

    it("fails loudly on a dependency cycle", () => {
        assert.throws(
            () => criticalPath([custom("vpc", null, input("subnet")), custom("subnet", null, input("vpc"))], minutesOf),
            /dependency cycle/,
        );
    });

    it("weighs resources from the one table, by variant", () => {
        assert.strictEqual(weightOf("aws:rds/instance:Instance", { multiAz: true }).minutes.typical, 17.5);
        assert.strictEqual(weightOf("aws:rds/instance:Instance", { multiAz: false }).variant, "single-AZ");
        assert.strictEqual(weightOf("kubernetes:core/v1:ConfigMap").minutes.typical, 0.05);
        assert.strictEqual(weightOf("pulumi:providers:aws").minutes.high, 0);
        assert.strictEqual(weightOf("acme:unknown:Thing").known, false);
        const typical = minutesFor("typical");
        assert.strictEqual(typical(component("c", "platform:cache:Cache")), 0);
    });
});
