import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { iamRoleName } from "./names";

/** What EKS Pod Identity needs to assume a role for a pod. */
export const POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"];

/** An IAM trust policy that lets one AWS service (or EKS Pod Identity) assume a role. */
export function assumeRolePolicyFor(service: string, actions: string[] = ["sts:AssumeRole"]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
    });
}

/**
 * A trust policy that lets one AWS service assume a role only on behalf of this account's resources: the
 * `aws:SourceAccount` and `aws:SourceArn` conditions AWS recommends against the cross-service confused deputy
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html; for flow logs
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html). `sourceArn` may end in `*`.
 */
export function assumeRolePolicyForSource(service: string, source: { accountId: string; sourceArn: string }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": source.accountId },
                    ArnLike: { "aws:SourceArn": source.sourceArn },
                },
            },
        ],
    });
}

/**
 * A customer-managed KMS key with yearly automatic rotation and a 30-day deletion window, plus an alias
 * so people can find it. The key policy is AWS's default (the account administers the key through IAM).
 */
export function customerManagedKey(name: string, description: string, opts: pulumi.CustomResourceOptions): kms.Key {
    const key = new kms.Key(`${name}-kms`, { description, enableKeyRotation: true, deletionWindowInDays: 30 }, opts);
    new kms.Alias(`${name}-kms-alias`, { name: `alias/${name}`, targetKeyId: key.keyId }, opts);
    return key;
}

/**
 * A customer-managed KMS key for a component's CloudWatch log groups: yearly rotation, and a key policy that
 * keeps the account's IAM administration (AWS's default statement) and lets CloudWatch Logs in this region
 * use the key only for the named log groups of this account. The encryption-context condition is the one AWS
 * documents for log groups: "ArnLike kms:EncryptionContext:aws:logs:arn" on the log group's ARN
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html, "Step 2: Set
 * permissions on the KMS key"); the ARN carries the account id, so no other account's log group (the
 * confused deputy the aws:SourceAccount condition guards against elsewhere) can use the key.
 *
 * `logGroupNames` are names or prefixes ending in `*` (auto-named groups are matched by their prefix).
 */
export function logsKey(
    name: string,
    args: { region: string; logGroupNames: pulumi.Input<string>[] },
    opts: pulumi.CustomResourceOptions,
): kms.Key {
    const account = getCallerIdentityOutput({}, opts).accountId;
    // The commercial partition, as every ARN in this program (monitoring, Karpenter) assumes.
    const policy = pulumi
        .all([account, pulumi.all(args.logGroupNames)])
        .apply(([accountId, names]) => logsKeyPolicy(accountId, "aws", args.region, names));
    const key = new kms.Key(
        `${name}-logs-kms`,
        {
            description: `Encrypts the CloudWatch log groups of ${name}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy,
        },
        opts,
    );
    new kms.Alias(`${name}-logs-kms-alias`, { name: `alias/${name}-logs`, targetKeyId: key.keyId }, opts);
    return key;
}

/** The key policy of {@link logsKey}. */
export function logsKeyPolicy(accountId: string, partition: string, region: string, logGroupNames: string[]): string {
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
                Sid: "CloudWatchLogsForTheseLogGroups",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnLike: {
                        "kms:EncryptionContext:aws:logs:arn": logGroupNames.map(
                            (n) => `arn:${partition}:logs:${region}:${accountId}:log-group:${n}`,
                        ),
                    },
                },
            },
        ],
    });
}

/**
 * A security group for a data store that admits one TCP port from the cluster's node subnets only, and
 * allows no egress.
 */
export function dataStoreSecurityGroup(
    name: string,
    network: { networkId: pulumi.Input<string>; nodeCidrBlocks: pulumi.Input<string[]> },
    port: number,
    what: string,
    opts: pulumi.CustomResourceOptions,
): ec2.SecurityGroup {
    return new ec2.SecurityGroup(
        `${name}-sg`,
        {
            vpcId: network.networkId,
            description: `${what} ${name}: only the cluster's nodes may connect`,
            ingress: [
                {
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrBlocks: network.nodeCidrBlocks,
                    description: `${what} from the cluster's node subnets`,
                },
            ],
            egress: [],
        },
        opts,
    );
}

/** A Pod Identity role and what a pod must wait for before it can use it. */
export interface PodIdentityRole {
    readonly role: iam.Role;
    /**
     * The inline policy and the Pod Identity association. EKS injects the credentials when a pod is created,
     * and only when the association exists by then: a pod created earlier runs without them until it is
     * re-created. Put these in the `dependsOn` of the Deployment (or Helm release) whose pods use the role.
     */
    readonly ready: pulumi.Resource[];
}

/**
 * An IAM role that one Kubernetes service account assumes through EKS Pod Identity, with one inline
 * policy. Children: `${name}-role`, `${name}-${policyName}`, `${name}-pod-identity`.
 */
export function podIdentityRole(
    name: string,
    args: {
        description: string;
        clusterName: pulumi.Input<string>;
        namespace: pulumi.Input<string>;
        serviceAccount: pulumi.Input<string>;
        policyName: string;
        policy: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): PodIdentityRole {
    const role = new iam.Role(
        `${name}-role`,
        {
            ...iamRoleName(`${name}-role`),
            description: args.description,
            assumeRolePolicy: assumeRolePolicyFor("pods.eks.amazonaws.com", POD_IDENTITY_ACTIONS),
        },
        opts,
    );
    const policy = new iam.RolePolicy(`${name}-${args.policyName}`, { role: role.id, policy: args.policy }, opts);
    const association = new eks.PodIdentityAssociation(
        `${name}-pod-identity`,
        {
            clusterName: args.clusterName,
            namespace: args.namespace,
            serviceAccount: args.serviceAccount,
            roleArn: role.arn,
        },
        opts,
    );
    return { role, ready: [policy, association] };
}
