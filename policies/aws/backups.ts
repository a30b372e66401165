/**
 * Backups and deletion safety on AWS: retention windows, deletion protection, final snapshots,
 * standbys where required, bucket versioning, and `protect` on the resources that hold data.
 */
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
import { ElastiCacheReplicationGroup, RdsInstance, S3Bucket, S3BucketVersioning, TYPES } from "../lib/shapes";

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
    description: "Every S3 bucket keeps object versions (versioning enabled).",
    severity: "medium",
    validate: ({ resources, report }) => {
        for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
            const props = bucket.props as S3Bucket;
            const configs = attachedTo(resources, bucket, TYPES.s3Versioning, "bucket", peek(props, "bucket"));
            const statuses = configs.map((c) => (c.props as S3BucketVersioning).versioningConfiguration?.status);
            // The bucket's own `versioning` is a deprecated output read back from S3 (unversioned at creation,
            // before the BucketVersioning applies): only the separate resource is judged.
            const enabled = statuses.includes("Enabled");
            if (!enabled) {
                report(
                    configs[0] ?? bucket,
                    `${label(bucket)} does not keep object versions (${
                        statuses.length > 0
                            ? `status ${statuses.join(", ")}`
                            : "no BucketVersioning targets it: unversioned"
                    }), so an overwrite or delete loses data. Fix: add a BucketVersioning with status "Enabled" (on ` +
                        'this platform: remove "versioning": false from the aws bag of platform:storage).',
                );
            }
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

export const awsBackupPolicies = [
    rdsBackupRetention,
    rdsDeletionProtection,
    rdsFinalSnapshot,
    rdsMultiAz,
    elastiCacheSnapshotRetention,
    s3Versioning,
    awsDataResourcesProtected,
];
