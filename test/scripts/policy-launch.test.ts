/**
 * The policy pack started as the Pulumi CLI's Node language host starts it (check/policy-launch.ts, from
 * pulumi/pulumi@1b5949891b3cefcb9974752b24a5ecef0acc86c8 sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 * `RunPlugin` and pkg/resource/plugin/analyzer_plugin.go), and `npm run check` starting it exactly so.
 */
import * as assert from "assert";
import type { ChildProcess } from "child_process";
import * as path from "path";
import { PolicyPackProcess } from "../../check/policy";
import { RUN_POLICY_PACK, policyPackLaunch } from "../../check/policy-launch";
import { ROOT } from "../../check/stack";

const PACK = path.join(ROOT, "policies");
const IDENTITY = { project: "platform", stack: "prod", dryRun: true, config: { "platform:cloud": "aws" } };

describe("policy pack launch, as the Node language host does it", function () {
    this.timeout(120_000);

    it("runs run-policy-pack resolved from the pack, with the engine address and the absolute pack directory last", () => {
        const launch = policyPackLaunch("policies", "127.0.0.1:50051", IDENTITY, {});
        assert.strictEqual(launch.command, process.execPath);
        // locateModule: `require.resolve('@pulumi/pulumi/cmd/run-policy-pack')` run in the pack's directory.
        const runner = require.resolve(RUN_POLICY_PACK, { paths: [PACK] });
        assert.deepStrictEqual(launch.args, [runner, "127.0.0.1:50051", PACK]);
        assert.strictEqual(launch.cwd, PACK, "the working directory is the pack's, absolute");
    });

    it("gives the pack the stack identity and config in the variables the host sets, and only those", () => {
        const launch = policyPackLaunch(PACK, "127.0.0.1:1", IDENTITY, { HOME: "/home/ci" });
        assert.deepStrictEqual(launch.env, {
            HOME: "/home/ci",
            PULUMI_NODEJS_TYPESCRIPT: "true",
            PULUMI_NODEJS_PROJECT: "platform",
            PULUMI_NODEJS_STACK: "prod",
            PULUMI_NODEJS_DRY_RUN: "true",
            PULUMI_CONFIG: '{"platform:cloud":"aws"}',
        });
        const update = policyPackLaunch(PACK, "127.0.0.1:1", { ...IDENTITY, dryRun: false, organization: "acme" }, {});
        assert.strictEqual(update.env.PULUMI_NODEJS_DRY_RUN, "false");
        assert.strictEqual(update.env.PULUMI_NODEJS_ORGANIZATION, "acme");
    });

    it("is how npm run check starts the pack, which then serves the analyzer protocol", async () => {
        const pack = await PolicyPackProcess.start({ project: "platform", stack: "prod", config: {} });
        try {
            const child = (pack as unknown as { child: ChildProcess }).child;
            const address = child.spawnargs[2];
            const expected = policyPackLaunch(PACK, address, { ...IDENTITY, config: {} });
            assert.deepStrictEqual(child.spawnargs, [expected.command, ...expected.args]);
            const result = await pack.evaluate([], { project: "platform", stack: "prod", config: {} });
            assert.ok(result.policies > 50, "the pack published its policies");
        } finally {
            await pack.stop();
        }
    });
});
