/**
 * Backups and deletion safety on AWS: retention windows, deletion protection, final snapshots,
 * standbys where required, bucket versioning, and `protect` on the resources that hold data.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    attachedTo,
    isSet,
    label,
    ofTypes,
    peek,
    resourcePolicy,
    setting,
    stackPolicy,
    dataResourcesProtected,
} from "../lib/policy";
import {
    ElastiCacheReplicationGroup,
    KmsKey,
    RdsBackupReplication,
    RdsInstance,
    S3Bucket,
    S3BucketLifecycle,
    S3BucketVersioning,
    TYPES,
} from "../lib/shapes";
import { customerKeyProblem } from "./encryption";

export const rdsBackupRetention = resourcePolicy({
    name: "aws-rds-backup-retention",
    description: "RDS instances keep automated backups for at least the configured number of days.",
    severity: "high",
    types: [TYPES.rdsInstance],
    settings: {
        minimumRetentionDays: setting.days(7, "Fewest days of automated backups (RDS allows 0-35).", 35),
    },
    validate: (db: RdsInstance, { config, args, report }) => {
        if (isSet(db, "replicateSourceDb")) {
            args.notApplicable("read replicas are backed up through their source");
        }
        // RDS keeps 1 day of automated backups when the API call does not say.
        const days = db.backupRetentionPeriod ?? 1;
        if (days < config.minimumRetentionDays) {
            report(
                `Automated backups are kept ${days} day(s)${db.backupRetentionPeriod === undefined ? " (RDS default)" : ""}; ` +
                    `this environment requires at least ${config.minimumRetentionDays}. Fix: set backupRetentionPeriod to ` +
                    `${config.minimumRetentionDays} or more (on this platform: platform:backupRetentionDays).`,
            );
        }
    },
});

export const rdsDeletionProtection = resourcePolicy({
    name: "aws-rds-deletion-protection",
    description: "RDS instances have deletion protection on where the environment requires it.",
    severity: "medium",
    types: [TYPES.rdsInstance],
    settings: { required: setting.flag(true, "Require deletionProtection: true.") },
    validate: (db: RdsInstance, { config, args, report }) => {
        if (!config.required) args.notApplicable("deletion protection is not required in this environment");
        if (db.deletionProtection !== true) {
            report(
                `Deletion protection is ${db.deletionProtection === false ? "off" : "not set (off by default)"}. ` +
                    "Fix: set deletionProtection: true (on this platform: platform:deletionProtection: true).",
            );
        }
    },
});

export const rdsFinalSnapshot = resourcePolicy({
    name: "aws-rds-final-snapshot",
    description: "RDS instances take a final snapshot when deleted, where the environment requires it.",
    severity: "medium",
    types: [TYPES.rdsInstance],
    settings: { required: setting.flag(true, "Require a final snapshot on deletion.") },
    validate: (db: RdsInstance, { config, args, report }) => {
        if (!config.required) args.notApplicable("a final snapshot is not required in this environment");
        // "Must not be provided when deleting a read replica" (@pulumi/aws rds/instance.d.ts finalSnapshotIdentifier).
        if (isSet(db, "replicateSourceDb"))
            args.notApplicable("a read replica takes no final snapshot (its source does)");
        // skipFinalSnapshot defaults to false, but deletion then needs finalSnapshotIdentifier.
        if (db.skipFinalSnapshot === true || !isSet(db, "finalSnapshotIdentifier")) {
            report(
                `No final snapshot would be taken on deletion (${
                    db.skipFinalSnapshot === true ? "skipFinalSnapshot is true" : "finalSnapshotIdentifier is not set"
                }). Fix: set skipFinalSnapshot: false and a finalSnapshotIdentifier (on this platform: ` +
                    "platform:deletionProtection: true).",
            );
        }
    },
});

export const rdsMultiAz = resourcePolicy({
    name: "aws-rds-multi-az",
    description: "RDS instances run a Multi-AZ standby where the environment requires high availability.",
    severity: "medium",
    types: [TYPES.rdsInstance],
    settings: { required: setting.flag(false, "Require multiAz: true.") },
    validate: (db: RdsInstance, { config, args, report }) => {
        if (!config.required) args.notApplicable("Multi-AZ is not required in this environment");
        // Availability comes from the source's standby; a replica is read capacity (aws-rds-read-replicas).
        if (isSet(db, "replicateSourceDb")) args.notApplicable("a read replica fails over with its source's standby");
        if (db.multiAz !== true) {
            report(
                `The instance has no standby in another zone (multiAz: ${db.multiAz ?? "not set, single-AZ"}). ` +
                    "Fix: set multiAz: true (on this platform: platform:highAvailability: true).",
            );
        }
    },
});

export const elastiCacheSnapshotRetention = resourcePolicy({
    name: "aws-elasticache-snapshot-retention",
    description: "ElastiCache replication groups keep daily snapshots for at least the configured number of days.",
    severity: "medium",
    types: [TYPES.elastiCacheReplicationGroup],
    settings: {
        minimumRetentionDays: setting.days(7, "Fewest days of snapshots (ElastiCache allows 0-35).", 35),
    },
    validate: (group: ElastiCacheReplicationGroup, { config, report }) => {
        // Without snapshotRetentionLimit ElastiCache takes no automatic snapshots (0).
        const days = group.snapshotRetentionLimit ?? 0;
        if (days < config.minimumRetentionDays) {
            report(
                `Snapshots are kept ${days} day(s)${days === 0 ? " (automatic snapshots off)" : ""}; this environment ` +
                    `requires at least ${config.minimumRetentionDays}. Fix: set snapshotRetentionLimit to ` +
                    `${config.minimumRetentionDays} or more (on this platform: platform:backupRetentionDays).`,
            );
        }
    },
});

export const s3Versioning = stackPolicy({
    name: "aws-s3-versioning",
    description: "Every S3 bucket has a BucketVersioning attached (its status: aws-s3-versioning-enabled).",
    severity: "medium",
    validate: ({ resources, report }) => {
        for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
            const props = bucket.props as S3Bucket;
            // The bucket's own `versioning` is a deprecated output read back from S3 (unversioned at creation,
            // before the BucketVersioning applies): only the separate resource counts.
            if (attachedTo(resources, bucket, TYPES.s3Versioning, "bucket", peek(props, "bucket")).length === 0) {
                report(
                    bucket,
                    `${label(bucket)} does not keep object versions (no BucketVersioning targets it: unversioned), so ` +
                        'an overwrite or delete loses data. Fix: add a BucketVersioning with status "Enabled" (on ' +
                        'this platform: remove "versioning": false from the aws bag of platform:storage).',
                );
            }
        }
    },
});

export const s3VersioningEnabled = resourcePolicy({
    name: "aws-s3-versioning-enabled",
    description: 'S3 BucketVersioning resources set status "Enabled".',
    severity: "medium",
    types: TYPES.s3Versioning,
    validate: (versioning: S3BucketVersioning, { report }) => {
        const status = versioning.versioningConfiguration?.status;
        if (status !== "Enabled") {
            report(
                `Versioning status is ${status ?? "not set"}, so an overwrite or delete loses data. Fix: set ` +
                    'versioningConfiguration.status "Enabled" (on this platform: remove "versioning": false from the ' +
                    "aws bag of platform:storage).",
            );
        }
    },
});

export const s3ForceDestroyOff = resourcePolicy({
    name: "aws-s3-bucket-force-destroy-off",
    description: "S3 buckets do not set forceDestroy (deletes every object with the bucket), where required.",
    severity: "high",
    types: TYPES.s3Buckets,
    settings: { required: setting.flag(true, "Require forceDestroy to be off (set in protected environments).") },
    validate: (bucket: S3Bucket, { config, args, report }) => {
        if (!config.required) args.notApplicable("buckets may be emptied on delete in this environment");
        // forceDestroy defaults to false: a non-empty bucket then cannot be deleted.
        if (bucket.forceDestroy === true) {
            report(
                "forceDestroy is true, so deleting the bucket deletes every object in it. Fix: set forceDestroy: false.",
            );
        }
    },
});

export const s3NoncurrentVersionExpiry = resourcePolicy({
    name: "aws-s3-noncurrent-version-expiry",
    description: "S3 lifecycle rules keep noncurrent object versions for at least the configured number of days.",
    severity: "medium",
    types: [TYPES.s3Lifecycle],
    settings: { minimumDays: setting.days(7, "Fewest days a noncurrent object version is kept before it expires.") },
    validate: (lifecycle: S3BucketLifecycle, { config, report }) => {
        for (const rule of lifecycle.rules ?? []) {
            const days = rule.noncurrentVersionExpiration?.noncurrentDays;
            if (rule.status === "Enabled" && typeof days === "number" && days < config.minimumDays) {
                report(
                    `A lifecycle rule expires noncurrent versions after ${days} day(s); this environment keeps them at ` +
                        `least ${config.minimumDays}, so an overwritten or deleted object can be restored. Fix: set ` +
                        `noncurrentVersionExpiration.noncurrentDays to ${config.minimumDays} or more.`,
                );
            }
        }
    },
});

export const rdsKeepAutomatedBackups = resourcePolicy({
    name: "aws-rds-keep-automated-backups",
    description:
        "RDS instances keep their automated backups when deleted (deleteAutomatedBackups: false), where required.",
    severity: "high",
    types: [TYPES.rdsInstance],
    settings: { required: setting.flag(true, "Require deleteAutomatedBackups: false.") },
    validate: (db: RdsInstance, { config, args, report }) => {
        if (!config.required) args.notApplicable("keeping automated backups is not required in this environment");
        // The provider's default is true: deleting the instance deletes its automated backups.
        if (db.deleteAutomatedBackups !== false) {
            report(
                `deleteAutomatedBackups is ${db.deleteAutomatedBackups ?? "not set (true by default)"}, so deleting the ` +
                    "instance deletes its point-in-time backups. Fix: set deleteAutomatedBackups: false.",
            );
        }
    },
});

export const rdsBackupReplication = resourcePolicy({
    name: "aws-rds-backup-replication",
    description: "Replicated RDS backups are encrypted with a customer-managed key and kept at least the minimum days.",
    severity: "high",
    types: [TYPES.rdsBackupReplication],
    settings: { minimumRetentionDays: setting.days(7, "Fewest days replicated backups are kept (AWS: 1-35).", 35) },
    validate: (replication: RdsBackupReplication, { config, report }) => {
        // The provider's default retention is 7 days.
        const days = replication.retentionPeriod ?? 7;
        if (days < config.minimumRetentionDays) {
            report(
                `Replicated backups are kept ${days} day(s); this environment requires ${config.minimumRetentionDays}. ` +
                    `Fix: set retentionPeriod to ${config.minimumRetentionDays} or more (platform:backupRetentionDays).`,
            );
        }
        const problem = customerKeyProblem(peek(replication, "kmsKeyId"), "kmsKeyId", "aws/rds (in the backup region)");
        if (problem) report(`Replicated backups: ${problem} Fix: set kmsKeyId to a customer key in the backup region.`);
    },
});

export const rdsBackupReplicationPresent = stackPolicy({
    name: "aws-rds-backup-replication-present",
    description:
        "Every RDS instance (not a read replica) replicates its automated backups to another region, where required.",
    severity: "high",
    settings: { required: setting.flag(false, "Require a cross-region automated backups replication per instance.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("cross-region backups are not required in this environment");
        const replications = ofTypes(resources, [TYPES.rdsBackupReplication]);
        for (const db of ofTypes(resources, [TYPES.rdsInstance])) {
            if (isSet(db.props as RdsInstance, "replicateSourceDb")) continue;
            const arn = peek(db.props as { arn?: string }, "arn");
            const replicated = replications.some(
                (r) =>
                    (r.propertyDependencies.sourceDbInstanceArn ?? []).some((d) => d.urn === db.urn) ||
                    (arn !== undefined && peek(r.props as RdsBackupReplication, "sourceDbInstanceArn") === arn),
            );
            if (!replicated) {
                report(
                    db,
                    `${label(db)} keeps its backups in one region only. Fix: add an ` +
                        "aws.rds.InstanceAutomatedBackupsReplication with sourceDbInstanceArn: instance.arn (a provider in " +
                        "the backup region) and kmsKeyId of a customer key there.",
                );
            }
        }
    },
});

export const elastiCacheFailover = resourcePolicy({
    name: "aws-elasticache-failover",
    description:
        "ElastiCache replication groups fail over automatically across zones where the environment requires it.",
    severity: "medium",
    types: [TYPES.elastiCacheReplicationGroup],
    settings: { required: setting.flag(false, "Require automaticFailoverEnabled and multiAzEnabled with a replica.") },
    validate: (group: ElastiCacheReplicationGroup, { config, args, report }) => {
        if (!config.required) args.notApplicable("automatic failover is not required in this environment");
        // Both default to false; failover needs at least one replica (numCacheClusters >= 2).
        const missing = [
            group.automaticFailoverEnabled !== true ? "automaticFailoverEnabled" : undefined,
            group.multiAzEnabled !== true ? "multiAzEnabled" : undefined,
            (group.numCacheClusters ?? 1) < 2 ? "numCacheClusters >= 2" : undefined,
        ].filter((m) => m !== undefined);
        if (missing.length > 0) {
            report(
                `The cache does not fail over to another zone (${missing.join(", ")} not set). Fix: set ` +
                    "automaticFailoverEnabled: true, multiAzEnabled: true and numCacheClusters: 2 or more (on this " +
                    "platform: platform:highAvailability: true).",
            );
        }
    },
});

export const kmsKeyDeletionWindow = resourcePolicy({
    name: "aws-kms-key-deletion-window",
    description: "KMS keys wait at least the configured number of days before deletion.",
    severity: "medium",
    types: [TYPES.kmsKey],
    settings: { minimumDays: setting.days(7, "Fewest days of the key's deletion window (KMS allows 7-30).", 30) },
    validate: (key: KmsKey, { config, report }) => {
        // KMS waits 30 days when deletionWindowInDays is not set.
        const days = key.deletionWindowInDays ?? 30;
        if (days < config.minimumDays) {
            report(
                `The key is deleted ${days} day(s) after a delete request; this environment requires ${config.minimumDays}, ` +
                    `time to notice and cancel before the data it encrypts is lost. Fix: set deletionWindowInDays to ` +
                    `${config.minimumDays} or more.`,
            );
        }
    },
});

/** The AWS resources that hold data. */
export const AWS_DATA_RESOURCE_TYPES = [
    TYPES.rdsInstance,
    "aws:rds/cluster:Cluster",
    TYPES.elastiCacheReplicationGroup,
    ...TYPES.s3Buckets,
    "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem",
];

