import * as pulumi from "@pulumi/pulumi";
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
    const kmsEncryption = aws.kmsEncryption ?? true;
    const denyInsecureTransport = aws.denyInsecureTransport ?? true;
    const versioning = aws.versioning ?? true;
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };

    const key = customerManagedKey(name, `Encrypts the ${name} bucket`, stateful);
    const bucket = new s3.Bucket(`${name}-bucket`, { forceDestroy: !args.context.protect }, stateful);

    new s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket: bucket.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: kmsEncryption
                        ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }
                        : { sseAlgorithm: "AES256" },
                    bucketKeyEnabled: kmsEncryption,
                },
            ],
        },
        opts,
    );
    new s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: versioning ? "Enabled" : "Suspended" } },
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
    if (denyInsecureTransport) {
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
    new s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        {
            bucket: bucket.id,
            rules: [
                {
                    id: "expire-noncurrent-versions",
                    status: "Enabled",
                    filter: {},
                    noncurrentVersionExpiration: {
                        noncurrentDays: storageSettings(args).noncurrentVersionRetentionDays,
                    },
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
