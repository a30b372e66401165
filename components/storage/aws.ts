import * as pulumi from "@pulumi/pulumi";
import type * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import { customerManagedKey } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { securityOptOuts } from "../shared/security";
import { StorageArgs, StorageOutputs, storageSettings } from ".";

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
    new s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: versioning ? "Enabled" : "Suspended" } },
        opts,
    );
    const publicAccessBlock = privateBucket(name, bucket, opts);
    if (aws.denyInsecureTransport ?? true) {
        tlsOnlyPolicy(name, bucket, publicAccessBlock, parent);
    }
    lifecycleRules(name, bucket, storageSettings(args).noncurrentVersionRetentionDays, opts);

    return {
        bucketName: bucket.bucket,
        endpoint: pulumi.interpolate`https://${bucket.bucketRegionalDomainName}`,
        region: pulumi.output(region),
        resourceId: bucket.arn,
        securityOptOuts: pulumi.output(
            securityOptOuts("aws", aws, ["kmsEncryption", "denyInsecureTransport", "versioning"]),
        ),
    };
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

/** The bucket policy that denies every request made without TLS. */
function tlsOnlyPolicy(
    name: string,
    bucket: s3.Bucket,
    publicAccessBlock: s3.BucketPublicAccessBlock,
    parent: pulumi.Resource,
) {
    new s3.BucketPolicy(
        `${name}-policy`,
        {
            bucket: bucket.id,
            policy: bucket.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [arn, `${arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            ),
        },
        // A bucket policy is refused while public-access blocks are being applied; order them.
        { parent, dependsOn: [publicAccessBlock] },
    );
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
