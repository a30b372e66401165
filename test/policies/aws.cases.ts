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
                performanceInsightsEnabled: true,
                databaseInsightsMode: "advanced",
                performanceInsightsKmsKeyId: KEY_ARN,
                deleteAutomatedBackups: false,
            },
            propertyDependencies: { parameterGroupName: ["db-params"] },
        },
        {
            type: TYPES.rdsBackupReplication,
            name: "db-backup-replication",
            protect: true,
            props: {
                kmsKeyId: BACKUP_KEY_ARN,
                retentionPeriod: 30,
                sourceDbInstanceArn: "arn:aws:rds:eu-west-1:123456789012:db:app",
            },
            propertyDependencies: { sourceDbInstanceArn: ["db-instance"] },
        },
    ];
}

export const BACKUP_KEY_ARN = "arn:aws:kms:eu-central-1:123456789012:key/9999aaaa-2222-4333-8444-555566667777";

/** Resources whose key properties come from KMS keys of the graph (as `key.arn` / `key.id` inputs do). */
export function keyed(): FixtureResource[] {
    return [
        { type: TYPES.kmsKey, name: "db-key", protect: true, props: { enableKeyRotation: true } },
        {
            type: TYPES.rdsInstance,
            name: "db-instance",
            protect: true,
            props: { storageEncrypted: true, kmsKeyId: "db-key-1a2b3c", performanceInsightsKmsKeyId: "db-key-1a2b3c" },
            propertyDependencies: { kmsKeyId: ["db-key"], performanceInsightsKmsKeyId: ["db-key"] },
        },
        { type: TYPES.snsTopic, name: "alerts", props: { kmsMasterKeyId: KEY_ARN } },
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
                automaticFailoverEnabled: true,
                multiAzEnabled: true,
                numCacheClusters: 2,
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
        {
            type: TYPES.s3Lifecycle,
            name: "lifecycle",
            props: {
                bucket: "data-1a2b",
                rules: [{ id: "expire", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }],
            },
            propertyDependencies: attached,
        },
    ];
}