export const awsDataResourcesProtected = dataResourcesProtected("aws", AWS_DATA_RESOURCE_TYPES);

/** Key properties of the data resources: a data store's key must outlive the data. */
const DATA_KEY_PROPERTIES = ["kmsKeyId", "performanceInsightsKmsKeyId", "rules", "encryptionConfig"];

export const dataStoreKeysProtected = stackPolicy({
    name: "aws-data-store-keys-protected",
    description: "The KMS keys that encrypt data resources carry protect where the environment requires it.",
    severity: "high",
    settings: { required: setting.flag(false, "Require protect on the keys of data resources.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("protect is not required in this environment");
        const dataTypes = [
            ...AWS_DATA_RESOURCE_TYPES,
            ...TYPES.s3Encryption,
            TYPES.rdsBackupReplication,
            TYPES.eksCluster,
        ];
        const keys = new Map<string, PolicyResource>();
        for (const r of ofTypes(resources, dataTypes)) {
            for (const property of DATA_KEY_PROPERTIES) {
                for (const d of r.propertyDependencies[property] ?? []) {
                    if (d.type === TYPES.kmsKey) keys.set(d.urn, d);
                }
            }
        }
        for (const key of keys.values()) {
            if (!key.opts.protect) {
                report(
                    key,
                    `KMS key ${label(key)} encrypts data but is not protected: deleting it (after its window) makes the ` +
                        "data unreadable. Fix: create it with { protect: true } (platform:deletionProtection: true).",
                );
            }
        }
    },
});

export const awsBackupPolicies = [
    rdsBackupRetention,
    rdsDeletionProtection,
    rdsFinalSnapshot,
    rdsMultiAz,
    elastiCacheSnapshotRetention,
    s3Versioning,
    s3VersioningEnabled,
    s3ForceDestroyOff,
    s3NoncurrentVersionExpiry,
    rdsKeepAutomatedBackups,
    rdsBackupReplication,
    rdsBackupReplicationPresent,
    elastiCacheFailover,
    kmsKeyDeletionWindow,
    awsDataResourcesProtected,
    dataStoreKeysProtected,
];
