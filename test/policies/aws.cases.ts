/**
 * Fixtures and the three cases (compliant, non-compliant, property left undefined) of every AWS
 * policy. The cases are run by aws.test.ts; pack.test.ts checks that every policy has them.
 */
import * as backups from "../../policies/aws/backups";
import * as encryption from "../../policies/aws/encryption";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

export const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-4333-8444-555566667777";

export function database(): FixtureResource[] {
    return [
        {
            type: TYPES.rdsParameterGroup,
            name: "db-params",
            props: {
                name: "db-params-1a2b",
                family: "postgres17",
                parameters: [{ name: "rds.force_ssl", value: "1" }],
            },
        },
        {
            type: TYPES.rdsInstance,
            name: "db-instance",
            protect: true,
            props: {
                engine: "postgres",
                engineVersion: "17",
                storageEncrypted: true,
                kmsKeyId: KEY_ARN,
                backupRetentionPeriod: 30,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: "db-final",
                multiAz: true,
                parameterGroupName: "db-params-1a2b",
            },
            propertyDependencies: { parameterGroupName: ["db-params"] },
        },
    ];
}

export function cache(): FixtureResource[] {
    return [
        {
            type: TYPES.elastiCacheReplicationGroup,
            name: "cache-rg",
            protect: true,
            props: {
                engine: "valkey",
                atRestEncryptionEnabled: true,
                kmsKeyId: KEY_ARN,
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                authToken: "a-generated-token-from-random",
                snapshotRetentionLimit: 7,
            },
        },
    ];
}

/** What the provider reports in a new bucket's deprecated inline sub-configurations (see check/state/aws.ts). */
export const BUCKET_CREATION_OUTPUTS = {
    serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: "" } },
    },
    versioning: { enabled: false, mfaDelete: false },
    policy: "",
};

export function bucket(): FixtureResource[] {
    const policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::data-1a2b", "arn:aws:s3:::data-1a2b/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
    const attached = { bucket: ["bucket"] };
    return [
        {
            type: TYPES.s3Buckets[0],
            name: "bucket",
            protect: true,
            // As AnalyzeStack sees a bucket after its first `up`: the deprecated inline sub-configurations are
            // outputs the provider read back from S3 at creation, before the separate resources below applied
            // (SSE-S3 default encryption on every new bucket since 2023-01-05:
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html).
            props: { bucket: "data-1a2b", forceDestroy: false, ...BUCKET_CREATION_OUTPUTS },
        },
        {
            type: TYPES.s3Encryption[0],
            name: "encryption",
            props: {
                bucket: "data-1a2b",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }],
            },
            propertyDependencies: attached,
        },
        {
            type: TYPES.s3PublicAccessBlock,
            name: "public-access-block",
            props: {
                bucket: "data-1a2b",
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            propertyDependencies: attached,
        },
        {
            type: TYPES.s3BucketPolicy,
            name: "policy",
            props: { bucket: "data-1a2b", policy },
            propertyDependencies: attached,
        },
        {
            type: TYPES.s3Versioning[0],
            name: "versioning",
            props: { bucket: "data-1a2b", versioningConfiguration: { status: "Enabled" } },
            propertyDependencies: attached,
        },
    ];
}

const one = (type: string, name: string, props: Record<string, unknown>) => (): FixtureResource[] => [
    { type, name, props },
];
const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);
const without = (name: string) => (graph: FixtureResource[]) =>
    graph.splice(
        graph.findIndex((r) => r.name === name),
        1,
    );

