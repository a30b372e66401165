/**
 * Customer-managed KMS keys for what AWS would otherwise encrypt with its own keys: every CloudWatch log group
 * and every ECR repository, plus Database Insights under the database's key. Key policy shape from
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html; ECR encryption from
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord, plain } from "../../check/runtime";
import { ACCOUNT_ID } from "../../check/invokes";
import { parseConfig } from "../../components/shared/config";
import { loadStackConfig } from "../../check/stack";
import { STACKS, inputs, ofType, runStack } from "../harness";

const T = {
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    key: "aws:kms/key:Key",
    repository: "aws:ecr/repository:Repository",
    instance: "aws:rds/instance:Instance",
} as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stateOf = (r: ResourceRecord): any => plain(r.state ?? r.inputs);

/** Whether an IAM ArnLike pattern (`*` wildcards) matches an ARN. */
function arnLike(pattern: string, arn: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .split("*")
            .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
            .join(".*")}$`,
    );
    return regex.test(arn);
}

/** The KMS key whose ARN is `arn`. */
function keyWithArn(run: ProgramRun, arn: string): ResourceRecord {
    const key = ofType(run, T.key).find((k) => stateOf(k).arn === arn);
    assert.ok(key, `no KMS key with ARN ${arn}`);
    return key;
}

for (const stack of STACKS) {
    describe(`AWS ${stack}: customer-managed keys for logs and images`, () => {
        const { project, config } = loadStackConfig(stack, ["platform:cloud=aws"]);
        const region = parseConfig(config, project, stack).awsRegion;
        let run: ProgramRun;
        before(async () => {
            run = await runStack(stack, "aws");
        });

        it("encrypts every CloudWatch log group with a rotated key that CloudWatch Logs may use for that group only", () => {
            const groups = ofType(run, T.logGroup);
            assert.ok(groups.length >= 7, "network, database (2), cache, cluster control plane and Container Insights");
            for (const group of groups) {
                const { arn, kmsKeyId } = stateOf(group);
                assert.ok(kmsKeyId, `${group.name} has no KMS key`);
                const key = keyWithArn(run, kmsKeyId);
                assert.strictEqual(inputs(key).enableKeyRotation, true);
                const statements = JSON.parse(inputs(key).policy).Statement;
                const logs = statements.find(
                    (s: { Principal?: { Service?: string } }) =>
                        s.Principal?.Service === `logs.${region}.amazonaws.com`,
                );
                assert.ok(logs, `${key.name} does not let CloudWatch Logs in ${region} use it`);
                const allowed: string[] = logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
                assert.ok(
                    allowed.some((p) => arnLike(p, arn)),
                    `${key.name} does not admit ${arn}`,
                );
                // Only this account's log groups in this region: no other account can use the key through Logs.
                assert.ok(allowed.every((p) => p.startsWith(`arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:`)));
                assert.ok(
                    statements.some(
                        (s: { Principal?: { AWS?: string }; Action?: string }) =>
                            s.Principal?.AWS === `arn:aws:iam::${ACCOUNT_ID}:root` && s.Action === "kms:*",
                    ),
                    "the account keeps administering the key through IAM",
                );
            }
        });

        it("keeps each component's log key to its own log groups", () => {
            for (const group of ofType(run, T.logGroup)) {
                const key = keyWithArn(run, stateOf(group).kmsKeyId);
                const allowed: string[] = JSON.parse(inputs(key).policy).Statement[1].Condition.ArnLike[
                    "kms:EncryptionContext:aws:logs:arn"
                ];
                assert.ok(
                    allowed.every((p) => !p.endsWith("log-group:*")),
                    `${key.name} admits every log group`,
                );
            }
        });

        it("encrypts every ECR repository with the registry's own KMS key, replacing rather than renaming", () => {
            const repositories = ofType(run, T.repository);
            assert.ok(repositories.length > 0);
            for (const repository of repositories) {
                const [encryption] = inputs(repository).encryptionConfigurations;
                assert.strictEqual(encryption.encryptionType, "KMS");
                assert.strictEqual(inputs(keyWithArn(run, encryption.kmsKey)).enableKeyRotation, true);
                // ECR fixes encryption at creation; the fixed repository name must be freed first.
                assert.strictEqual(repository.deleteBeforeReplace, true);
            }
        });

        // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html ("Prevent the confused deputy").
        it("lets the VPC flow logs service assume the flow log role only for this account's flow logs in this region", () => {
            const role = ofType(run, "aws:iam/role:Role").find((r) => r.name.endsWith("-flow-logs-role"));
            assert.ok(role);
            const [statement] = JSON.parse(inputs(role).assumeRolePolicy).Statement;
            assert.strictEqual(statement.Principal.Service, "vpc-flow-logs.amazonaws.com");
            assert.deepStrictEqual(statement.Condition, {
                StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                ArnLike: { "aws:SourceArn": `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc-flow-log/*` },
            });
        });

        it("keeps Database Insights under the database's own key", () => {
            const instance = inputs(ofType(run, T.instance)[0]);
            assert.strictEqual(instance.performanceInsightsEnabled, true);
            assert.ok(instance.kmsKeyId);
            assert.strictEqual(instance.performanceInsightsKmsKeyId, instance.kmsKeyId);
        });
    });
}
