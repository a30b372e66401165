import * as pulumi from "@pulumi/pulumi";
import { createVeleroBucketAws } from "../../backup/velero-aws";
import { podIdentityRole } from "../../shared/aws";
import { awsPlacement } from "../../shared/context";
import { VELERO_NAMESPACE, VELERO_SERVICE_ACCOUNT, VeleroArgs, VeleroCloudImplementation } from ".";
import { VELERO_PLUGINS } from "./plugins";
import { VELERO_LOCATION, longestTtlDays } from "./schedules";
import { pluginInitContainer } from "./values";

/** What Velero's IAM policy is limited to. */
export interface VeleroAwsScope {
    readonly bucketArn: string;
    readonly keyArn: string;
    readonly region: string;
    readonly partition?: string;
}

/**
 * Velero's IAM policy: the plugin README's actions (github:velero-io/velero-plugin-for-aws@v1.14.2 README.md,
 * "Set permissions for Velero"), narrowed. S3: object read/write/delete and multipart clean-up on Velero's
 * bucket only, ListBucket on it, and the bucket key's GenerateDataKey/Decrypt (SSE-KMS objects cannot be written
 * or read without them: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html, "Permissions").
 * EC2: Describe* on `*` (they take no resource-level permission,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html); CreateSnapshot and
 * CreateVolume in the stack's region only; CreateTags only as part of those two calls (`ec2:CreateAction`: the
 * plugin tags through TagSpecifications, velero-plugin-for-aws/volume_snapshotter.go CreateSnapshot and
 * CreateVolumeFromSnapshot); DeleteSnapshot only on snapshots carrying Velero's `velero.io/backup` tag
 * (github:velero-io/velero@v1.18.2 pkg/backup/item_backupper.go sets it on every snapshot it takes), so the role
 * cannot delete the database's or anyone else's snapshots.
 */
export function veleroAwsPolicy(scope: VeleroAwsScope): string {
    const p = scope.partition ?? "aws";
    const volumes = `arn:${p}:ec2:${scope.region}:*:volume/*`;
    const snapshots = `arn:${p}:ec2:${scope.region}::snapshot/*`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DescribeVolumesAndSnapshots",
                Effect: "Allow",
                Action: ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
                Resource: "*",
            },
            {
                Sid: "SnapshotAndRestoreVolumes",
                Effect: "Allow",
                Action: ["ec2:CreateSnapshot", "ec2:CreateVolume"],
                Resource: [volumes, snapshots],
            },
            {
                Sid: "TagOnlyWhatItCreates",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: [volumes, snapshots],
                Condition: { StringEquals: { "ec2:CreateAction": ["CreateSnapshot", "CreateVolume"] } },
            },
            {
                Sid: "DeleteVeleroSnapshotsOnly",
                Effect: "Allow",
                Action: "ec2:DeleteSnapshot",
                Resource: snapshots,
                Condition: { StringLike: { "aws:ResourceTag/velero.io/backup": "*" } },
            },
            {
                Sid: "BackupObjects",
                Effect: "Allow",
                Action: [
                    "s3:GetObject",
                    "s3:DeleteObject",
                    "s3:PutObject",
                    "s3:PutObjectTagging",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                Resource: [`${scope.bucketArn}/*`],
            },
            { Sid: "ListBackups", Effect: "Allow", Action: "s3:ListBucket", Resource: [scope.bucketArn] },
            {
                Sid: "BucketKey",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: [scope.keyArn],
            },
        ],
    });
}

/**
 * Velero on EKS: its own bucket (components/backup/velero-aws.ts), an EKS Pod Identity role with the policy
 * above bound to the server's ServiceAccount (no credentials Secret: `credentials.useSecret: false`; the
 * plugin's aws-sdk-go-v2 default chain reads Pod Identity's container credentials), the AWS plugin, the S3
 * storage location (SSE-KMS with the bucket's key, `kmsKeyId`) and EBS snapshots in the stack's region.
 */
export const createVeleroAws: VeleroCloudImplementation = (name: string, args: VeleroArgs, parent: pulumi.Resource) => {
    const { region } = awsPlacement(args.context);
    const storage = createVeleroBucketAws(
        `${name}-bucket`,
        {
            context: args.context,
            noncurrentVersionDays: longestTtlDays(args.settings),
            replicaRegion: args.settings.copy ? args.backupRegion : undefined,
        },
        parent,
    );
    const { role, ready } = podIdentityRole(
        name,
        {
            description: "Pod Identity role of Velero: its bucket and the EBS snapshots it takes",
            clusterName: args.cluster.clusterName,
            namespace: VELERO_NAMESPACE,
            serviceAccount: VELERO_SERVICE_ACCOUNT,
            policyName: "backups",
            policy: pulumi
                .all([storage.bucket.arn, storage.key.arn])
                .apply(([bucketArn, keyArn]) => veleroAwsPolicy({ bucketArn, keyArn, region })),
        },
        { parent },
    );
    return {
        values: pulumi.all([storage.bucket.bucket, storage.key.arn]).apply(
            ([bucket, keyArn]): Record<string, unknown> => ({
                initContainers: [pluginInitContainer(VELERO_PLUGINS.aws)],
                credentials: { useSecret: false },
                configuration: {
                    backupStorageLocation: [
                        {
                            name: VELERO_LOCATION,
                            provider: "aws",
                            bucket,
                            default: true,
                            config: { region, kmsKeyId: keyArn },
                        },
                    ],
                    volumeSnapshotLocation: [{ name: VELERO_LOCATION, provider: "aws", config: { region } }],
                },
            }),
        ),
        ready: [...storage.ready, ...ready],
        bucketName: storage.bucket.bucket,
        principalId: role.arn,
    };
};
