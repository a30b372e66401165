/**
 * The deploy critical path on the real prod graphs (issue 13 "Show", issue 15 "Show"): CloudFront / Front Door
 * and their WAF take long to create (bench/weights.ts), so they must never wait for a data store, and the
 * resources this stop added (read replicas, RDS Proxy, backups, CDN/WAF, Velero) must be weighted from the dated
 * table rather than the "unknown" fallback, or the measured path would be a guess.
 */
import * as assert from "assert";
import { GraphNode, criticalPath, upstreamOf } from "../../bench/critical-path";
import { WEIGHTS_CHECKED, weightOf } from "../../bench/weights";
import type { ProgramRun } from "../../check/runtime";
import { redact } from "../../check/runtime";
import { Cloud, runStack } from "../harness";

/** The graph as bench/graph.ts records it. */
function graphOf(run: ProgramRun): GraphNode[] {
    return run.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        custom: r.custom,
        provider: r.provider,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        inputs: redact(r.inputs) as Record<string, unknown>,
    }));
}

/** The data stores: what the CDN must not wait for. */
const DATA_STORE =
    /^(aws:rds\/(instance|proxy):|aws:elasticache\/|azure-native:dbforpostgresql:Server$|azure-native:redisenterprise:)/;
/** The edge's slow resources. */
const CDN =
    /^(aws:cloudfront\/distribution:|aws:wafv2\/webAcl:|azure-native:cdn:(Profile|AFDEndpoint|Route|AFDCustomDomain|SecurityPolicy)$|azure-native:frontdoor:Policy$)/;
/** This stop's additions, which need rows of their own. */
const ADDED =
    /^(aws:rds\/(proxy|proxyTarget|proxyDefaultTargetGroup):|aws:backup\/|aws:cloudfront\/|aws:wafv2\/|azure-native:dataprotection:|azure-native:cdn:|azure-native:frontdoor:Policy$)/;

const CLOUDS: Cloud[] = ["aws", "azure"];

for (const cloud of CLOUDS) {
    describe(`bench on the prod graph (${cloud})`, () => {
        it("keeps the CDN and its WAF off the data stores' path: none of them waits for a database or cache", async () => {
            const nodes = graphOf(await runStack("prod", cloud));
            const byUrn = new Map(nodes.map((n) => [n.urn, n]));
            const edge = nodes.filter((n) => n.custom && CDN.test(n.type));
            assert.ok(edge.length >= 2, `prod has a CDN and a WAF (${edge.length} edge resources)`);
            for (const n of edge) {
                const waits = [...upstreamOf(nodes, n.urn)]
                    .map((u) => byUrn.get(u)!)
                    .filter((u) => DATA_STORE.test(u.type));
                assert.deepStrictEqual(
                    waits.map((w) => w.name),
                    [],
                    `${n.name} waits for data stores`,
                );
            }
        });

        it("weighs the read replicas, the pooler, the backups, the CDN/WAF and Velero from the dated table", async () => {
            const nodes = graphOf(await runStack("prod", cloud));
            const unweighted = nodes
                .filter((n) => n.custom && !weightOf(n.type, n.inputs ?? {}).known)
                .map((n) => n.type);
            assert.deepStrictEqual([...new Set(unweighted)], []);
            const variants = new Set(
                nodes.filter((n) => n.custom).map((n) => weightOf(n.type, n.inputs ?? {}).variant),
            );
            assert.ok(variants.has("velero"), "the Velero release has its row");
            assert.ok(variants.has("read replica"), "the read replica is weighted as a replica, not a new primary");
            assert.ok(nodes.some((n) => n.custom && ADDED.test(n.type)));
            assert.match(WEIGHTS_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
        });

        it("still ends on a data store or the cluster chain, not on the CDN, so the edge adds no minutes", async () => {
            const nodes = graphOf(await runStack("prod", cloud));
            const cp = criticalPath(nodes);
            const withoutEdge = criticalPath(nodes.filter((n) => !CDN.test(n.type)));
            assert.strictEqual(
                cp.minutes,
                withoutEdge.minutes,
                `the path runs through ${cp.path.map((s) => s.name).join(" > ")}`,
            );
        });
    });
}

describe("bench: upstreamOf", () => {
    it("follows inputs, dependsOn on a component (every child) and a component parent's registration only", () => {
        const u = (n: string) => `urn:x::${n}`;
        const nodes: GraphNode[] = [
            { urn: u("db"), type: "t:db", name: "db", parent: null, custom: true, dependencies: [] },
            { urn: u("comp"), type: "c", name: "comp", parent: null, custom: false, dependencies: [u("db")] },
            { urn: u("child"), type: "t:child", name: "child", parent: u("comp"), custom: true, dependencies: [] },
            { urn: u("late"), type: "t:late", name: "late", parent: u("comp"), custom: true, dependencies: [u("db")] },
            { urn: u("cdn"), type: "t:cdn", name: "cdn", parent: null, custom: true, dependencies: [u("child")] },
            { urn: u("all"), type: "t:all", name: "all", parent: null, custom: true, dependencies: [u("comp")] },
        ];
        assert.deepStrictEqual([...upstreamOf(nodes, u("cdn"))].sort(), [u("child"), u("db")].sort());
        assert.deepStrictEqual([...upstreamOf(nodes, u("all"))].sort(), [u("child"), u("db"), u("late")].sort());
    });
});
