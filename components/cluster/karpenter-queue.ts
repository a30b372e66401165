import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as kms from "@pulumi/aws/kms";
import * as sqs from "@pulumi/aws/sqs";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { awsPlacement, PlatformContext, statefulOptions } from "../shared/context";
import { prefixedName } from "../shared/names";

/** EventBridge events Karpenter acts on before AWS takes an instance away. */
export const INTERRUPTION_EVENTS = {
    "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
    "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
    "capacity-reservation-interruption": {
        source: ["aws.ec2"],
        "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
    },
};

/** The interruption queue and the customer-managed key it is encrypted with. */
export interface InterruptionQueue {
    readonly queue: sqs.Queue;
    readonly key: kms.Key;
}

/**
 * The SQS queue (SSE-KMS under its own key, TLS only) that EventBridge fills with interruption events for
 * Karpenter (aws/karpenter-provider-aws@v1.14.1 getting-started cloudformation.yaml: queue, rules, targets).
 *
 * Who may do what:
 * - Sending: only this account's Karpenter rules, by `aws:SourceArn` (the rules' ARNs) and `aws:SourceAccount`,
 *   the conditions EventBridge documents for an SQS target's queue policy against the confused deputy
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html, "Amazon SQS
 *   permissions"). Karpenter's template also names `sqs.amazonaws.com` as a sender; nothing in SQS sends on a
 *   rule's behalf, so that principal is left out.
 * - The key: an AWS service that sends to an encrypted queue needs `kms:GenerateDataKey` and `kms:Decrypt` on the
 *   queue's key ("Enable compatibility between encrypted queues and AWS services", https://docs.aws.amazon.com/
 *   AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html). The grant to
 *   `events.amazonaws.com` is scoped by the encryption context SQS binds every data key to, `aws:sqs:arn` = the
 *   queue's ARN (same page), so EventBridge can use the key for this queue only; the confused-deputy check is the
 *   queue policy's, since EventBridge documents `aws:SourceArn` for the queue policy of its targets, not for the
 *   KMS calls SQS makes for them. The controller reads with `kms:Decrypt` through SQS only (./karpenter.ts).
 */
export function interruptionQueue(name: string, context: PlatformContext, parent: pulumi.Resource): InterruptionQueue {
    const opts = { parent };
    const { region } = awsPlacement(context);
    const account = getCallerIdentityOutput({}, opts).accountId;
    const queueName = `${name}-karpenter-interruptions`;
    const key = new kms.Key(
        `${name}-karpenter-interruptions-kms`,
        {
            description: `Encrypts ${name}'s Karpenter interruption queue`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            // The queue is auto-named `${queueName}-<suffix>`: the key admits that name only.
            policy: account.apply((id) => interruptionKeyPolicy(id, `arn:aws:sqs:${region}:${id}:${queueName}-*`)),
        },
        // Protected like every key of a protected stack (a scheduled deletion would stop event delivery).
        { ...opts, ...statefulOptions(context) },
    );
    const queue = new sqs.Queue(
        queueName,
        { messageRetentionSeconds: 300, kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300 },
        opts,
    );
    const rules = Object.entries(INTERRUPTION_EVENTS).map(([event, pattern]) => {
        const rule = new cloudwatch.EventRule(
            `${name}-karpenter-${event}`,
            {
                // EventBridge rule names are at most 64 characters (API_PutRule); long stacks get a prefix.
                ...prefixedName(`${name}-karpenter-${event}`, 64),
                description: `${pattern["detail-type"][0]} to Karpenter`,
                eventPattern: JSON.stringify(pattern),
            },
            opts,
        );
        new cloudwatch.EventTarget(`${name}-karpenter-${event}-target`, { rule: rule.name, arn: queue.arn }, opts);
        return rule;
    });
    new sqs.QueuePolicy(
        `${name}-karpenter-interruptions-policy`,
        {
            queueUrl: queue.url,
            policy: pulumi
                .all([queue.arn, account, pulumi.all(rules.map((r) => r.arn))])
                .apply(([arn, id, ruleArns]) => interruptionQueuePolicy(arn, id, ruleArns)),
        },
        opts,
    );
    return { queue, key };
}

/** The queue key's policy: the account administers it; EventBridge encrypts with it for this queue only. */
export function interruptionKeyPolicy(account: string, queueArnPattern: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "EventBridgeSendsToTheQueue",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:sqs:arn": queueArnPattern } },
            },
        ],
    });
}

/** The interruption queue's policy: only this account's Karpenter rules send; TLS only. */
export function interruptionQueuePolicy(queueArn: string, account: string, ruleArns: string[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EventBridgeSends",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: {
                    StringEquals: { "aws:SourceAccount": account },
                    ArnEquals: { "aws:SourceArn": ruleArns },
                },
            },
            {
                Sid: "DenyHTTP",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/** The controller reads the queue: it decrypts messages with the queue's key, through SQS only. */
export function interruptionQueueKeyStatement(keyArn: string, region: string) {
    return {
        Sid: "AllowInterruptionQueueKeyThroughSQS",
        Effect: "Allow",
        Resource: keyArn,
        Action: "kms:Decrypt",
        Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
    };
}
