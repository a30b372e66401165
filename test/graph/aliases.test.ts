/**
 * URNs and aliases as the engine computes them, so that the graph comparison (graph.test.ts) and every URN
 * the check reports are the ones a real `pulumi up` uses. Sources: pulumi/pulumi@1b5949891b
 * pkg/resource/deploy/deployment.go generateURN, sdk/go/common/resource/urn/urn.go New,
 * pkg/resource/deploy/step_generator.go generateAliases / collapseAliasToUrn / inheritedChildAlias.
 */
import * as assert from "assert";
import { AliasResolver } from "../../check/aliases";
import { engineUrn } from "../../check/runtime";
import { runStack } from "../harness";

const STACK = "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev";
const at = (qualified: string, name: string) => `urn:pulumi:dev::platform::${qualified}::${name}`;

describe("URNs as the engine makes them (check/runtime.ts engineUrn)", () => {
    it("leaves the root stack's type out of a top-level resource's URN", () => {
        assert.strictEqual(engineUrn(STACK, "a:b:C", "x", "platform", "dev"), at("a:b:C", "x"));
    });

    it("keeps the parent's whole qualified type for a nested resource, not only its last type", () => {
        const parent = at("a:b:Outer$a:b:Inner", "inner");
        assert.strictEqual(
            engineUrn(parent, "aws:s3/bucket:Bucket", "b", "platform", "dev"),
            at("a:b:Outer$a:b:Inner$aws:s3/bucket:Bucket", "b"),
        );
    });

    it("gives the program's resources those URNs under the mock runtime (three levels deep on AWS dev)", async () => {
        const run = await runStack("dev", "aws");
        assert.ok(run.resources.every((r) => r.urn === STACK || !r.urn.includes("pulumi:pulumi:Stack$")));
        assert.ok(run.resources.some((r) => r.urn.split("::")[2].split("$").length >= 3));
        for (const r of run.resources.filter((x) => x.parent)) {
            assert.strictEqual(r.urn, engineUrn(r.parent!, r.type, r.name, "platform", "dev"));
        }
    });
});

describe("aliases as the engine resolves them (check/aliases.ts)", () => {
    const olds = new Set([
        at("p:x:Comp", "app"),
        at("p:x:Comp$aws:s3/bucket:Bucket", "app-bucket"),
        at("aws:sqs/queue:Queue", "old-queue"),
    ]);

    it("finds a resource under its own URN first and reports nothing to alias", () => {
        const resolver = new AliasResolver(olds, "platform", "dev");
        const urn = at("p:x:Comp", "app");
        assert.strictEqual(resolver.resolve({ urn, type: "p:x:Comp", parent: STACK }), urn);
    });

    it("resolves a renamed resource through a name alias, filling the rest from the resource", () => {
        const resolver = new AliasResolver(olds, "platform", "dev");
        const r = {
            urn: at("aws:sqs/queue:Queue", "queue"),
            type: "aws:sqs/queue:Queue",
            parent: STACK,
            aliases: [{ name: "old-queue" }],
        };
        assert.strictEqual(resolver.resolve(r), at("aws:sqs/queue:Queue", "old-queue"));
    });

    it("moves the children of a renamed component with it, renaming their <parent>- prefix too", () => {
        const resolver = new AliasResolver(olds, "platform", "dev");
        const parent = { urn: at("p:x:Comp", "web"), type: "p:x:Comp", parent: STACK, aliases: [{ name: "app" }] };
        assert.strictEqual(resolver.resolve(parent), at("p:x:Comp", "app"));
        const child = {
            urn: at("p:x:Comp$aws:s3/bucket:Bucket", "web-bucket"),
            type: "aws:s3/bucket:Bucket",
            parent: parent.urn,
        };
        assert.strictEqual(resolver.resolve(child), at("p:x:Comp$aws:s3/bucket:Bucket", "app-bucket"));
    });

    it("reports a renamed resource without an alias as new (the engine would replace it)", () => {
        const resolver = new AliasResolver(olds, "platform", "dev");
        assert.strictEqual(
            resolver.resolve({ urn: at("aws:sqs/queue:Queue", "queue"), type: "aws:sqs/queue:Queue", parent: STACK }),
            undefined,
        );
    });
});
