import * as pulumi from "@pulumi/pulumi";
import * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";

/** A statement of a bucket policy (IAM policy grammar), e.g. a CloudFront origin access control's read. */
export type BucketPolicyStatement = Record<string, unknown>;

/** The statement that denies every request made without TLS, on the bucket and its objects. */
export function denyInsecureTransport(arn: string): BucketPolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/**
 * The bucket's one policy (S3 keeps a single policy per bucket): the TLS deny plus the statements other
 * capabilities add through StorageArgs.awsBucketPolicyStatements (a CloudFront origin access control, say).
 * Ordered after the public-access blocks, which refuse a policy while they are being applied.
 */
export function bucketPolicy(
    name: string,
    bucket: s3.Bucket,
    extra: pulumi.Input<BucketPolicyStatement[]> | undefined,
    opts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
): s3.BucketPolicy {
    return new s3.BucketPolicy(
        `${name}-policy`,
        {
            bucket: bucket.id,
            policy: pulumi
                .all([bucket.arn, pulumi.output(extra ?? [])])
                .apply(([arn, statements]) =>
                    JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(arn), ...statements] }),
                ),
        },
        opts,
    );
}

/**
 * The bucket key's policy when another capability must use the key (a CloudFront OAC decrypting what it
 * reads): AWS's default statement, which keeps the key administered through IAM in this account
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam),
 * plus the given statements (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#create-oac-overview-s3,
 * "SSE-KMS": the key policy must allow cloudfront.amazonaws.com kms:Decrypt for the distribution).
 */
export function bucketKeyPolicy(
    name: string,
    key: kms.Key,
    extra: pulumi.Input<BucketPolicyStatement[]>,
    opts: pulumi.CustomResourceOptions,
): kms.KeyPolicy {
    const account = getCallerIdentityOutput({}, opts).accountId;
    return new kms.KeyPolicy(
        `${name}-key-policy`,
        {
            keyId: key.id,
            policy: pulumi.all([account, pulumi.output(extra)]).apply(([id, statements]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "Enable IAM User Permissions",
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${id}:root` },
                            Action: "kms:*",
                            Resource: "*",
                        },
                        ...statements,
                    ],
                }),
            ),
        },
        opts,
    );
}
