import * as pulumi from "@pulumi/pulumi";
import { podIdentityRole } from "../../shared/aws";
import { awsPlacement } from "../../shared/context";
import { SecretAccess, WorkloadIdentityArgs, WorkloadIdentityOutputs } from ".";

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
            description: `Pod Identity role of ${args.serviceAccountName}: ${grantsOf(args)} only`,
            clusterName: args.cluster.clusterName,
            namespace: args.namespace,
            serviceAccount: args.serviceAccountName,
            // "storage" since before secrets existed: renaming it would replace the policy of every storage-bound service.
            policyName: args.storage ? "storage" : args.secrets ? "secrets" : args.databaseUsers ? "database" : "cache",
            policy: accessPolicy(args, region),
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

/** What the role may reach, for its description ("the platform's bucket and its own secrets"). */
function grantsOf(args: WorkloadIdentityArgs): string {
    const grants = [
        ...(args.storage ? ["the platform's bucket"] : []),
        ...(args.secrets ? ["its own secrets"] : []),
        ...(args.cache ? ["the cache as its own user"] : []),
    ];
    return grants.join(" and ");
}

/** The role's one policy document: the bucket's statements and the secrets' statements, as granted. */
function accessPolicy(args: WorkloadIdentityArgs, region: string): pulumi.Output<string> {
    const bucket = args.storage ? args.storage.resourceId.apply((arn) => bucketStatements(arn, region)) : [];
    const secrets = args.secrets ? secretStatements(args.secrets, region) : [];
    // RDS IAM: connect as its own database login only (components/database/aws-iam.ts).
    const database = pulumi
        .output(args.databaseUsers ?? [])
        .apply((users) =>
            users.length > 0
                ? [{ Sid: "ConnectAsOwnLogin", Effect: "Allow", Action: ["rds-db:connect"], Resource: users }]
                : [],
        );
    const cache = args.cache ? pulumi.output(args.cache.connectArns).apply(cacheStatements) : [];
    return pulumi
        .all([bucket, secrets, database, cache])
        .apply(([b, s, d, c]) => JSON.stringify({ Version: "2012-10-17", Statement: [...b, ...s, ...d, ...c] }));
}

/**
 * Connect to the cache as the service's own IAM user: `elasticache:Connect` on the replication group and on that
 * user, exactly ("The IAM identity needs an associated policy to grant the elasticache:Connect action to the
 * ElastiCache cache and ElastiCache user", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html).
 */
function cacheStatements(arns: string[]): object[] {
    return [{ Sid: "ConnectToCacheAsOwnUser", Effect: "Allow", Action: ["elasticache:Connect"], Resource: arns }];
}

/**
 * Read the service's own secrets and decrypt them with their key, only through Secrets Manager and only for
 * those secrets: what ASCP calls with the pod's role (`secretsmanager:GetSecretValue` and `DescribeSecret`,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-pod-identity-integration.html). Secrets
 * Manager's encryption context is the secret's ARN (`aws:secretsmanager:arn`,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context).
 */
function secretStatements(access: SecretAccess, region: string): pulumi.Output<object[]> {
    return pulumi.all([pulumi.all(access.scopes), access.keyArn]).apply(([arns, keyArn]) => [
        {
            Sid: "ReadOwnSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: arns,
        },
        ...(keyArn
            ? [
                  {
                      Sid: "SecretsKeyThroughSecretsManagerOnly",
                      Effect: "Allow",
                      Action: ["kms:Decrypt"],
                      Resource: keyArn,
                      Condition: {
                          StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
                          StringLike: { "kms:EncryptionContext:aws:secretsmanager:arn": arns },
                      },
                  },
              ]
            : []),
    ]);
}

/** The bucket's objects, the bucket listing, and its KMS key only through S3 for this bucket. */
function bucketStatements(bucketArn: string, region: string): object[] {
    return [
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
    ];
}
