/**
 * Per-resource exemptions (issue 17 item 6, policies/lib/exemptions.ts): applied only with a reason and
 * reported as exempted (never silently), not applied once expired (and reported), refused without a reason
 * by the config validation the CLI and `npm run check` both run; end to end through the pack process.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Policy, PolicyConfigSchema } from "@pulumi/policy";
import { runCheck } from "../../check";
import {
    JsonSchema,
    PolicyConfigError,
    PolicyDescription,
    parsePolicyConfig,
    reconcilePolicyConfig,
} from "../../check/policy-config";
import { defaultPolicyConfigFile, renderViolations } from "../../check/policy";
import { renderMarkdown, renderText } from "../../scripts/lib/pr-report";
import { allPolicies } from "../../policies/all";
import * as aws from "../../policies/aws/identity";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, evaluate, urnOf } from "./fixtures";

const mutableRepo = (): FixtureResource[] => [
    { type: TYPES.ecrRepository, name: "repo", props: { imageTagMutability: "MUTABLE" } },
];
const twoVpcs = (): FixtureResource[] => [
    { type: TYPES.vpc, name: "vpc-a", props: {} },
    { type: TYPES.vpc, name: "vpc-b", props: {} },
];
const REASON = "legacy images are re-tagged by the vendor's pipeline until OPS-123 lands";

describe("policy exemptions", () => {
    it("does not fail an exempted resource and reports it as exempted, with the reason and what the rule found", async () => {
        const outcome = await evaluate(aws.ecrImmutableTags, mutableRepo(), {
            exemptions: [{ resource: "repo", reason: REASON, expires: "2099-12-31" }],
        });
        assert.strictEqual(outcome.verdict, "not applicable");
        assert.strictEqual(outcome.notApplicable!.length, 1);
        const note = outcome.notApplicable![0];
        assert.ok(note.startsWith(`exempted ${urnOf(mutableRepo()[0])}: ${REASON} (until 2099-12-31)`), note);
        assert.match(note, /would report: imageTagMutability is MUTABLE/);
    });

    it("matches a resource by its URN as well as its logical name", async () => {
        const urn = urnOf(mutableRepo()[0]);
        const outcome = await evaluate(aws.ecrImmutableTags, mutableRepo(), {
            exemptions: [{ resource: urn, reason: REASON }],
        });
        assert.strictEqual(outcome.verdict, "not applicable");
    });

    it("does not apply an expired exemption, and the violation says it expired", async () => {
        const outcome = await evaluate(aws.ecrImmutableTags, mutableRepo(), {
            exemptions: [{ resource: "repo", reason: REASON, expires: "2020-01-31" }],
        });
        assert.strictEqual(outcome.verdict, "fail");
        assert.match(outcome.messages[0], /exemption for this resource expired on 2020-01-31 and is not applied/);
    });

    it("reports an expired exemption of a resource that now passes, so it gets removed", async () => {
        const graph = mutableRepo();
        graph[0].props.imageTagMutability = "IMMUTABLE";
        const outcome = await evaluate(aws.ecrImmutableTags, graph, {
            exemptions: [{ resource: "repo", reason: REASON, expires: "2020-01-31" }],
        });
        assert.match(outcome.notApplicable![0], /^exemption expired .*expired on 2020-01-31/);
    });

    it("does not apply an exemption without a reason even if a config reaches the pack unvalidated", async () => {
        const outcome = await evaluate(aws.ecrImmutableTags, mutableRepo(), {
            exemptions: [{ resource: "repo", reason: " " }],
        });
        assert.strictEqual(outcome.verdict, "fail");
        assert.match(outcome.messages[0], /has no reason, so it is not applied/);
    });

    it("exempts one resource of a stack rule and still fails the others", async () => {
        const config = { exemptions: [{ resource: "vpc-a", reason: REASON }] };
        const outcome = await evaluate(aws.vpcFlowLogs, twoVpcs(), config);
        assert.strictEqual(outcome.verdict, "fail");
        assert.deepStrictEqual(outcome.urns, [urnOf(twoVpcs()[1])]);
        assert.match(outcome.notApplicable![0], /^exempted .*vpc-a: legacy images/);
        const onlyExempted = await evaluate(aws.vpcFlowLogs, twoVpcs().slice(0, 1), config);
        assert.strictEqual(onlyExempted.verdict, "not applicable");
    });

    it("is refused by the config validation without a reason, naming the policy, the entry and the field", () => {
        const policies = allPolicies as (Policy & { configSchema?: PolicyConfigSchema })[];
        const descriptions: PolicyDescription[] = policies.map((p) => ({
            name: p.name,
            enforcementLevel: "mandatory",
            schema: {
                properties: (p.configSchema?.properties ?? {}) as Record<string, JsonSchema>,
                required: p.configSchema?.required ?? [],
            },
        }));
        const problems = (text: string) => {
            try {
                reconcilePolicyConfig(descriptions, parsePolicyConfig(text, "test.json"), "test.json");
            } catch (err) {
                assert.ok(err instanceof PolicyConfigError);
                return err.problems.join("\n");
            }
            return "";
        };
        const config = (exemption: object) => JSON.stringify({ "aws-ecr-immutable-tags": { exemptions: [exemption] } });
        assert.match(
            problems(config({ resource: "repo" })),
            /aws-ecr-immutable-tags\.exemptions\[0\]\.reason: required \(Why the resource is exempt/,
        );
        assert.match(problems(config({ resource: "repo", reason: "" })), /exemptions\[0\]\.reason: got ""/);
        assert.match(
            problems(config({ resource: "repo", reason: REASON, expires: "31/01/2027" })),
            /expires: got "31\/01\/2027"/,
        );
        assert.match(
            problems(config({ resource: "repo", reason: REASON, until: "2027-01-31" })),
            /\.until: not allowed/,
        );
        assert.strictEqual(problems(config({ resource: "repo", reason: REASON, expires: "2027-01-31" })), "");
    });

    it("reaches the check's report through the pack process: exempted and expired exemptions are listed", async function () {
        this.timeout(300000);
        const prod = JSON.parse(fs.readFileSync(defaultPolicyConfigFile("prod"), "utf8")) as Record<string, object>;
        prod["aws-ecr-scan-on-push"] = {
            exemptions: [{ resource: "platform-prod-workloads-registry-api", reason: REASON }],
        };
        prod["aws-rds-iam-authentication"] = {
            exemptions: [{ resource: "platform-prod-db-instance", reason: REASON, expires: "2020-01-31" }],
        };
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "exemptions-")), "prod.json");
        fs.writeFileSync(file, JSON.stringify(prod));
        const result = await runCheck({ stack: "prod", policyConfig: file, phases: ["update"] });
        const statuses = result.policy!.exemptions.map((e) => `${e.status} ${e.policy} ${e.urn.split("::").pop()}`);
        assert.deepStrictEqual(statuses.sort(), [
            "exempted aws-ecr-scan-on-push platform-prod-workloads-registry-api",
            "expired aws-rds-iam-authentication platform-prod-db-instance",
        ]);
        const report = renderViolations(result.policy!);
        assert.match(report, /~ \[exempted\] aws-ecr-scan-on-push/);
        assert.match(report, /~ \[exemption expired, not applied\] aws-rds-iam-authentication/);
    });

    it("lists exemptions in the pull-request report's text and Markdown, next to the findings", () => {
        const report = {
            checks: [
                {
                    stack: "prod",
                    cloud: "aws",
                    resources: 1,
                    violations: [],
                    exemptions: [
                        {
                            policy: "aws-ecr-scan-on-push",
                            urn: "urn:pulumi:prod::platform::aws:ecr/repository:Repository::api",
                            status: "exempted" as const,
                            message: `exempted urn:pulumi:prod::platform::aws:ecr/repository:Repository::api: ${REASON}`,
                        },
                    ],
                    seconds: 1,
                },
            ],
            previews: [],
            seconds: 1,
        };
        assert.match(
            renderText(report),
            /Policy exemptions[^\n]*:\n {2}exempted {2}prod\/aws aws-ecr-scan-on-push: exempted urn/,
        );
        assert.match(
            renderMarkdown(report),
            /prod on aws: 1 policy exemption<\/summary>[\s\S]*\| exempted \| `aws-ecr-scan-on-push` \|/,
        );
    });
});
