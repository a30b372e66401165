/**
 * Encryption on AWS: data at rest under customer-managed KMS keys that rotate, and TLS for every
 * connection to the data stores and the bucket.
 */
import type { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, attachedTo, isSet, label, ofTypes, peek, resourcePolicy, setting, stackPolicy } from "../lib/policy";
import {
    ElastiCacheReplicationGroup,
    EksCluster,
    KmsKey,
    LogGroup,
    RdsInstance,
    RdsParameterGroup,
    S3Bucket,
    S3BucketEncryption,
    S3BucketPolicy,
    S3PublicAccessBlock,
    TYPES,
} from "../lib/shapes";

const customerManagedKey = setting.flag(
    true,
    "Require a customer-managed KMS key (kmsKeyId); false accepts the AWS-managed service key.",
);

export const rdsStorageEncrypted = resourcePolicy({
    name: "aws-rds-storage-encrypted-cmk",
    description: "RDS storage is encrypted at rest with a customer-managed KMS key.",
    severity: "high",
    types: [TYPES.rdsInstance],
    settings: { requireCustomerManagedKey: customerManagedKey },
    validate: (db: RdsInstance, { config, report }) => {
        if (db.storageEncrypted !== true) {
            report(
                `storageEncrypted is ${db.storageEncrypted ?? "not set (RDS leaves storage unencrypted)"}. ` +
                    `Fix: set storageEncrypted: true with kmsKeyId of a customer-managed key ` +
                    `(on this platform: remove "storageEncrypted": false from the aws bag of platform:database).`,
            );
        } else if (config.requireCustomerManagedKey && !isSet(db, "kmsKeyId")) {
            report(
                "Storage is encrypted with the AWS-managed key aws/rds, which you cannot rotate, scope or audit. " +
                    "Fix: set kmsKeyId to a customer-managed KMS key.",
            );
        }
    },
});

/** RDS for PostgreSQL turns `rds.force_ssl` on by default from major version 15. */
function forceSslDefault(majorVersion: number): boolean {
    return majorVersion >= 15;
}

function majorOf(text: string | undefined): number {
    const match = /(\d+)/.exec(text ?? "");
    return match ? Number(match[1]) : NaN;
}

export const rdsForceTls = stackPolicy({
    name: "aws-rds-force-tls",
    description: "Every RDS for PostgreSQL instance uses a parameter group that forces TLS (rds.force_ssl = 1).",
    severity: "high",
    validate: ({ resources, report }) => {
        const groups = ofTypes(resources, [TYPES.rdsParameterGroup]);
        for (const db of ofTypes(resources, [TYPES.rdsInstance])) {
            const props = db.props as RdsInstance;
            if (props.engine !== undefined && props.engine !== "postgres") continue;
            // The graph says which group the instance uses; its physical name may be unknown in a preview.
            const fromGraph = (db.propertyDependencies.parameterGroupName ?? []).find(
                (d) => d.type === TYPES.rdsParameterGroup,
            );
            const groupName = fromGraph ? undefined : peek(props, "parameterGroupName");
            if (groupName === UNKNOWN) continue;
            const group = fromGraph ?? groups.find((g) => peek(g.props as RdsParameterGroup, "name") === groupName);
            if (group === undefined) {
                if (groupName === undefined || groupName.startsWith("default.")) {
                    const major = majorOf(props.engineVersion);
                    if (!forceSslDefault(major)) {
                        report(
                            db,
                            `${label(db)} uses the default parameter group, which does not force TLS on PostgreSQL ` +
                                `${props.engineVersion ?? "(version not set)"}. Fix: attach a parameter group with ` +
                                `rds.force_ssl = 1, or run PostgreSQL 15 or later.`,
                        );
                    }
                } else {
                    report(
                        db,
                        `${label(db)} uses parameter group "${groupName}", which is not managed in this stack, so ` +
                            `rds.force_ssl cannot be verified. Fix: manage the parameter group here with rds.force_ssl = 1.`,
                    );
                }
                continue;
            }
            const params = group.props as RdsParameterGroup;
            const forceSsl = (params.parameters ?? []).find((p) => p.name === "rds.force_ssl")?.value;
            const major = majorOf(params.family);
            const on = forceSsl === undefined ? forceSslDefault(major) : forceSsl === "1";
            if (!on) {
                report(
                    group,
                    `Parameter group ${label(group)} of ${label(db)} sets rds.force_ssl to ` +
                        `${forceSsl ?? `its ${params.family ?? "family"} default (0)`}, so clients may connect without ` +
                        `TLS. Fix: set rds.force_ssl = 1 (on this platform: remove "forceSsl": false from the aws bag ` +
                        `of platform:database).`,
                );
            }
        }
    },
});

