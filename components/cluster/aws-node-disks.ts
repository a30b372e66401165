import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as kms from "@pulumi/aws/kms";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";

/**
 * Node root volumes under a customer-managed KMS key, on both kinds of EKS node: the managed node group
 * (through a launch template of its own: EKS's generated template cannot be changed, and "existing node groups
 * that don't use a custom launch template can't be updated directly. Instead, you must create a new node
 * group", awsdocs/amazon-eks-user-guide@latest/ug/nodes/launch-templates.adoc) and Karpenter's nodes (the
 * EC2NodeClass `blockDeviceMappings[].ebs.kmsKeyID`, aws/karpenter-provider-aws@v1.14.1
 * website/content/en/docs/concepts/nodeclasses.md).
 *
 * Who must be able to use the key, and how:
 * - EC2 Auto Scaling launches the managed group's instances with its service-linked role
 *   `AWSServiceRoleForAutoScaling`, whose fixed permissions "do not include access to your customer managed
 *   keys": the key policy must allow it Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey, and
 *   CreateGrant with `kms:GrantIsForAWSResource` ("Required AWS KMS key policy for use with encrypted
 *   volumes", https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
 *   The role is named through `aws:PrincipalArn` rather than as the statement's principal: KMS rejects a key
 *   policy whose principal does not exist yet, and an account that never ran an Auto Scaling group has no such
 *   role until EKS creates the node group, after this key.
 * - Karpenter's controller launches its nodes itself (CreateFleet); "the IAM principal launching the node" needs
 *   the key (karpenter-provider-aws@v1.14.1 docs/troubleshooting.md, "Node terminates before ready on failed
 *   encrypted EBS volume"). The key policy lets the account's IAM policies grant it (the first statement), and
 *   the controller's own policy grants this key through EC2 only (./karpenter.ts, nodeDiskKeyStatement).
 *
 * The account's EBS encryption-by-default setting (`aws.ebs.EncryptionByDefault`, `DefaultKmsKey`) is
 * account- and region-wide: a stack does not own it, so it is not set here; the volumes name their key instead.
 */

/** The root volume every node boots from (AL2023 on /dev/xvda; 20 GiB gp3 is Karpenter's and EKS's default). */
export const NODE_ROOT_VOLUME = { deviceName: "/dev/xvda", sizeGiB: 20, type: "gp3" } as const;

/** The service-linked role EC2 Auto Scaling launches instances with (the default one every account gets). */
export function autoScalingServiceLinkedRoleArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/** The node-disk key's policy: the account administers it through IAM; Auto Scaling's role may use it for EBS. */
export function nodeDiskKeyPolicy(accountId: string, partition = "aws"): string {
    const autoScaling = { ArnEquals: { "aws:PrincipalArn": autoScalingServiceLinkedRoleArn(partition, accountId) } };
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "AutoScalingUsesTheKeyForNodeVolumes",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": accountId }, ...autoScaling },
            },
            {
                Sid: "AutoScalingGrantsTheKeyToEc2",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: {
                    StringEquals: { "kms:CallerAccount": accountId },
                    Bool: { "kms:GrantIsForAWSResource": "true" },
                    ...autoScaling,
                },
            },
        ],
    });
}

/** The key that encrypts every node's root volume, with {@link nodeDiskKeyPolicy}. */
export function nodeDiskKey(name: string, opts: pulumi.CustomResourceOptions): kms.Key {
    const account = getCallerIdentityOutput({}, opts).accountId;
    const key = new kms.Key(
        `${name}-node-disks-kms`,
        {
            description: `Encrypts the root volumes of ${name}'s nodes`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: account.apply((id) => nodeDiskKeyPolicy(id)),
        },
        opts,
    );
    new kms.Alias(`${name}-node-disks-kms-alias`, { name: `alias/${name}-node-disks`, targetKeyId: key.keyId }, opts);
    return key;
}

/**
 * The managed node group's launch template: only the root volume (encrypted under `key`) and the instance
 * metadata options. With a launch template of its own, EKS no longer sets the metadata hop limit (it does so only
 * in the template it generates; launch-templates.adoc asks for 2 when containers use IMDSv2), so the template
 * keeps EKS's default of 2 and requires IMDSv2 tokens. No AMI, instance type or security group: EKS keeps
 * choosing the AL2023 image, the group's instance types and the cluster security group.
 */
export function nodeLaunchTemplate(name: string, key: kms.Key, opts: pulumi.CustomResourceOptions): ec2.LaunchTemplate {
    return new ec2.LaunchTemplate(
        `${name}-nodes-template`,
        {
            description: `Managed nodes of ${name}: root volume under the node-disk key`,
            blockDeviceMappings: [
                {
                    deviceName: NODE_ROOT_VOLUME.deviceName,
                    ebs: {
                        volumeSize: NODE_ROOT_VOLUME.sizeGiB,
                        volumeType: NODE_ROOT_VOLUME.type,
                        encrypted: "true",
                        kmsKeyId: key.arn,
                        deleteOnTermination: "true",
                    },
                },
            ],
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
            updateDefaultVersion: true,
        },
        opts,
    );
}
