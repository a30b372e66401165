/**
 * The mutation suite of issue 17: weaken one protected setting at a time in the program's own prod graph
 * (the real program under the check's mocks, as AnalyzeStack sees it) and assert that the named policy of
 * the pack, with the prod policy config, catches it. Every caught mutation must stay caught; the ones the
 * pack does not catch yet are listed with the reason, so the figure (caught / total per cloud) is honest.
 */
import * as assert from "assert";
import * as fs from "fs";
import type { Policy } from "@pulumi/policy";
import { allPolicies } from "../../policies/all";
import { defaultPolicyConfigFile } from "../../check/policy";
import { plain } from "../../check/runtime";
import { Cloud, runStack } from "../harness";
import { FixtureResource, evaluate } from "./fixtures";
import {
    AWS_EXPOSURE_MUTATIONS,
    AWS_IDENTITY_MUTATIONS,
    AWS_MUTATIONS,
    AZURE_EXPOSURE_MUTATIONS,
    AZURE_IDENTITY_MUTATIONS,
    AZURE_MUTATIONS,
    KUBERNETES_MUTATIONS,
    NOT_CAUGHT,
} from "./mutations.cases";

/** The prod graph as fixtures: custom resources with their state, components with their outputs. */
async function prodGraph(cloud: Cloud): Promise<FixtureResource[]> {
    const run = await runStack("prod", cloud);
    const names = new Map(run.resources.map((r) => [r.urn, r.name]));
    return run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        props: plain(r.custom ? (r.state ?? r.inputs) : r.outputs) as Record<string, unknown>,
        protect: r.protect,
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((u) => names.get(u) ?? u)]),
        ),
    }));
}

/** The prod policy config of each policy (settings only; the level does not change a verdict). */
function prodConfig(): Map<string, object> {
    const file = JSON.parse(fs.readFileSync(defaultPolicyConfigFile("prod"), "utf8")) as Record<string, unknown>;
    const config = new Map<string, object>();
    for (const [name, value] of Object.entries(file)) {
        if (typeof value !== "object" || value === null) continue;
        const { enforcementLevel, ...settings } = value as Record<string, unknown>;
        void enforcementLevel;
        config.set(name, settings);
    }
    return config;
}

const byName = new Map<string, Policy>(allPolicies.map((p) => [p.name, p]));

for (const [cloud, mutations] of [
    ["aws", [...AWS_MUTATIONS, ...AWS_EXPOSURE_MUTATIONS, ...AWS_IDENTITY_MUTATIONS, ...KUBERNETES_MUTATIONS]],
    ["azure", [...AZURE_MUTATIONS, ...AZURE_EXPOSURE_MUTATIONS, ...AZURE_IDENTITY_MUTATIONS, ...KUBERNETES_MUTATIONS]],
] as const) {
    describe(`mutation suite on the ${cloud} prod graph`, function () {
        this.timeout(300000);
        const config = prodConfig();
        let baseline: FixtureResource[];

        before(async () => {
            baseline = await prodGraph(cloud);
        });

        it("passes every mutated policy on the unmutated prod graph, so that each catch below is the mutation's", async () => {
            for (const name of new Set(mutations.map((m) => m.policy))) {
                const policy = byName.get(name);
                assert.ok(policy, `${name} is a policy of the pack`);
                const outcome = await evaluate(policy, structuredClone(baseline), config.get(name) ?? {});
                assert.notStrictEqual(outcome.verdict, "fail", `${name}: ${outcome.messages.join("\n")}`);
            }
        });

        for (const m of mutations) {
            it(`catches "${m.what}" with ${m.policy}`, async () => {
                const graph = structuredClone(baseline);
                m.mutate(graph);
                const outcome = await evaluate(byName.get(m.policy)!, graph, config.get(m.policy) ?? {});
                assert.strictEqual(outcome.verdict, "fail", `${m.policy} did not catch it`);
            });
        }

        after(() => {
            const total = mutations.length + NOT_CAUGHT[cloud].length;
            console.log(`      mutation figure (${cloud} prod): ${mutations.length} / ${total} caught`);
        });
    });
}