export const elastiCacheAtRestEncryption = resourcePolicy({
    name: "aws-elasticache-at-rest-encryption",
    description: "ElastiCache replication groups encrypt data at rest with a customer-managed KMS key.",
    severity: "high",
    types: [TYPES.elastiCacheReplicationGroup],
    settings: { requireCustomerManagedKey: customerManagedKey },
    validate: (group: ElastiCacheReplicationGroup, { config, report }) => {
        // The provider's default depends on the engine: on for valkey, off for redis (the default engine).
        const enabled = group.atRestEncryptionEnabled ?? (group.engine ?? "redis") === "valkey";
        if (!enabled) {
            report(
                `At-rest encryption is off (atRestEncryptionEnabled: ${group.atRestEncryptionEnabled ?? "not set"}, ` +
                    `engine ${group.engine ?? "redis"}). Fix: set atRestEncryptionEnabled: true with kmsKeyId ` +
                    `(on this platform: remove "atRestEncryption": false from the aws bag of platform:cache).`,
            );
        } else if (config.requireCustomerManagedKey && !isSet(group, "kmsKeyId")) {
            report(
                "Data at rest is encrypted with the service-managed key. Fix: set kmsKeyId to a customer-managed key.",
            );
        }
    },
});

export const elastiCacheInTransitEncryption = resourcePolicy({
    name: "aws-elasticache-in-transit-encryption",
    description: "ElastiCache replication groups require TLS for every client connection.",
    severity: "high",
    types: [TYPES.elastiCacheReplicationGroup],
    validate: (group: ElastiCacheReplicationGroup, { report }) => {
        if (group.transitEncryptionEnabled !== true) {
            report(
                `In-transit encryption is ${group.transitEncryptionEnabled === false ? "off" : "not set (off by default)"}. ` +
                    `Fix: set transitEncryptionEnabled: true and transitEncryptionMode: "required" ` +
                    `(on this platform: remove "transitEncryption": false from the aws bag of platform:cache).`,
            );
        } else if (group.transitEncryptionMode === "preferred") {
            report(
                'transitEncryptionMode is "preferred", which still accepts plaintext clients. Fix: set it to "required".',
            );
        }
    },
});

export const elastiCacheAuthToken = resourcePolicy({
    name: "aws-elasticache-auth-token",
    description: "ElastiCache replication groups authenticate clients (AUTH token or RBAC user groups).",
    severity: "high",
    types: [TYPES.elastiCacheReplicationGroup],
    validate: (group: ElastiCacheReplicationGroup, { report }) => {
        // The token is a secret generated at deployment: in a preview it is set but unknown.
        const hasToken = isSet(group, "authToken");
        const userGroups = peek(group, "userGroupIds");
        const hasUserGroups = userGroups === UNKNOWN || (userGroups ?? []).length > 0;
        if (!hasToken && !hasUserGroups) {
            report(
                "Clients connect without authenticating: neither authToken nor userGroupIds is set. Fix: set an " +
                    "authToken (a secret from @pulumi/random; it needs transitEncryptionEnabled: true) or RBAC userGroupIds.",
            );
        }
    },
});

/**
 * The default-encryption rules of the separate `BucketServerSideEncryptionConfiguration` resources that
 * target this bucket. The bucket's own `serverSideEncryptionConfiguration` is not read: it is a deprecated,
 * computed output that the provider fills from S3 (SSE-S3 / AES256 on every new bucket since 2023-01-05,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html) before the separate
 * configuration is applied, and AnalyzeStack sees outputs, so reading it fails a compliant stack after
 * its first `up` and could pass a bucket whose separate configuration was removed.
 */
function bucketEncryption(resources: readonly PolicyResource[], bucket: PolicyResource) {
    const configs = attachedTo(
        resources,
        bucket,
        TYPES.s3Encryption,
        "bucket",
        peek(bucket.props as S3Bucket, "bucket"),
    );
    return configs.flatMap((c) =>
        ((c.props as S3BucketEncryption).rules ?? []).map((r) => ({
            owner: c,
            rule: r.applyServerSideEncryptionByDefault,
        })),
    );
}

