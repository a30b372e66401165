/**
 * EKS node root volumes under a customer-managed KMS key, on the managed node group (its own launch template)
 * and on Karpenter's nodes (EC2NodeClass kmsKeyID), with a key that the launchers may use. Sources:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html (the key
 * policy Auto Scaling's service-linked role needs), aws/karpenter-provider-aws@v1.14.1
 * website/content/en/docs/concepts/nodeclasses.md (`kmsKeyID`) and docs/troubleshooting.md ("the IAM principal
 * launching the node" needs the key), awsdocs/amazon-eks-user-guide@latest/ug/nodes/launch-templates.adoc.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord, plain } from "../../check/runtime";
import { ACCOUNT_ID } from "../../check/invokes";
import { autoScalingServiceLinkedRoleArn } from "../../components/cluster/aws-node-disks";
import { STACKS, inputs, ofType, one, runStack } from "../harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stateOf = (r: ResourceRecord): any => plain(r.state ?? r.inputs);

interface Statement {
    Sid?: string;
    Principal?: { AWS?: string };
    Action: string | string[];
    Resource: string | string[];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Condition?: any;
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

for (const stack of STACKS) {
    describe(`AWS ${stack}: node root volumes under a customer-managed KMS key`, () => {
        let run: ProgramRun;
        let key: ResourceRecord;
        before(async () => {
            run = await runStack(stack, "aws");
            const template = one(run, "aws:ec2/launchTemplate:LaunchTemplate");
            const keyArn = inputs(template).blockDeviceMappings[0].ebs.kmsKeyId;
            const found = ofType(run, "aws:kms/key:Key").find((k) => stateOf(k).arn === keyArn);
            assert.ok(found, "the launch template's root volume names no KMS key of this stack");
            key = found;
        });

        it("boots the managed node group from an encrypted root volume under the stack's rotated key", () => {
            const template = one(run, "aws:ec2/launchTemplate:LaunchTemplate");
            const group = one(run, "aws:eks/nodeGroup:NodeGroup");
            assert.deepStrictEqual(inputs(group).launchTemplate, {
                id: stateOf(template).id ?? template.id,
                version: String(stateOf(template).latestVersion),
            });
            const [root] = inputs(template).blockDeviceMappings;
            assert.strictEqual(root.deviceName, "/dev/xvda", "AL2023's root device");
            assert.deepStrictEqual([root.ebs.encrypted, root.ebs.volumeType], ["true", "gp3"]);
            assert.strictEqual(inputs(key).enableKeyRotation, true);
            // Without the generated template's defaults: IMDSv2 only, hop limit 2 as EKS sets it.
            assert.deepStrictEqual(inputs(template).metadataOptions, {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 2,
            });
            assert.strictEqual(inputs(group).diskSize, undefined, "disk size belongs to the launch template");
        });

        it("encrypts Karpenter's nodes' root volumes with the same key", () => {
            const nodeClass = inputs(one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")).spec;
            const [root] = nodeClass.blockDeviceMappings;
            assert.strictEqual(root.ebs.encrypted, true);
            assert.strictEqual(root.ebs.kmsKeyID, stateOf(key).arn);
        });

        it("lets EC2 Auto Scaling's service-linked role use the key and grant it to EC2, and nobody else outside IAM", () => {
            const statements: Statement[] = JSON.parse(inputs(key).policy).Statement;
            const slr = autoScalingServiceLinkedRoleArn("aws", ACCOUNT_ID);
            const forSlr = statements.filter((s) => s.Condition?.ArnEquals?.["aws:PrincipalArn"] === slr);
            const use = forSlr.find((s) => actions(s).includes("kms:GenerateDataKey*"));
            assert.ok(use, "Auto Scaling cannot encrypt the volumes it launches: instances fail to start");
            assert.deepStrictEqual(actions(use).sort(), [
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
            ]);
            const grant = forSlr.find((s) => actions(s).includes("kms:CreateGrant"));
            assert.ok(grant, "Auto Scaling cannot hand the key to EC2 for the instance's volumes");
            assert.strictEqual(grant.Condition.Bool["kms:GrantIsForAWSResource"], "true");
            for (const s of statements) {
                if (s.Principal?.AWS === "*") {
                    assert.strictEqual(s.Condition.StringEquals["kms:CallerAccount"], ACCOUNT_ID);
                    assert.strictEqual(s.Condition.ArnEquals["aws:PrincipalArn"], slr, "an open statement");
                } else {
                    assert.strictEqual(s.Principal?.AWS, `arn:aws:iam::${ACCOUNT_ID}:root`);
                }
            }
        });

        it("lets the Karpenter controller, which launches its nodes itself, use the key through EC2 only", () => {
            const policy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) =>
                p.name.endsWith("-karpenter-controller"),
            )!;
            const statements: Statement[] = JSON.parse(inputs(policy).policy).Statement;
            const onKey = statements.find((s) => s.Resource === stateOf(key).arn);
            assert.ok(onKey, "Karpenter's nodes would terminate right after launch (troubleshooting.md)");
            assert.ok(actions(onKey).includes("kms:CreateGrant") && actions(onKey).includes("kms:GenerateDataKey*"));
            const region = stateOf(key).arn.split(":")[3];
            assert.deepStrictEqual(onKey.Condition, {
                StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` },
            });
        });
    });
}
