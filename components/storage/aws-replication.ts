import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import type * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import { Provider } from "@pulumi/aws/provider";
import { assumeRolePolicyFor, customerManagedKey } from "../shared/aws";
import { PlatformContext } from "../shared/context";
import { iamRoleName } from "../shared/names";
import { bucketPolicy } from "./aws-policy";

/** The source bucket and what its replication must follow. */
export interface ReplicationSource {
    readonly bucket: s3.Bucket;
    /** The source's key (objects are decrypted with it to be replicated); undefined when SSE-S3. */
    readonly key: kms.Key | undefined;
    /** The source's versioning: replication needs it enabled first. */
    readonly versioning: s3.BucketVersioning;
    readonly region: string;
}

/**
 * Replication of every object to a bucket in `replicaRegion`: the replica bucket is versioned, private
 * (four public-access blocks, ACLs disabled) and encrypted with its own key in that region; a role S3
 * assumes may read the source's versions and write replicas, and nothing else; the rule replicates
 * SSE-KMS objects (`sourceSelectionCriteria.sseKmsEncryptedObjects`, without which S3 skips them) and
 * re-encrypts them with the replica key.
 *
 * Delete markers are NOT replicated: a delete in the primary (a mistake, or an attacker) leaves the object
 * readable in the replica, which is what a recovery copy is for; versions deleted with a version id are never
 * replicated by S3 anyway. The cost: after a failover the replica still lists objects deleted in the primary.
 *
 * Sources: @pulumi/aws 7.48.0 s3/bucketReplicationConfig.d.ts and types/input.d.ts
 * BucketReplicationConfigRule*; https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 * (the role's kms:Decrypt on the source key and kms:Encrypt on the replica key, with kms:ViaService and the
 * aws:s3:arn encryption context); https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * (s3:GetReplicationConfiguration, s3:ListBucket, s3:GetObjectVersionForReplication, ...Acl, ...Tagging,
 * s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags).
 */
export function replicateBucket(
    name: string,
    args: { context: PlatformContext; source: ReplicationSource; replicaRegion: string },
    stateful: pulumi.CustomResourceOptions,
): { replica: s3.Bucket; replicaKey: kms.Key } {
    const { context, source, replicaRegion } = args;
    const provider = new Provider(
        `${name}-replica-region`,
        { region: replicaRegion, defaultTags: { tags: context.tags } },
        { parent: stateful.parent },
    );
    const inReplicaRegion = { ...stateful, provider };
    const replicaKey = customerManagedKey(
        `${name}-replica`,
        `Encrypts the replica of ${name} in ${replicaRegion}`,
        inReplicaRegion,
    );
    const { replica, replicaVersioning } = replicaBucket(name, { context, replicaKey }, inReplicaRegion);
    const role = replicationRole(name, { source, replica, replicaKey, replicaRegion }, stateful.parent!);
    new s3.BucketReplicationConfig(
        `${name}-replication`,
        {
            bucket: source.bucket.id,
            role: role.role.arn,
            rules: [
                {
                    id: "replicate-everything",
                    status: "Enabled",
                    priority: 1,
                    filter: {},
                    deleteMarkerReplication: { status: "Disabled" },
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    destination: {
                        bucket: replica.arn,
                        storageClass: "STANDARD",
                        encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn },
                    },
                },
            ],
        },
        // S3 refuses a replication configuration until both buckets' versioning is on, and the role's policy
        // must exist for the first replication.
        { parent: stateful.parent, dependsOn: [source.versioning, replicaVersioning, role.policy] },
    );
    return { replica, replicaKey };
}

