/**
 * Both phases of a real run (check/preview.ts, check/policy.ts): in `preview` a new stack's computed values
 * are unknown and the pack reports a rule that reads one as undecidable ("can't run policy ... during
 * preview", @pulumi/policy server.js + proxy.js unknownCheckingProxy); in `update` the same rule is decided.
 */
import * as assert from "assert";
import * as path from "path";
import { Violation } from "../../check";
import { evaluatePolicies } from "../../check/policy";
import { UNKNOWN, outputsOnly, previewResources } from "../../check/preview";
import { plain } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { check, runStack } from "../harness";

const PACK = path.join(__dirname, "fixtures", "computed-pack");

describe("preview and update phases", function () {
    this.timeout(300_000);

    // The sentinel the engine marshals unknowns as (pulumi/pulumi sdk/nodejs/runtime/rpc.ts unknownValue).
    it("sends unknowns as the engine's UnknownStringValue sentinel", () => {
        assert.strictEqual(UNKNOWN, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    });

    it("derives a type's computed properties from the SDK's output types, not its Args", () => {
        const bucket = outputsOnly("aws:s3/bucket:Bucket");
        assert.ok(bucket.has("arn") && bucket.has("bucketDomainName"), [...bucket].join());
        assert.ok(!bucket.has("tags") && !bucket.has("forceDestroy"), "inputs are not computed");
        assert.ok(outputsOnly("kubernetes:apps/v1:Deployment").has("status"));
        assert.ok(outputsOnly("aws:eks/cluster:Cluster").has("endpoint"));
    });

    it("makes inputs built from a new resource's id or endpoint unknown in preview, and keeps literals", async () => {
        const run = await runStack("dev", "aws");
        const preview = previewResources(run.resources);
        const subnet = preview.find((r) => r.type === "aws:ec2/subnet:Subnet")!;
        assert.strictEqual(subnet.inputs.vpcId, UNKNOWN, "the new VPC's id is unknown");
        assert.notStrictEqual(subnet.inputs.cidrBlock, UNKNOWN, "a literal CIDR is known");
        const k8s = preview.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.match(JSON.stringify(k8s.inputs.kubeconfig), new RegExp(UNKNOWN), "the cluster endpoint is unknown");
        const bucket = preview.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        assert.strictEqual(bucket.state!.arn, UNKNOWN, "planned outputs: computed arn unknown");
        const rds = preview.find((r) => r.type === "aws:rds/instance:Instance")!;
        assert.strictEqual(plain(rds.inputs.storageEncrypted), true);
    });

    describe("a rule reading a computed value", () => {
        let found: Violation[];
        before(async () => {
            const run = await runStack("dev", "aws");
            const { config } = loadStackConfig("dev", ["platform:cloud=aws"]);
            const result = await evaluatePolicies(run.resources, {
                project: run.project,
                stack: "dev",
                config,
                packDir: PACK,
                policyConfig: null,
            });
            assert.deepStrictEqual(result.phases, ["preview", "update"]);
            found = result.violations;
        });
        const of = (policy: string, phase: string) => found.filter((v) => v.policy === policy && v.phase === phase);

        for (const policy of ["subnet-vpc-id-reads-computed-input", "bucket-arn-reads-computed-output"]) {
            it(`is undecidable in preview and reported as mandatory after changes (${policy})`, () => {
                const preview = of(policy, "preview");
                assert.ok(preview.length > 0, JSON.stringify(found, null, 2));
                for (const v of preview) {
                    assert.deepStrictEqual(v.undecidable, { level: "mandatory" });
                    assert.strictEqual(v.enforcementLevel, "advisory", "as the pack reports it: preview passes");
                    assert.match(v.message, /can't run policy .* during preview/);
                }
            });
            it(`is decided in update (${policy})`, () => {
                const update = of(policy, "update");
                assert.ok(update.length > 0);
                for (const v of update) {
                    assert.strictEqual(v.undecidable, undefined);
                    assert.strictEqual(v.enforcementLevel, "mandatory");
                }
            });
        }
        it("is decided in both phases when it reads only known inputs", () => {
            const policy = "bucket-force-destroy-reads-known-input";
            assert.ok(of(policy, "preview").length > 0 && of(policy, "update").length > 0);
            assert.ok(found.filter((v) => v.policy === policy).every((v) => v.undecidable === undefined));
        });
    });

    describe("npm run check --phase", () => {
        it("prints what the pack decided per phase", () => {
            const out = check("--stack", "dev");
            assert.strictEqual(out.code, 0, out.stderr);
            // Findings are reported per phase (exit 0: none is a mandatory violation); in preview the rules
            // that read computed values (key policies, bucket names) are undecidable.
            assert.match(out.stdout, /^preview \(.*\): \d+ violations?, \d+ undecidable/m);
            assert.match(out.stdout, /^update \(.*\): \d+ violations?$/m);
        });
        it("--phase update evaluates only the update", () => {
            const out = check("--stack", "dev", "--phase", "update");
            assert.strictEqual(out.code, 0, out.stderr);
            assert.match(out.stdout, /^update \(/m);
            assert.doesNotMatch(out.stdout, /^preview \(/m);
        });
        it("refuses an unknown phase with exit 2", () => {
            const out = check("--stack", "dev", "--phase", "apply");
            assert.strictEqual(out.code, 2);
            assert.match(out.stderr, /--phase must be preview or update, got "apply"/);
        });
    });
});
