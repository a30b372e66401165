import * as pulumi from "@pulumi/pulumi";
import * as ecr from "@pulumi/aws/ecr";
import { podIdentityRole } from "../shared/aws";
import { awsPlacement } from "../shared/context";
import {
    AlertRouteArgs,
    AlertRouteOutputs,
    EgressDestination,
    RegistryArgs,
    RegistryOutputs,
    WorkloadIdentityArgs,
    WorkloadIdentityOutputs,
    WorkloadsCloudImplementation,
} from ".";

/** The EKS Pod Identity agent's link-local credentials endpoint on every node. */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/**
 * ECR: one repository per service, named `<stack prefix>/<service>`, with immutable tags, scan on push,
 * KMS encryption and a lifecycle policy. Nodes pull through the node role's
 * `AmazonEC2ContainerRegistryPullOnly` policy (attached by the Cluster component).
 */
export function createAwsRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    const urls = args.repositories.map((repository) => {
        const repo = new ecr.Repository(
            `${name}-${repository}`,
            {
                name: `${args.context.namePrefix}/${repository}`,
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "KMS" }],
                forceDelete: !args.context.protect,
            },
            opts,
        );
        new ecr.LifecyclePolicy(
            `${name}-${repository}-lifecycle`,
            {
                repository: repo.name,
                policy: JSON.stringify({
                    rules: [
                        {
                            rulePriority: 1,
                            description: "Expire untagged images after 14 days",
                            selection: {
                                tagStatus: "untagged",
                                countType: "sinceImagePushed",
                                countUnit: "days",
                                countNumber: 14,
                            },
                            action: { type: "expire" },
                        },
                        {
                            rulePriority: 2,
                            description: "Keep the 100 most recent images",
                            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
                            action: { type: "expire" },
                        },
                    ],
                }),
            },
            opts,
        );
        return repo.repositoryUrl.apply((url) => [repository, url] as const);
    });
    const repositoryUrls = pulumi.all(urls).apply((entries) => Object.fromEntries(entries));
    return {
        server: repositoryUrls.apply((all) => {
            const first = Object.values(all)[0];
            return first ? first.split("/")[0] : `ecr.${region}.amazonaws.com`;
        }),
        repositoryUrls,
    };
}

/**
 * An IAM role for the service's ServiceAccount through EKS Pod Identity, allowed to list the platform's
 * bucket and read, write and delete its objects (and use its KMS key only through S3 for that bucket):
 * nothing else. No keys are issued; the Pod Identity agent hands out short-lived credentials.
 */
export function createAwsIdentity(
    name: string,
    args: WorkloadIdentityArgs,
    parent: pulumi.Resource,
): WorkloadIdentityOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    const { role, ready } = podIdentityRole(
        name,
        {
            description: `Pod Identity role of ${args.serviceAccountName}: the platform's bucket only`,
            clusterName: args.cluster.clusterName,
            namespace: args.namespace,
            serviceAccount: args.serviceAccountName,
            policyName: "storage",
            policy: args.storage.resourceId.apply((bucketArn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
                        {
                            Sid: "ReadWriteObjects",
                            Effect: "Allow",
                            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                            Resource: `${bucketArn}/*`,
                        },
                        {
                            Sid: "BucketKeyThroughS3Only",
                            Effect: "Allow",
                            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                            Resource: "*",
                            Condition: {
                                StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
                                StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
                            },
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    return {
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
        podLabels: pulumi.output<Record<string, string>>({}),
        principalId: role.arn,
        // EKS Pod Identity injects credentials at pod creation only (aws/amazon-eks-pod-identity-webhook#210).
        ready,
    };
}

/**
 * Alertmanager publishes to the Monitoring component's SNS topic (SigV4, credentials from EKS Pod
 * Identity), so in-cluster alerts reach the same alert e-mail as the CloudWatch alarms.
 */
export function createAwsAlertRoute(name: string, args: AlertRouteArgs, parent: pulumi.Resource): AlertRouteOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    podIdentityRole(
        name,
        {
            description: "Pod Identity role of Alertmanager: publish to the platform's alert topic",
            clusterName: args.cluster.clusterName,
            namespace: args.namespace,
            serviceAccount: args.serviceAccountName,
            policyName: "publish",
            policy: pulumi.output(args.alertDestinationId).apply((topicArn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "Publish", Effect: "Allow", Action: ["sns:Publish"], Resource: topicArn },
                        {
                            Sid: "TopicKeyThroughSnsOnly",
                            Effect: "Allow",
                            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                            Resource: "*",
                            Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    return {
        receiver: pulumi.output(args.alertDestinationId).apply(
            (topicArn): Record<string, unknown> => ({
                name: "platform",
                sns_configs: [
                    {
                        topic_arn: topicArn,
                        sigv4: { region },
                        subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service }}",
                        send_resolved: true,
                    },
                ],
            }),
        ),
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
    };
}

export const awsWorkloads: WorkloadsCloudImplementation = {
    createRegistry: createAwsRegistry,
    createIdentity: createAwsIdentity,
    createAlertRoute: createAwsAlertRoute,
    loadBalancerAnnotations: () => ({
        // An internet-facing Network Load Balancer in the public subnets, one target per node.
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
    }),
    cloudApiEgress: (networkCidr: string): EgressDestination[] => [
        { cidr: POD_IDENTITY_AGENT, ports: [80], reason: "EKS Pod Identity agent (credentials)" },
        {
            cidr: "0.0.0.0/0",
            except: [networkCidr],
            ports: [443],
            reason: "S3 and STS over HTTPS (S3 through the VPC gateway endpoint)",
        },
    ],
};