export const AWS_CASES: PolicyCases[] = [
    {
        policy: encryption.rdsStorageEncrypted,
        compliant: database,
        nonCompliant: { what: "storageEncrypted is false", change: set("db-instance", "storageEncrypted", false) },
        undefinedProperty: {
            what: "storageEncrypted",
            remove: set("db-instance", "storageEncrypted", undefined),
            verdict: "fail",
            because: "RDS leaves storage unencrypted",
        },
    },
    {
        policy: encryption.rdsForceTls,
        compliant: database,
        nonCompliant: {
            what: 'the parameter group sets rds.force_ssl to "0"',
            change: set("db-params", "parameters", [{ name: "rds.force_ssl", value: "0" }]),
        },
        undefinedProperty: {
            what: "rds.force_ssl in a postgres17 parameter group",
            remove: set("db-params", "parameters", []),
            verdict: "pass",
            because: "RDS for PostgreSQL 15+ forces TLS by default",
        },
    },
    {
        policy: encryption.elastiCacheAtRestEncryption,
        compliant: cache,
        nonCompliant: {
            what: "atRestEncryptionEnabled is false",
            change: set("cache-rg", "atRestEncryptionEnabled", false),
        },
        undefinedProperty: {
            what: "atRestEncryptionEnabled on valkey",
            remove: set("cache-rg", "atRestEncryptionEnabled", undefined),
            verdict: "pass",
            because: "the valkey engine encrypts at rest by default",
        },
    },
    {
        policy: encryption.elastiCacheInTransitEncryption,
        compliant: cache,
        nonCompliant: {
            what: "transitEncryptionEnabled is false",
            change: set("cache-rg", "transitEncryptionEnabled", false),
        },
        undefinedProperty: {
            what: "transitEncryptionEnabled",
            remove: set("cache-rg", "transitEncryptionEnabled", undefined),
            verdict: "fail",
            because: "in-transit encryption is off by default",
        },
    },
    {
        policy: encryption.elastiCacheAuthToken,
        compliant: cache,
        nonCompliant: { what: "authToken is empty", change: set("cache-rg", "authToken", "") },
        undefinedProperty: {
            what: "authToken",
            remove: set("cache-rg", "authToken", undefined),
            verdict: "fail",
            because: "clients then connect without authenticating",
        },
    },
    {
        policy: encryption.s3KmsEncryption,
        compliant: bucket,
        nonCompliant: {
            what: "the default encryption is AES256",
            change: set("encryption", "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]),
        },
        undefinedProperty: {
            what: "the bucket's encryption configuration",
            remove: without("encryption"),
            verdict: "fail",
            because: "S3 then applies SSE-S3, not KMS",
        },
    },
    {
        policy: encryption.s3PublicAccessBlock,
        compliant: bucket,
        nonCompliant: {
            what: "blockPublicPolicy is false",
            change: set("public-access-block", "blockPublicPolicy", false),
        },
        undefinedProperty: {
            what: "restrictPublicBuckets",
            remove: set("public-access-block", "restrictPublicBuckets", undefined),
            verdict: "fail",
            because: "each flag of the resource defaults to false",
        },
    },
    {
        policy: encryption.s3DenyInsecureTransport,
        compliant: bucket,
        nonCompliant: {
            what: "the policy's statement allows instead of denies",
            change: (graph) => {
                const props = named(graph, "policy").props;
                props.policy = String(props.policy).replace('"Deny"', '"Allow"');
            },
        },
        undefinedProperty: {
            what: "the bucket policy",
            remove: without("policy"),
            verdict: "fail",
            because: "S3 accepts plain HTTP unless a policy denies it",
        },
    },
    {
        policy: encryption.eksSecretsEncryption,
        compliant: one(TYPES.eksCluster, "eks", {
            encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: ["secrets"] },
        }),
        nonCompliant: {
            what: "encryptionConfig covers no secrets",
            change: set("eks", "encryptionConfig.resources", []),
        },
        undefinedProperty: {
            what: "encryptionConfig",
            remove: set("eks", "encryptionConfig", undefined),
            verdict: "fail",
            because: "EKS then uses an AWS-owned key, not yours",
        },
    },
    {
        policy: encryption.kmsKeyRotation,
        compliant: one(TYPES.kmsKey, "key", { enableKeyRotation: true, deletionWindowInDays: 30 }),
        nonCompliant: { what: "enableKeyRotation is false", change: set("key", "enableKeyRotation", false) },
        undefinedProperty: {
            what: "enableKeyRotation",
            remove: set("key", "enableKeyRotation", undefined),
            verdict: "fail",
            because: "KMS does not rotate by default",
        },
    },
    {
        policy: encryption.logGroupEncryptionOrRetention,
        compliant: one(TYPES.logGroup, "logs", { retentionInDays: 30 }),
        nonCompliant: { what: "retentionInDays is 0 (never expire)", change: set("logs", "retentionInDays", 0) },
        undefinedProperty: {
            what: "retentionInDays without kmsKeyId",
            remove: set("logs", "retentionInDays", undefined),
            verdict: "fail",
            because: "logs then never expire",
        },
    },
    {
        policy: backups.rdsBackupRetention,
        config: { minimumRetentionDays: 7 },
        compliant: database,
        nonCompliant: { what: "backupRetentionPeriod is 1", change: set("db-instance", "backupRetentionPeriod", 1) },
        undefinedProperty: {
            what: "backupRetentionPeriod",
            remove: set("db-instance", "backupRetentionPeriod", undefined),
            verdict: "fail",
            because: "RDS keeps 1 day by default",
        },
    },
    {
        policy: backups.rdsDeletionProtection,
        config: { required: true },
        compliant: database,
        nonCompliant: { what: "deletionProtection is false", change: set("db-instance", "deletionProtection", false) },
        undefinedProperty: {
            what: "deletionProtection",
            remove: set("db-instance", "deletionProtection", undefined),
            verdict: "fail",
            because: "deletion protection is off by default",
        },
    },
    {
        policy: backups.rdsFinalSnapshot,
        config: { required: true },
        compliant: database,
        nonCompliant: { what: "skipFinalSnapshot is true", change: set("db-instance", "skipFinalSnapshot", true) },
        undefinedProperty: {
            what: "skipFinalSnapshot",
            remove: set("db-instance", "skipFinalSnapshot", undefined),
            verdict: "pass",
            because: "it defaults to false, so the named final snapshot is taken",
        },
    },
    {
        policy: backups.rdsMultiAz,
        config: { required: true },
        compliant: database,
        nonCompliant: { what: "multiAz is false", change: set("db-instance", "multiAz", false) },
        undefinedProperty: {
            what: "multiAz",
            remove: set("db-instance", "multiAz", undefined),
            verdict: "fail",
            because: "an instance is single-AZ by default",
        },
    },
    {
        policy: backups.elastiCacheSnapshotRetention,
        config: { minimumRetentionDays: 7 },
        compliant: cache,
        nonCompliant: { what: "snapshotRetentionLimit is 0", change: set("cache-rg", "snapshotRetentionLimit", 0) },
        undefinedProperty: {
            what: "snapshotRetentionLimit",
            remove: set("cache-rg", "snapshotRetentionLimit", undefined),
            verdict: "fail",
            because: "ElastiCache takes no automatic snapshots by default",
        },
    },
    {
        policy: backups.s3Versioning,
        compliant: bucket,
        nonCompliant: {
            what: 'versioning is "Suspended"',
            change: set("versioning", "versioningConfiguration.status", "Suspended"),
        },
        undefinedProperty: {
            what: "the bucket's versioning configuration",
            remove: without("versioning"),
            verdict: "fail",
            because: "a bucket is unversioned by default",
        },
    },
    {
        policy: backups.awsDataResourcesProtected,
        config: { required: true },
        compliant: database,
        nonCompliant: {
            what: "the instance is not protected",
            change: (graph) => graph.splice(1, 1, { ...named(graph, "db-instance"), protect: false }),
        },
        undefinedProperty: {
            what: "the protect option",
            remove: (graph) => {
                const { protect, ...rest } = named(graph, "db-instance");
                void protect;
                graph.splice(1, 1, rest);
            },
            verdict: "fail",
            because: "Pulumi does not protect resources by default",
        },
    },
];
