import * as pulumi from "@pulumi/pulumi";
import { podIdentityRole } from "../../shared/aws";
import { awsPlacement } from "../../shared/context";
import { WorkloadIdentityArgs, WorkloadIdentityOutputs } from ".";

/**
 * An IAM role for the service's ServiceAccount through EKS Pod Identity, allowed to list the platform's
 * bucket and read, write and delete its objects (and use its KMS key only through S3 for that bucket):
 * nothing else. No keys are issued; the Pod Identity agent hands out short-lived credentials.
 */
export function createAwsIdentity(
    name: string,
    args: WorkloadIdentityArgs,
    parent: pulumi.Resource,
): WorkloadIdentityOutputs {
    const { region } = awsPlacement(args.context);
    const { role, ready } = podIdentityRole(
        name,
        {
            description: `Pod Identity role of ${args.serviceAccountName}: the platform's bucket only`,
            clusterName: args.cluster.clusterName,
            namespace: args.namespace,
            serviceAccount: args.serviceAccountName,
            policyName: "storage",
            policy: args.storage.resourceId.apply((bucketArn) => bucketPolicy(bucketArn, region)),
        },
        { parent },
    );
    return {
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
        podLabels: pulumi.output<Record<string, string>>({}),
        principalId: role.arn,
        // EKS Pod Identity injects credentials at pod creation only (aws/amazon-eks-pod-identity-webhook#210).
        ready,
    };
}

/** The bucket's objects, the bucket listing, and its KMS key only through S3 for this bucket. */
function bucketPolicy(bucketArn: string, region: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
            {
                Sid: "ReadWriteObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: `${bucketArn}/*`,
            },
            {
                Sid: "BucketKeyThroughS3Only",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: "*",
                Condition: {
                    StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
                    StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
                },
            },
        ],
    });
}
