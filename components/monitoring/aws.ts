import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as kms from "@pulumi/aws/kms";
import * as sns from "@pulumi/aws/sns";
import { awsPlacement } from "../shared/context";
import { MonitoringArgs, MonitoringOutputs, alarmThresholds } from ".";

/** A CloudWatch metric alarm, also drawn on the dashboard. */
interface AlarmSpec {
    readonly id: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
    readonly statistic: "Average" | "Sum" | "Maximum" | "Minimum";
    readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
    readonly threshold: number;
}

/**
 * An SNS topic (encrypted with a customer-managed key that CloudWatch may use) with the alert e-mail
 * subscribed, CloudWatch alarms on database CPU / free storage / connections, cache CPU / memory /
 * evictions and failed cluster nodes, and a CloudWatch dashboard of the same metrics.
 */
export function createAwsMonitoring(name: string, args: MonitoringArgs, parent: pulumi.Resource): MonitoringOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };

    // Every alarm of the stack is named from its prefix (the workloads' heartbeat alarm publishes here too).
    const topic = alertTopic(name, args.alertEmail, { region, alarmPrefix: args.context.namePrefix }, opts);
    const alarms = [...databaseAlarms(args), ...cacheAlarms(args), ...clusterAlarms(args)];
    metricAlarms(name, alarms, topic, opts);
    const dashboardName = metricsDashboard(name, alarms, region, opts);

    return {
        alertDestinationId: topic.arn,
        dashboardUrl: pulumi.output(
            `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboardName}`,
        ),
    };
}

/** The alert topic, encrypted with a key CloudWatch may use to publish, with the alert e-mail subscribed. */
function alertTopic(
    name: string,
    alertEmail: string,
    alarms: { region: string; alarmPrefix: string },
    opts: pulumi.CustomResourceOptions,
): sns.Topic {
    const key = alertTopicKey(name, alarms, opts);
    const topic = new sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.id }, opts);
    new sns.TopicSubscription(
        `${name}-alerts-email`,
        { topic: topic.arn, protocol: "email", endpoint: alertEmail },
        opts,
    );
    return topic;
}

/** The topic's customer-managed key: administered by the account, usable by CloudWatch to publish alarms. */
function alertTopicKey(
    name: string,
    alarms: { region: string; alarmPrefix: string },
    opts: pulumi.CustomResourceOptions,
): kms.Key {
    const accountId = getCallerIdentityOutput({}, opts).accountId;
    return new kms.Key(
        `${name}-alerts-kms`,
        {
            description: `Encrypts the ${name} alert topic`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: accountId.apply((account) => alertTopicKeyPolicy(alarms.alarmPrefix, account, alarms.region)),
        },
        opts,
    );
}

/**
 * The alert key's policy. CloudWatch needs Decrypt and GenerateDataKey* to publish to an encrypted topic
 * ("Enable compatibility between event sources from AWS services and encrypted topics",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), and only for this stack's alarms: the
 * `aws:SourceAccount` and `aws:SourceArn` conditions AWS recommends against the cross-service confused deputy
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html), which CloudWatch alarm deliveries
 * carry (unlike EventBridge deliveries to SNS; aws.github.io/modern-data-architecture-accelerator,
 * grantCloudWatchAlarmsTopicAccess). Every alarm that notifies the topic (these and the workloads' heartbeat
 * alarm) is auto-named from the stack's name prefix, hence `alarmPrefix-*`.
 */