export const s3KmsEncryption = stackPolicy({
    name: "aws-s3-kms-encryption",
    description: "Every S3 bucket encrypts new objects by default with SSE-KMS under a customer-managed key.",
    severity: "high",
    settings: { requireCustomerManagedKey: customerManagedKey },
    validate: ({ resources, config, report }) => {
        for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
            const rules = bucketEncryption(resources, bucket);
            if (rules.length === 0) {
                report(
                    bucket,
                    `${label(bucket)} has no BucketServerSideEncryptionConfiguration targeting it, so S3 applies SSE-S3 ` +
                        `(AES256), not KMS (the bucket's inline serverSideEncryptionConfiguration is a deprecated output ` +
                        `S3 fills in, and is not accepted). Fix: add a BucketServerSideEncryptionConfiguration whose ` +
                        `bucket is this bucket, with sseAlgorithm "aws:kms" and kmsMasterKeyId.`,
                );
            }
            for (const { owner, rule } of rules) {
                const algorithm = rule?.sseAlgorithm;
                if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
                    report(
                        owner,
                        `Default encryption of ${label(bucket)} is ${algorithm ?? "not set (SSE-S3)"}, not SSE-KMS. ` +
                            `Fix: set sseAlgorithm "aws:kms" with kmsMasterKeyId (on this platform: remove ` +
                            `"kmsEncryption": false from the aws bag of platform:storage).`,
                    );
                } else if (config.requireCustomerManagedKey && !isSet(rule, "kmsMasterKeyId")) {
                    report(
                        owner,
                        `Default encryption of ${label(bucket)} uses the AWS-managed key aws/s3. Fix: set kmsMasterKeyId ` +
                            `to a customer-managed KMS key.`,
                    );
                }
            }
        }
    },
});

const PUBLIC_ACCESS_FLAGS = [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
] as const;

