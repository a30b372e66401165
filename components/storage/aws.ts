import * as pulumi from "@pulumi/pulumi";
import type * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import { customerManagedKey } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { securityOptOuts } from "../shared/security";
import { StorageArgs, StorageOutputs, storageSettings } from ".";
import { bucketKeyPolicy, bucketPolicy } from "./aws-policy";
import { replicateBucket } from "./aws-replication";

/**
 * S3 bucket: SSE-KMS with a customer-managed key (bucket keys on), versioning, all four public-access
 * blocks, owner-enforced object ownership (no ACLs), a policy that denies any request without TLS, and
 * lifecycle rules that expire noncurrent versions and abort stale multipart uploads.
 */
export function createAwsStorage(name: string, args: StorageArgs, parent: pulumi.Resource): StorageOutputs {
    const { region } = awsPlacement(args.context);
    const aws = args.aws ?? {};
    const versioning = aws.versioning ?? true;
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };

    const key = customerManagedKey(name, `Encrypts the ${name} bucket`, stateful);
    const bucket = new s3.Bucket(`${name}-bucket`, { forceDestroy: !args.context.protect }, stateful);
    bucketEncryption(name, bucket, (aws.kmsEncryption ?? true) ? key : undefined, opts);
    if (args.awsKeyPolicyStatements && (aws.kmsEncryption ?? true)) {
        bucketKeyPolicy(name, key, args.awsKeyPolicyStatements, opts);
    }
    const bucketVersioning = new s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: versioning ? "Enabled" : "Suspended" } },
        opts,
    );
    const publicAccessBlock = privateBucket(name, bucket, opts);
    if (aws.denyInsecureTransport ?? true) {
        bucketPolicy(name, bucket, args.awsBucketPolicyStatements, { parent, dependsOn: [publicAccessBlock] });
    }
    const settings = storageSettings(args);
    lifecycleRules(name, bucket, settings.noncurrentVersionRetentionDays, opts);
    const replicaRegion = settings.crossRegionReplication ? requireReplicaRegion(name, args, region) : undefined;
    if (replicaRegion !== undefined) {
        const source = {
            bucket,
            key: (aws.kmsEncryption ?? true) ? key : undefined,
            versioning: bucketVersioning,
            region,
        };
        replicateBucket(name, { context: args.context, source, replicaRegion }, stateful);
    }

    return {
        bucketName: bucket.bucket,
        endpoint: pulumi.interpolate`https://${bucket.bucketRegionalDomainName}`,
        region: pulumi.output(region),
        resourceId: bucket.arn,
        securityOptOuts: pulumi.output(
            securityOptOuts("aws", aws, ["kmsEncryption", "denyInsecureTransport", "versioning"]),
        ),
        replicaRegions: pulumi.output(replicaRegion !== undefined ? [replicaRegion] : []),
    };
}

/** The replica's region: given, and not the bucket's own (a same-region copy survives no region outage). */
function requireReplicaRegion(name: string, args: StorageArgs, region: string): string {
    const replicaRegion = args.replicaRegion;
    if (replicaRegion === undefined || replicaRegion === region) {
        throw new Error(
            `${name}: cross-region replication needs a replicaRegion other than ${region} (got ${replicaRegion ?? "none"}); ` +
                "set platform:backup.aws.backupRegion.",
        );
    }
    return replicaRegion;
}

/** Default encryption: SSE-KMS with the bucket's key and bucket keys on, or SSE-S3 when KMS is opted out of. */
function bucketEncryption(
    name: string,
    bucket: s3.Bucket,
    key: kms.Key | undefined,
    opts: pulumi.CustomResourceOptions,
) {
    new s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket: bucket.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: key
                        ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }
                        : { sseAlgorithm: "AES256" },
                    bucketKeyEnabled: key !== undefined,
                },
            ],
        },
        opts,
    );
}

/** No public access: all four public-access blocks, and owner-enforced object ownership (ACLs disabled). */
function privateBucket(name: string, bucket: s3.Bucket, opts: pulumi.CustomResourceOptions) {
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
    return publicAccessBlock;
}

/** Lifecycle: noncurrent versions expire after the retention window; stale multipart uploads are aborted. */
function lifecycleRules(name: string, bucket: s3.Bucket, noncurrentDays: number, opts: pulumi.CustomResourceOptions) {
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
