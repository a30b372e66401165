/**
 * Keys and queues that AWS services use on this stack's behalf admit those services for this stack's resources
 * only. Sources: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (CloudWatch needs Decrypt and
 * GenerateDataKey* on an encrypted topic's key), https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * (aws:SourceArn / aws:SourceAccount), https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
 * (an SQS target's queue policy with aws:SourceArn = the rule), https://docs.aws.amazon.com/AWSSimpleQueueService/
 * latest/SQSDeveloperGuide/sqs-key-management.html (services sending to an encrypted queue need GenerateDataKey and
 * Decrypt; data keys are bound to the encryption context aws:sqs:arn).
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord, plain } from "../../check/runtime";
import { ACCOUNT_ID } from "../../check/invokes";
import { STACKS, inputs, ofType, one, runStack } from "../harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stateOf = (r: ResourceRecord): any => plain(r.state ?? r.inputs);
/** Whether an IAM ArnLike pattern (`*` wildcards) matches an ARN. */
const arnLike = (pattern: string, arn: string) =>
    new RegExp(
        `^${pattern
            .split("*")
            .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
            .join(".*")}$`,
    ).test(arn);

interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: { Service?: string | string[]; AWS?: string } | string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Condition?: any;
    Action: string | string[];
}
const servicesOf = (s: Statement) =>
    typeof s.Principal === "object" && s.Principal.Service !== undefined ? [s.Principal.Service].flat() : [];

function keyWithArn(run: ProgramRun, arn: string): ResourceRecord {
    const key = ofType(run, "aws:kms/key:Key").find((k) => stateOf(k).arn === arn || k.id === arn);
    assert.ok(key, `no KMS key ${arn}`);
    return key;
}

for (const stack of STACKS) {
    describe(`AWS ${stack}: service principals reach keys and queues only for this stack's resources`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await runStack(stack, "aws");
        });

        it("lets CloudWatch use the alert topic's key only for this account's alarms of this stack", () => {
            const topic = ofType(run, "aws:sns/topic:Topic").find((t) => t.name.endsWith("-monitoring-alerts"))!;
            const key = ofType(run, "aws:kms/key:Key").find(
                (k) => k.name.endsWith("-alerts-kms") && inputs(topic).kmsMasterKeyId === k.id,
            );
            assert.ok(key, "the alert topic is not under its own key");
            const statements: Statement[] = JSON.parse(inputs(key).policy).Statement;
            const cloudwatch = statements.find((s) => servicesOf(s).includes("cloudwatch.amazonaws.com"));
            assert.ok(cloudwatch, "CloudWatch cannot publish alarms to the encrypted topic");
            assert.deepStrictEqual(cloudwatch.Condition.StringEquals, { "aws:SourceAccount": ACCOUNT_ID });
            const pattern: string = cloudwatch.Condition.ArnLike["aws:SourceArn"];
            const region = stateOf(topic).arn.split(":")[3];
            const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) =>
                inputs(a).alarmActions?.includes(stateOf(topic).arn),
            );
            assert.ok(alarms.length > 0);
            for (const alarm of alarms) {
                const arn = `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${stateOf(alarm).name}`;
                assert.ok(arnLike(pattern, arn), `${pattern} does not admit the alarm ${arn}`);
            }
            assert.ok(!arnLike(pattern, `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:someone-else`));
        });

        it("admits only this account's Karpenter rules to the interruption queue", () => {
            const queue = one(run, "aws:sqs/queue:Queue");
            const policy: Statement[] = JSON.parse(
                inputs(one(run, "aws:sqs/queuePolicy:QueuePolicy")).policy,
            ).Statement;
            const allows = policy.filter((s) => s.Effect === "Allow");
            assert.deepStrictEqual(allows.map(servicesOf), [["events.amazonaws.com"]]);
            const [send] = allows;
            assert.deepStrictEqual(send.Condition.StringEquals, { "aws:SourceAccount": ACCOUNT_ID });
            const rules = ofType(run, "aws:cloudwatch/eventRule:EventRule").map((r) => stateOf(r).arn);
            assert.deepStrictEqual([...send.Condition.ArnEquals["aws:SourceArn"]].sort(), [...rules].sort());
            assert.ok(rules.length === 5);
            assert.ok(stateOf(queue).arn);
        });

        it("encrypts the interruption queue with a key EventBridge may use for that queue only, and the controller decrypts through SQS", () => {
            const queue = one(run, "aws:sqs/queue:Queue");
            const key = keyWithArn(run, inputs(queue).kmsMasterKeyId);
            assert.strictEqual(inputs(key).enableKeyRotation, true);
            const statements: Statement[] = JSON.parse(inputs(key).policy).Statement;
            const events = statements.find((s) => servicesOf(s).includes("events.amazonaws.com"));
            assert.ok(events, "EventBridge cannot deliver to the encrypted queue: interruption events are dropped");
            assert.deepStrictEqual([events.Action].flat().sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
            const pattern: string = events.Condition.ArnLike["kms:EncryptionContext:aws:sqs:arn"];
            assert.ok(arnLike(pattern, stateOf(queue).arn), `${pattern} does not admit ${stateOf(queue).arn}`);
            assert.ok(!arnLike(pattern, stateOf(queue).arn.replace(/:[^:]+$/, ":another-queue")));
            const controller = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) =>
                p.name.endsWith("-karpenter-controller"),
            )!;
            const read = JSON.parse(inputs(controller).policy).Statement.find(
                (s: { Resource: string }) => s.Resource === stateOf(key).arn,
            );
            assert.ok(read, "the controller cannot read the encrypted messages");
            const region = stateOf(queue).arn.split(":")[3];
            assert.deepStrictEqual(read.Condition, {
                StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` },
            });
        });

        it("names the services it trusts with source conditions wherever a key policy admits a service", () => {
            for (const key of ofType(run, "aws:kms/key:Key")) {
                if (!inputs(key).policy) continue;
                for (const s of JSON.parse(inputs(key).policy).Statement as Statement[]) {
                    if (servicesOf(s).length === 0) continue;
                    assert.ok(s.Condition, `${key.name} admits ${servicesOf(s)} without a condition`);
                }
            }
        });
    });
}
