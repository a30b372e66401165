import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";

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
