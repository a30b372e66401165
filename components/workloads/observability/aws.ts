import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import { podIdentityRole } from "../../shared/aws";
import { awsPlacement } from "../../shared/context";
import { AlertRouteArgs, AlertRouteOutputs, PrometheusRouteSettings } from ".";

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
            policy: pulumi
                .all([args.alertDestinationId, heartbeat.arn])
                .apply(([topicArn, heartbeatArn]) => publishPolicy([topicArn, heartbeatArn], region)),
        },
        opts,
    );
    const subject = "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service }}";
    return {
        receiver: pulumi.output(args.alertDestinationId).apply(snsReceiver("platform", subject, true, region)),
        watchdogReceiver: heartbeat.arn.apply(snsReceiver("watchdog", "Watchdog heartbeat", false, region)),
        ready,
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
        // Prometheus needs nothing: on AWS the rules are evaluated in the cluster only.
        prometheus: pulumi
            .output(args.namespace)
            .apply((): PrometheusRouteSettings => ({ remoteWrite: [], serviceAccountAnnotations: {}, podLabels: {} })),
    };
}

/** Alertmanager's role policy: publish to the topics, their KMS key used only through SNS. */
function publishPolicy(topicArns: string[], region: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Publish",
                Effect: "Allow",
                Action: ["sns:Publish"],
                Resource: topicArns,
            },
            {
                Sid: "TopicKeyThroughSnsOnly",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
            },
        ],
    });
}

/** An Alertmanager receiver publishing to an SNS topic with SigV4. */
function snsReceiver(receiverName: string, subject: string, sendResolved: boolean, region: string) {
    return (topicArn: string): Record<string, unknown> => ({
        name: receiverName,
        sns_configs: [{ topic_arn: topicArn, sigv4: { region }, subject, send_resolved: sendResolved }],
    });
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