/** The replica bucket: versioned, encrypted with the replica key, private, TLS only. */
function replicaBucket(
    name: string,
    { context, replicaKey }: { context: PlatformContext; replicaKey: kms.Key },
    inReplicaRegion: pulumi.CustomResourceOptions,
): { replica: s3.Bucket; replicaVersioning: s3.BucketVersioning } {
    const provider = inReplicaRegion.provider;
    const replica = new s3.Bucket(`${name}-replica`, { forceDestroy: !context.protect }, inReplicaRegion);
    const replicaOpts = { parent: inReplicaRegion.parent, provider };
    const replicaVersioning = new s3.BucketVersioning(
        `${name}-replica-versioning`,
        { bucket: replica.id, versioningConfiguration: { status: "Enabled" } },
        replicaOpts,
    );
    new s3.BucketServerSideEncryptionConfiguration(
        `${name}-replica-encryption`,
        {
            bucket: replica.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: replicaKey.arn },
                    bucketKeyEnabled: true,
                },
            ],
        },
        replicaOpts,
    );
    const publicAccessBlock = new s3.BucketPublicAccessBlock(
        `${name}-replica-public-access-block`,
        {
            bucket: replica.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        replicaOpts,
    );
    new s3.BucketOwnershipControls(
        `${name}-replica-ownership`,
        { bucket: replica.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        replicaOpts,
    );
    bucketPolicy(`${name}-replica`, replica, undefined, { ...replicaOpts, dependsOn: [publicAccessBlock] });
    return { replica, replicaVersioning };
}

/** The least-privilege policy of the replication role (see {@link replicateBucket} for the sources). */
export function replicationPolicy(p: {
    sourceArn: string;
    replicaArn: string;
    sourceKeyArn: string | undefined;
    replicaKeyArn: string;
    sourceRegion: string;
    replicaRegion: string;
}): string {
    const statements: object[] = [
        {
            Sid: "ReadSourceConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: p.sourceArn,
        },
        {
            Sid: "ReadSourceVersions",
            Effect: "Allow",
            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            Resource: `${p.sourceArn}/*`,
        },
        {
            Sid: "WriteReplicas",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            Resource: `${p.replicaArn}/*`,
        },
        {
            Sid: "EncryptWithReplicaKey",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: p.replicaKeyArn,
            Condition: {
                StringLike: {
                    "kms:ViaService": `s3.${p.replicaRegion}.amazonaws.com`,
                    "kms:EncryptionContext:aws:s3:arn": [`${p.replicaArn}/*`, p.replicaArn],
                },
            },
        },
    ];
    if (p.sourceKeyArn !== undefined) {
        statements.push({
            Sid: "DecryptWithSourceKey",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: p.sourceKeyArn,
            Condition: {
                StringLike: {
                    "kms:ViaService": `s3.${p.sourceRegion}.amazonaws.com`,
                    "kms:EncryptionContext:aws:s3:arn": [`${p.sourceArn}/*`, p.sourceArn],
                },
            },
        });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The role S3 assumes to replicate, with its one inline policy. */
function replicationRole(
    name: string,
    r: { source: ReplicationSource; replica: s3.Bucket; replicaKey: kms.Key; replicaRegion: string },
    parent: pulumi.Resource,
) {
    const role = new iam.Role(
        `${name}-replication-role`,
        {
            ...iamRoleName(`${name}-replication-role`),
            description: `S3 replicates ${name} to ${r.replicaRegion}`,
            assumeRolePolicy: assumeRolePolicyFor("s3.amazonaws.com"),
        },
        { parent },
    );
    const policy = new iam.RolePolicy(
        `${name}-replication`,
        {
            role: role.id,
            policy: pulumi
                .all([r.source.bucket.arn, r.replica.arn, r.source.key?.arn, r.replicaKey.arn])
                .apply(([sourceArn, replicaArn, sourceKeyArn, replicaKeyArn]) =>
                    replicationPolicy({
                        sourceArn,
                        replicaArn,
                        sourceKeyArn,
                        replicaKeyArn,
                        sourceRegion: r.source.region,
                        replicaRegion: r.replicaRegion,
                    }),
                ),
        },
        { parent },
    );
    return { role, policy };
}