export function alertTopicKeyPolicy(alarmPrefix: string, account: string, region: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchPublishesAlarms",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceAccount": account },
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmPrefix}-*` },
                },
            },
        ],
    });
}

/** Alarms on the database's CPU, free storage and connections. */
function databaseAlarms(args: MonitoringArgs): AlarmSpec[] {
    const db = { DBInstanceIdentifier: args.database.resourceName };
    return [
        {
            id: "db-cpu",
            description: `Database CPU above ${alarmThresholds.databaseCpuPercent}%`,
            namespace: "AWS/RDS",
            metricName: "CPUUtilization",
            dimensions: db,
            statistic: "Average",
            comparison: "GreaterThanThreshold",
            threshold: alarmThresholds.databaseCpuPercent,
        },
        {
            id: "db-free-storage",
            description: `Database free storage below ${alarmThresholds.databaseFreeStorageGiB} GiB`,
            namespace: "AWS/RDS",
            metricName: "FreeStorageSpace",
            dimensions: db,
            statistic: "Minimum",
            comparison: "LessThanThreshold",
            threshold: alarmThresholds.databaseFreeStorageGiB * 1024 ** 3,
        },
        {
            id: "db-connections",
            description: `Database connections above ${alarmThresholds.databaseConnections}`,
            namespace: "AWS/RDS",
            metricName: "DatabaseConnections",
            dimensions: db,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: alarmThresholds.databaseConnections,
        },
    ];
}

/** Alarms on the cache's engine CPU, memory and evictions. */
function cacheAlarms(args: MonitoringArgs): AlarmSpec[] {
    // Node-level ElastiCache metrics are published per member cluster; -001 is the primary at creation.
    const cacheNode = { CacheClusterId: pulumi.interpolate`${args.cache.resourceName}-001` };
    return [
        {
            id: "cache-cpu",
            description: `Cache engine CPU above ${alarmThresholds.cacheCpuPercent}%`,
            namespace: "AWS/ElastiCache",
            metricName: "EngineCPUUtilization",
            dimensions: cacheNode,
            statistic: "Average",
            comparison: "GreaterThanThreshold",
            threshold: alarmThresholds.cacheCpuPercent,
        },
        {
            id: "cache-memory",
            description: `Cache memory above ${alarmThresholds.cacheMemoryPercent}%`,
            namespace: "AWS/ElastiCache",
            metricName: "DatabaseMemoryUsagePercentage",
            dimensions: cacheNode,
            statistic: "Average",
            comparison: "GreaterThanThreshold",
            threshold: alarmThresholds.cacheMemoryPercent,
        },
        {
            id: "cache-evictions",
            description: `Cache evictions above ${alarmThresholds.cacheEvictions} per 5 minutes`,
            namespace: "AWS/ElastiCache",
            metricName: "Evictions",
            dimensions: cacheNode,
            statistic: "Sum",
            comparison: "GreaterThanThreshold",
            threshold: alarmThresholds.cacheEvictions,
        },
    ];
}

/** The alarm on Kubernetes nodes that are not ready (Container Insights). */
function clusterAlarms(args: MonitoringArgs): AlarmSpec[] {
    return [
        {
            id: "cluster-failed-nodes",
            description: "Kubernetes nodes not ready",
            namespace: "ContainerInsights",
            metricName: "cluster_failed_node_count",
            dimensions: { ClusterName: args.cluster.clusterName },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: 0,
        },
    ];
}

/** One CloudWatch alarm per spec, notifying the topic on alarm and on recovery. */
function metricAlarms(name: string, alarms: AlarmSpec[], topic: sns.Topic, opts: pulumi.CustomResourceOptions): void {
    for (const alarm of alarms) {
        new cloudwatch.MetricAlarm(
            `${name}-${alarm.id}`,
            {
                alarmDescription: alarm.description,
                namespace: alarm.namespace,
                metricName: alarm.metricName,
                dimensions: alarm.dimensions,
                statistic: alarm.statistic,
                comparisonOperator: alarm.comparison,
                threshold: alarm.threshold,
                period: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 2,
                treatMissingData: alarm.namespace === "ContainerInsights" ? "breaching" : "missing",
                alarmActions: [topic.arn],
                okActions: [topic.arn],
            },
            opts,
        );
    }
}

/** A CloudWatch dashboard with one graph per alarmed metric, three to a row; returns its name. */
function metricsDashboard(
    name: string,
    alarms: AlarmSpec[],
    region: string,
    opts: pulumi.CustomResourceOptions,
): string {
    const dashboardName = name;
    new cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
            dashboardName,
            dashboardBody: pulumi.all(alarms.map((a) => pulumi.output(a.dimensions))).apply((dims) =>
                JSON.stringify({
                    widgets: alarms.map((a, i) => ({
                        type: "metric",
                        x: (i % 3) * 8,
                        y: Math.floor(i / 3) * 6,
                        width: 8,
                        height: 6,
                        properties: {
                            title: a.description,
                            region,
                            stat: a.statistic,
                            period: 300,
                            metrics: [[a.namespace, a.metricName, ...Object.entries(dims[i]).flat()]],
                        },
                    })),
                }),
            ),
        },
        opts,
    );
    return dashboardName;
}