const one = (type: string, name: string, props: Record<string, unknown>) => (): FixtureResource[] => [
    { type, name, props: structuredClone(props) },
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
            what: "the instance uses a parameter group this stack does not manage",
            change: (graph) => {
                const db = named(graph, "db-instance");
                graph.splice(1, 1, {
                    ...db,
                    props: { ...db.props, parameterGroupName: "shared-pg" },
                    propertyDependencies: {},
                });
            },
        },
        undefinedProperty: {
            what: "parameterGroupName on PostgreSQL 17",
            remove: (graph) => {
                const db = named(graph, "db-instance");
                const { parameterGroupName, ...props } = db.props;
                void parameterGroupName;
                graph.splice(1, 1, { ...db, props, propertyDependencies: {} });
            },
            verdict: "pass",
            because: "the default group forces TLS from PostgreSQL 15",
        },
        unknownProperty: {
            verdict: "pass",
            because: "the graph says the unknown name comes from the stack's parameter group",
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
        unknownProperty: {
            verdict: "pass",
            because: "a token generated by @pulumi/random is set but unknown in a preview",
        },
        undefinedProperty: {
            what: "authToken",
            remove: set("cache-rg", "authToken", undefined),
            verdict: "fail",
            because: "clients then connect without authenticating",
        },
    },
    {
        policy: encryption.s3EncryptionAttached,
        compliant: bucket,
        nonCompliant: { what: "no encryption configuration targets the bucket", change: without("encryption") },
        undefinedProperty: {
            what: "the bucket's encryption configuration",
            remove: without("encryption"),
            verdict: "fail",
            because: "S3 then applies SSE-S3, not KMS",
        },
    },
    {
        policy: encryption.s3EncryptionConfigurationKms,
        compliant: bucket,
        nonCompliant: {
            what: "the default encryption is AES256",
            change: set("encryption", "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]),
        },
        undefinedProperty: {
            what: "kmsMasterKeyId",
            remove: set("encryption", "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }]),
            verdict: "fail",
            because: "S3 then uses the AWS-managed key aws/s3",
        },
    },
    {
        policy: encryption.s3PublicAccessBlockSettings,
        compliant: bucket,
        nonCompliant: {
            what: "ignorePublicAcls is false",
            change: set("public-access-block", "ignorePublicAcls", false),
        },
        undefinedProperty: {
            what: "blockPublicAcls",
            remove: set("public-access-block", "blockPublicAcls", undefined),
            verdict: "fail",
            because: "each flag of the resource defaults to false",
        },
    },
    {
        policy: encryption.s3BucketPolicyDeniesInsecureTransport,
        compliant: bucket,
        nonCompliant: {
            what: "the deny statement covers only bucket/*",
            change: (graph) => {
                const props = named(graph, "policy").props;
                props.policy = String(props.policy).replace('"arn:aws:s3:::data-1a2b",', "");
            },
        },
        undefinedProperty: {
            what: "the policy document",
            remove: set("policy", "policy", undefined),
            verdict: "fail",
            because: "no statement then denies plain HTTP",
        },
    },
    {
        policy: encryption.rdsParameterGroupForceSsl,
        compliant: database,
        nonCompliant: {
            what: 'rds.force_ssl is "0"',
            change: set("db-params", "parameters", [{ name: "rds.force_ssl", value: "0" }]),
        },
        undefinedProperty: {
            what: "rds.force_ssl in a postgres14 group",
            remove: (graph) => Object.assign(named(graph, "db-params").props, { family: "postgres14", parameters: [] }),
            verdict: "fail",
            because: "rds.force_ssl defaults to 0 before PostgreSQL 15",
        },
    },
    {
        policy: encryption.rdsDatabaseInsightsCmk,
        compliant: database,
        nonCompliant: {
            what: "performanceInsightsKmsKeyId is the AWS-managed alias/aws/rds",
            change: set("db-instance", "performanceInsightsKmsKeyId", "alias/aws/rds"),
        },
        undefinedProperty: {
            what: "performanceInsightsKmsKeyId",
            remove: set("db-instance", "performanceInsightsKmsKeyId", undefined),
            verdict: "fail",
            because: "RDS then uses the AWS-managed key aws/rds",
        },
        unknownProperty: {
            verdict: "pass",
            because: "a key of the stack is unknown until created; aws-customer-managed-keys checks it comes from one",
        },
    },
    {
        policy: encryption.snsTopicCmk,
        compliant: one(TYPES.snsTopic, "topic", { kmsMasterKeyId: KEY_ARN }),
        nonCompliant: {
            what: "kmsMasterKeyId is alias/aws/sns",
            change: set("topic", "kmsMasterKeyId", "alias/aws/sns"),
        },
        undefinedProperty: {
            what: "kmsMasterKeyId",
            remove: set("topic", "kmsMasterKeyId", undefined),
            verdict: "fail",
            because: "SNS then stores messages unencrypted",
        },
        unknownProperty: {
            verdict: "pass",
            because: "a key of the stack is unknown until created; aws-customer-managed-keys checks it comes from one",
        },
    },
    {
        policy: encryption.ecrRepositoryCmk,
        compliant: one(TYPES.ecrRepository, "repo", {
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY_ARN }],
        }),
        nonCompliant: {
            what: "encryptionType is AES256",
            change: set("repo", "encryptionConfigurations", [{ encryptionType: "AES256" }]),
        },
        undefinedProperty: {
            what: "kmsKey with encryptionType KMS",
            remove: set("repo", "encryptionConfigurations", [{ encryptionType: "KMS" }]),
            verdict: "fail",
            because: "ECR then uses the AWS-managed key aws/ecr",
        },
    },
    {
        policy: encryption.kmsKeyPolicyNoWildcard,
        compliant: one(TYPES.kmsKey, "key", {
            policy: JSON.stringify({
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { AWS: "arn:aws:iam::123456789012:root" },
                        Action: "kms:*",
                        Resource: "*",
                    },
                ],
            }),
        }),
        nonCompliant: {
            what: 'the policy allows "kms:*" to "*"',
            change: set(
                "key",
                "policy",
                JSON.stringify({
                    Statement: [{ Sid: "Open", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
                }),
            ),
        },
        undefinedProperty: {
            what: "the key policy",
            remove: set("key", "policy", undefined),
            verdict: "pass",
            because: "KMS then applies the default key policy, the account root only",
        },
    },
    {
        policy: encryption.logGroupKms,
        config: { requireKmsKey: true },
        compliant: one(TYPES.logGroup, "logs", { kmsKeyId: KEY_ARN, retentionInDays: 30 }),
        nonCompliant: { what: "kmsKeyId is an AWS-managed alias", change: set("logs", "kmsKeyId", "alias/aws/logs") },
        undefinedProperty: {
            what: "kmsKeyId",
            remove: set("logs", "kmsKeyId", undefined),
            verdict: "fail",
            because: "CloudWatch Logs then uses its service key",
        },
        unknownProperty: {
            verdict: "pass",
            because: "a key of the stack is unknown until created; aws-customer-managed-keys checks it comes from one",
        },
    },
    {
        policy: encryption.customerManagedKeys,
        compliant: keyed,
        nonCompliant: {
            what: "kmsKeyId is a customer alias name instead of a key of the stack",
            change: (graph) => {
                const db = named(graph, "db-instance");
                db.props.kmsKeyId = "alias/app-data";
                graph.splice(1, 1, { ...db, propertyDependencies: { performanceInsightsKmsKeyId: ["db-key"] } });
            },
        },
        undefinedProperty: {
            what: "every key property",
            remove: (graph) => {
                setPath(named(graph, "db-instance").props, "kmsKeyId", undefined);
                setPath(named(graph, "db-instance").props, "performanceInsightsKmsKeyId", undefined);
            },
            verdict: "pass",
            because: "missing keys are the resource rules' findings (aws-rds-storage-encrypted-cmk …)",
        },
        unknownProperty: {
            verdict: "pass",
            because: "an unknown value that comes from a key of the stack is a customer key",
        },
    },
    {
        policy: backups.s3VersioningEnabled,
        compliant: bucket,
        nonCompliant: {
            what: 'versioning is "Suspended"',
            change: set("versioning", "versioningConfiguration.status", "Suspended"),
        },
        undefinedProperty: {
            what: "the status",
            remove: set("versioning", "versioningConfiguration.status", undefined),
            verdict: "fail",
            because: "a bucket is unversioned by default",
        },
    },
    {
        policy: backups.s3ForceDestroyOff,
        config: { required: true },
        compliant: bucket,
        nonCompliant: { what: "forceDestroy is true", change: set("bucket", "forceDestroy", true) },
        undefinedProperty: {
            what: "forceDestroy",
            remove: set("bucket", "forceDestroy", undefined),
            verdict: "pass",
            because: "it defaults to false",
        },
    },
    {
        policy: backups.s3NoncurrentVersionExpiry,
        config: { minimumDays: 30 },
        compliant: bucket,
        nonCompliant: {
            what: "noncurrent versions expire after 1 day",
            change: set("lifecycle", "rules", [
                { status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 1 } },
            ]),
        },
        undefinedProperty: {
            what: "noncurrentVersionExpiration",
            remove: set("lifecycle", "rules", [{ status: "Enabled" }]),
            verdict: "pass",
            because: "noncurrent versions are then kept forever",
        },
    },
    {
        policy: backups.rdsKeepAutomatedBackups,
        config: { required: true },
        compliant: database,
        nonCompliant: {
            what: "deleteAutomatedBackups is true",
            change: set("db-instance", "deleteAutomatedBackups", true),
        },
        undefinedProperty: {
            what: "deleteAutomatedBackups",
            remove: set("db-instance", "deleteAutomatedBackups", undefined),
            verdict: "fail",
            because: "the provider's default is true",
        },
    },
    {
        policy: backups.rdsBackupReplication,
        config: { minimumRetentionDays: 30 },
        compliant: database,
        nonCompliant: {
            what: "the replicated backups use alias/aws/rds",
            change: set("db-backup-replication", "kmsKeyId", "alias/aws/rds"),
        },
        undefinedProperty: {
            what: "retentionPeriod",
            remove: set("db-backup-replication", "retentionPeriod", undefined),
            verdict: "fail",
            because: "the provider keeps 7 days, under the 30 required",
        },
        unknownProperty: {
            verdict: "pass",
            because: "a key of the stack is unknown until created; aws-customer-managed-keys checks it comes from one",
        },
    },
    {
        policy: backups.rdsBackupReplicationPresent,
        config: { required: true },
        compliant: database,
        nonCompliant: { what: "no backup replication exists", change: without("db-backup-replication") },
        undefinedProperty: {
            what: "the replication's link to the instance",
            remove: (graph) => {
                const r = named(graph, "db-backup-replication");
                graph.splice(graph.indexOf(r), 1, { ...r, propertyDependencies: {} });
            },
            verdict: "fail",
            because: "a replication of another instance does not protect this one",
        },
    },
    {
        policy: backups.elastiCacheFailover,
        config: { required: true },
        compliant: cache,
        nonCompliant: { what: "multiAzEnabled is false", change: set("cache-rg", "multiAzEnabled", false) },
        undefinedProperty: {
            what: "automaticFailoverEnabled",
            remove: set("cache-rg", "automaticFailoverEnabled", undefined),
            verdict: "fail",
            because: "failover is off by default",
        },
    },
    {
        policy: backups.kmsKeyDeletionWindow,
        config: { minimumDays: 30 },
        compliant: one(TYPES.kmsKey, "key", { deletionWindowInDays: 30 }),
        nonCompliant: { what: "deletionWindowInDays is 7", change: set("key", "deletionWindowInDays", 7) },
        undefinedProperty: {
            what: "deletionWindowInDays",
            remove: set("key", "deletionWindowInDays", undefined),
            verdict: "pass",
            because: "KMS waits 30 days by default",
        },
    },
    {
        policy: backups.dataStoreKeysProtected,
        config: { required: true },
        compliant: keyed,
        nonCompliant: {
            what: "the database's key is not protected",
            change: (graph) => graph.splice(0, 1, { ...named(graph, "db-key"), protect: false }),
        },
        undefinedProperty: {
            what: "the protect option of the key",
            remove: (graph) => {
                const { protect, ...rest } = named(graph, "db-key");
                void protect;
                graph.splice(0, 1, rest);
            },
            verdict: "fail",
            because: "Pulumi does not protect resources by default",
        },
    },
    {
        policy: encryption.s3PublicAccessBlock,
        compliant: bucket,
        nonCompliant: { what: "no public access block targets the bucket", change: without("public-access-block") },
        undefinedProperty: {
            what: "the public access block",
            remove: without("public-access-block"),
            verdict: "fail",
            because: "nothing then keeps the bucket private",
        },
    },
    {
        policy: encryption.s3DenyInsecureTransport,
        compliant: bucket,
        nonCompliant: { what: "no bucket policy targets the bucket", change: without("policy") },
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
        nonCompliant: { what: "no BucketVersioning targets the bucket", change: without("versioning") },
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