export const s3PublicAccessBlock = stackPolicy({
    name: "aws-s3-public-access-block",
    description: "Every S3 bucket has a public access block with all four settings on.",
    severity: "critical",
    validate: ({ resources, report }) => {
        for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
            const blocks = attachedTo(
                resources,
                bucket,
                [TYPES.s3PublicAccessBlock],
                "bucket",
                peek(bucket.props as S3Bucket, "bucket"),
            );
            if (blocks.length === 0) {
                report(
                    bucket,
                    `${label(bucket)} has no BucketPublicAccessBlock, so nothing in the program keeps it private. ` +
                        `Fix: add one with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
                );
            }
            for (const block of blocks) {
                const props = block.props as S3PublicAccessBlock;
                // Each flag defaults to false on the resource.
                const off = PUBLIC_ACCESS_FLAGS.filter((flag) => props[flag] !== true);
                if (off.length > 0) {
                    report(
                        block,
                        `The public access block of ${label(bucket)} leaves ${off.join(", ")} off (false or not set). ` +
                            `Fix: set all four to true.`,
                    );
                }
            }
        }
    },
});

interface PolicyStatement {
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

function asList<T>(value: T | T[] | undefined): T[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Whether a policy document denies every S3 action without TLS, on the bucket and its objects. */
export function deniesInsecureTransport(policy: unknown): boolean {
    let document: { Statement?: PolicyStatement | PolicyStatement[] };
    try {
        document = typeof policy === "string" ? JSON.parse(policy) : (policy as typeof document);
    } catch {
        return false;
    }
    return asList(document?.Statement).some((s) => {
        const principalAll =
            s.Principal === "*" ||
            (typeof s.Principal === "object" && asList((s.Principal as { AWS?: string }).AWS).includes("*"));
        const allActions = asList(s.Action).some((a) => a === "s3:*" || a === "*");
        const resources = asList(s.Resource);
        const coversObjects = resources.some((r) => r === "*" || r.endsWith("/*"));
        const secure = s.Condition?.Bool?.["aws:SecureTransport"];
        return (
            s.Effect === "Deny" &&
            principalAll &&
            allActions &&
            coversObjects &&
            (secure === "false" || secure === false)
        );
    });
}

export const s3DenyInsecureTransport = stackPolicy({
    name: "aws-s3-deny-insecure-transport",
    description: "Every S3 bucket has a bucket policy that denies any request not made over TLS.",
    severity: "high",
    validate: ({ resources, report }) => {
        for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
            const policies = attachedTo(
                resources,
                bucket,
                [TYPES.s3BucketPolicy],
                "bucket",
                peek(bucket.props as S3Bucket, "bucket"),
            );
            // Only separate BucketPolicy resources count: the bucket's own `policy` is a deprecated output the
            // provider reads back from S3 (whatever policy is attached, by this program or not).
            const documents = policies
                .map((p) => peek(p.props as S3BucketPolicy, "policy"))
                .filter((d) => d !== undefined);
            // A policy built from outputs (the bucket's ARN) is unknown in a preview of a new bucket; it is
            // checked once known (pulumi up analyzes each resource again before creating it).
            if (documents.includes(UNKNOWN)) continue;
            if (!documents.some(deniesInsecureTransport)) {
                report(
                    bucket,
                    `${label(bucket)} accepts plain-HTTP requests: ${
                        documents.length === 0
                            ? "no BucketPolicy resource targets it"
                            : "no bucket policy statement denies them"
                    }. Fix: add a Deny statement for Principal "*", Action "s3:*" on the bucket and "<bucket>/*" with ` +
                        `Condition {"Bool": {"aws:SecureTransport": "false"}} (on this platform: remove ` +
                        `"denyInsecureTransport": false from the aws bag of platform:storage).`,
                );
            }
        }
    },
});

export const eksSecretsEncryption = resourcePolicy({
    name: "aws-eks-secrets-encryption",
    description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
    severity: "high",
    types: [TYPES.eksCluster],
    validate: (cluster: EksCluster, { report }) => {
        const config = cluster.encryptionConfig;
        if (!config || !(config.resources ?? []).includes("secrets") || !isSet(config.provider, "keyArn")) {
            report(
                "Kubernetes secrets are not envelope-encrypted with your KMS key (encryptionConfig is " +
                    `${config ? "incomplete" : "not set; EKS then uses an AWS-owned key"}). Fix: set encryptionConfig ` +
                    `{ resources: ["secrets"], provider: { keyArn } } (on this platform: remove "secretsEncryption": false ` +
                    `from the aws bag of platform:cluster).`,
            );
        }
    },
});

export const kmsKeyRotation = resourcePolicy({
    name: "aws-kms-key-rotation",
    description: "Symmetric customer-managed KMS keys rotate their key material automatically.",
    severity: "medium",
    types: [TYPES.kmsKey],
    validate: (key: KmsKey, { args, report }) => {
        const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (
            spec !== "SYMMETRIC_DEFAULT" ||
            (key.keyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT" ||
            key.customKeyStoreId
        ) {
            args.notApplicable("automatic rotation exists only for symmetric keys in AWS KMS key stores");
        }
        if (key.enableKeyRotation !== true) {
            report(
                `Automatic rotation is ${key.enableKeyRotation === false ? "off" : "not set (off by default)"}. ` +
                    "Fix: set enableKeyRotation: true.",
            );
        }
    },
});

export const logGroupEncryptionOrRetention = resourcePolicy({
    name: "aws-log-group-encryption-or-retention",
    description: "CloudWatch log groups are encrypted with a KMS key or at least expire (retention set).",
    severity: "medium",
    types: [TYPES.logGroup],
    settings: { requireKmsKey: setting.flag(false, "Require kmsKeyId on every log group, retention or not.") },
    validate: (group: LogGroup, { config, report }) => {
        const hasRetention = (group.retentionInDays ?? 0) > 0;
        const encrypted = isSet(group, "kmsKeyId");
        if (config.requireKmsKey && !encrypted) {
            report("The log group is not encrypted with a KMS key. Fix: set kmsKeyId to a customer-managed key.");
        } else if (!encrypted && !hasRetention) {
            report(
                "The log group keeps its logs forever without a KMS key (retentionInDays not set means never expire). " +
                    "Fix: set retentionInDays (e.g. 30) or kmsKeyId.",
            );
        }
    },
});

export const awsEncryptionPolicies = [
    rdsStorageEncrypted,
    rdsForceTls,
    elastiCacheAtRestEncryption,
    elastiCacheInTransitEncryption,
    elastiCacheAuthToken,
    s3KmsEncryption,
    s3PublicAccessBlock,
    s3DenyInsecureTransport,
    eksSecretsEncryption,
    kmsKeyRotation,
    logGroupEncryptionOrRetention,
];
