import * as pulumi from "@pulumi/pulumi";
import type * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import { customerManagedKey } from "../shared/aws";
import { PlatformContext, awsPlacement, statefulOptions } from "../shared/context";
import { denyInsecureTransport } from "../storage/aws-policy";
import { replicateBucket } from "../storage/aws-replication";

/** Arguments of Velero's own bucket on AWS. */
export interface VeleroBucketArgs {
    readonly context: PlatformContext;
    /**
     * Days a deleted or overwritten object stays recoverable as a noncurrent version: the longest schedule's
     * TTL, so a backup deleted early (by mistake or by an attacker with Velero's role) can be restored for as
     * long as it would have lived.
     */
    readonly noncurrentVersionDays: number;
    /**
     * A second region to replicate the backups to (prod: the backup plan's copy region).
     * @default none (not replicated)
     */
    readonly replicaRegion?: string;
}

/** Velero's bucket, its key and what the release must wait for. */
export interface VeleroBucket {
    readonly bucket: s3.Bucket;
    readonly key: kms.Key;
    readonly ready: pulumi.Resource[];
}

/**
 * The bucket Velero writes its backups (object manifests, restic/Kopia data, snapshot metadata) to: its own
 * customer-managed key (SSE-KMS, bucket keys on), versioning, all four public-access blocks, ACLs disabled, a
 * policy that denies any request without TLS, noncurrent versions kept for the longest schedule's TTL, and in
 * prod replication to the backup region (the same helper the platform's bucket uses). Kept apart from the
 * application's bucket so that the application's identities can neither read nor delete the cluster's backups.
 *
 * Current objects get no expiry rule on purpose: Velero deletes an expired backup itself (its garbage
 * collector, every hour by default), and a lifecycle expiry of current objects would also delete the Kopia
 * repository's shared blobs, which outlive any single backup
 * (github:velero-io/velero@v1.18.2 site/content/docs/v1.18/how-velero-works.md, "Set a backup to expire").
 */
export function createVeleroBucketAws(name: string, args: VeleroBucketArgs, parent: pulumi.Resource): VeleroBucket {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };
    const key = customerManagedKey(name, `Encrypts Velero's backups in ${name}`, stateful);
    const bucket = new s3.Bucket(`${name}-bucket`, { forceDestroy: !args.context.protect }, stateful);
    new s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket: bucket.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
                    bucketKeyEnabled: true,
                },
            ],
        },
        opts,
    );
    const versioning = new s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        opts,
    );
    const publicAccessBlock = new s3.BucketPublicAccessBlock(
        `${name}-public-access-block`,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        opts,
    );
    new s3.BucketOwnershipControls(
        `${name}-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        opts,
    );
    const policy = new s3.BucketPolicy(
        `${name}-policy`,
        {
            bucket: bucket.id,
            policy: bucket.arn.apply((arn) =>
                JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(arn)] }),
            ),
        },
        { parent, dependsOn: [publicAccessBlock] },
    );
    veleroLifecycle(name, bucket, args.noncurrentVersionDays, opts);
    if (args.replicaRegion !== undefined && args.replicaRegion !== region) {
        replicateBucket(
            name,
            { context: args.context, source: { bucket, key, versioning, region }, replicaRegion: args.replicaRegion },
            stateful,
        );
    }
    return { bucket, key, ready: [versioning, publicAccessBlock, policy] };
}

/** Noncurrent versions expire after `noncurrentDays`; stale multipart uploads are aborted after 7 days. */
function veleroLifecycle(name: string, bucket: s3.Bucket, noncurrentDays: number, opts: pulumi.CustomResourceOptions) {
    new s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        {
            bucket: bucket.id,
            rules: [
                {
                    id: "expire-noncurrent-versions",
                    status: "Enabled",
                    filter: {},
                    noncurrentVersionExpiration: { noncurrentDays },
                },
                {
                    id: "abort-incomplete-multipart-uploads",
                    status: "Enabled",
                    filter: {},
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ],
        },
        opts,
    );
}
