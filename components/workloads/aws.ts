import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecr from "@pulumi/aws/ecr";
import * as sns from "@pulumi/aws/sns";
import { customerManagedKey, podIdentityRole } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import {
    AlertRouteArgs,
    AlertRouteOutputs,
    EgressDestination,
    PrometheusRouteSettings,
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
 * encryption under the registry's own customer-managed KMS key and a lifecycle policy. ECR fixes a
 * repository's encryption when it is created ("You can't change the encryption settings of a repository
 * after it's created", https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html), so
 * moving an existing repository to the key replaces it: its images are deleted with it in unprotected stacks
 * (CI pushes them again), and the replacement stops in protected stacks, where `forceDelete` is off and a
 * repository with images cannot be deleted; move those images first. Nodes pull through the node role's
 * `AmazonEC2ContainerRegistryPullOnly` policy (attached by the Cluster component).
 */
export function createAwsRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    // ECR creates a grant on the key with the deployer's IAM permissions; the default key policy allows that.
    const key = customerManagedKey(name, `Encrypts the images in the ${name} repositories`, {
        ...opts,
        ...statefulOptions(args.context),
    });
    const urls = args.repositories.map((repository) => {
        const repo = new ecr.Repository(
            `${name}-${repository}`,
            {
                name: `${args.context.namePrefix}/${repository}`,
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
                forceDelete: !args.context.protect,
            },
            // A fixed name: the old repository must go before its replacement can take the name.
            { ...opts, deleteBeforeReplace: true },
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
 *
 * The always-firing Watchdog alert goes to a heartbeat topic of its own, with no subscribers, every
 * `watchdogIntervalMinutes`: SNS counts every publish in CloudWatch (`AWS/SNS` `NumberOfMessagesPublished`
 * per `TopicName`, https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html), and an
 * alarm that treats missing data as breaching (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data)
 * e-mails the alert address when three intervals pass without a heartbeat: Prometheus, Alertmanager, the
 * cluster or the route itself is down. That is the dead man's switch the Watchdog alert exists for.
 */
export function createAwsAlertRoute(name: string, args: AlertRouteArgs, parent: pulumi.Resource): AlertRouteOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    const heartbeat = createHeartbeat(name, args, opts);
    const { ready } = podIdentityRole(
        name,
        {
            description: "Pod Identity role of Alertmanager: publish to the platform's alert and heartbeat topics",
            clusterName: args.cluster.clusterName,
            namespace: args.namespace,
            serviceAccount: args.serviceAccountName,
            policyName: "publish",
            policy: pulumi.all([args.alertDestinationId, heartbeat.arn]).apply(([topicArn, heartbeatArn]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "Publish",
                            Effect: "Allow",
                            Action: ["sns:Publish"],
                            Resource: [topicArn, heartbeatArn],
                        },
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
    const snsReceiver =
        (receiverName: string, subject: string, sendResolved: boolean) =>
        (topicArn: string): Record<string, unknown> => ({
            name: receiverName,
            sns_configs: [{ topic_arn: topicArn, sigv4: { region }, subject, send_resolved: sendResolved }],
        });
    return {
        receiver: pulumi
            .output(args.alertDestinationId)
            .apply(
                snsReceiver(
                    "platform",
                    "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service }}",
                    true,
                ),
            ),
        watchdogReceiver: heartbeat.arn.apply(snsReceiver("watchdog", "Watchdog heartbeat", false)),
        ready,
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
        // Prometheus needs nothing: on AWS the rules are evaluated in the cluster only.
        prometheus: pulumi
            .output(args.namespace)
            .apply((): PrometheusRouteSettings => ({ remoteWrite: [], serviceAccountAnnotations: {}, podLabels: {} })),
    };
}

/**
 * The heartbeat topic (encrypted with the AWS-managed SNS key; nobody subscribes) and the alarm on its
 * publish count: one datapoint per heartbeat interval, alarming after three missed in a row.
 */
function createHeartbeat(name: string, args: AlertRouteArgs, opts: pulumi.CustomResourceOptions): sns.Topic {
    const topic = new sns.Topic(`${name}-heartbeat`, { kmsMasterKeyId: "alias/aws/sns" }, opts);
    new cloudwatch.MetricAlarm(
        `${name}-heartbeat-missing`,
        {
            alarmDescription:
                "No Watchdog heartbeat from the cluster's Alertmanager: in-cluster alerting is down " +
                "(Prometheus, Alertmanager, the nodes or the SNS route).",
            namespace: "AWS/SNS",
            metricName: "NumberOfMessagesPublished",
            dimensions: { TopicName: topic.name },
            statistic: "Sum",
            period: args.watchdogIntervalMinutes * 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            // No publish at all produces no datapoint: silence must count as a missed heartbeat.
            treatMissingData: "breaching",
            alarmActions: [args.alertDestinationId],
            okActions: [args.alertDestinationId],
        },
        opts,
    );
    return topic;
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
