/**
 * AWS Backup (issue 15 item 6): the database is in a backup plan's selection where required (staging and
 * prod), every plan rule copies to a second region's vault and every vault is locked where required (prod),
 * and the bucket replicates to another region where required (prod). Bucket `forceDestroy` is
 * aws-s3-bucket-force-destroy-off in backups.ts.
 * Sources: @pulumi/aws 7.48.0 backup/selection.d.ts (`resources`: ARNs), backup/plan.d.ts (`rules[].copyActions`),
 * backup/vaultLockConfiguration.d.ts (`backupVaultName`), s3/bucketReplicationConfig.d.ts (`bucket`, `rules`).
 */
import type { PolicyResource } from "@pulumi/policy";
import { attachedTo, isSet, label, ofTypes, peek, resourcePolicy, setting, stackPolicy } from "../lib/policy";
import { TYPES } from "../lib/shapes";

export const BACKUP_TYPES = {
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
    vault: "aws:backup/vault:Vault",
    vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

interface BackupPlan {
    rules?: { ruleName?: string; copyActions?: { destinationVaultArn?: string }[] }[];
}

/** Whether a selection names the resource: by a property dependency, or by its literal ARN. */
function selects(selection: PolicyResource, target: PolicyResource): boolean {
    const arn = peek(target.props as { arn?: string }, "arn");
    const resources = peek(selection.props as { resources?: string[] }, "resources");
    return (
        (selection.propertyDependencies.resources ?? []).some((d) => d.urn === target.urn) ||
        (typeof arn === "string" && Array.isArray(resources) && resources.includes(arn))
    );
}

export const backupPlanCoversDatabase = stackPolicy({
    name: "aws-backup-plan-covers-database",
    description: "Every RDS instance (not a read replica) is in an AWS Backup selection, where required.",
    severity: "high",
    settings: { required: setting.flag(false, "Require an AWS Backup selection naming each RDS instance.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("an AWS Backup plan is not required in this environment");
        const selections = ofTypes(resources, [BACKUP_TYPES.selection]);
        for (const db of ofTypes(resources, [TYPES.rdsInstance])) {
            if (isSet(db.props as { replicateSourceDb?: string }, "replicateSourceDb")) continue;
            if (!selections.some((s) => selects(s, db))) {
                report(
                    db,
                    `${label(db)} is in no AWS Backup plan, so it has no backups beyond its automated ones. Fix: add an ` +
                        "aws.backup.Selection with resources: [instance.arn] on a plan (on this platform: the Backup " +
                        "capability, components/backup).",
                );
            }
        }
    },
});

export const backupPlanCopiesToSecondRegion = resourcePolicy({
    name: "aws-backup-plan-copies-to-second-region",
    description: "Every AWS Backup plan rule copies its backup to a vault in a second region, where required.",
    severity: "high",
    types: [BACKUP_TYPES.plan],
    settings: { required: setting.flag(false, "Require a copy action on every rule.") },
    validate: (plan: BackupPlan, { config, args, report }) => {
        if (!config.required) args.notApplicable("off-region copies are not required in this environment");
        const missing = (plan.rules ?? []).filter((r) => !(r.copyActions ?? []).some((c) => c.destinationVaultArn));
        if ((plan.rules ?? []).length === 0 || missing.length > 0) {
            report(
                `${missing.length > 0 ? `The rule(s) ${missing.map((r) => r.ruleName).join(", ")}` : "The plan"} keep ` +
                    "backups in one region only. Fix: add copyActions: [{destinationVaultArn: <a vault in the backup " +
                    "region>}] to every rule (on this platform: platform:backup.copyToBackupRegion: true).",
            );
        }
    },
});

export const backupVaultLocked = stackPolicy({
    name: "aws-backup-vault-locked",
    description: "Every AWS Backup vault has a vault lock, where required.",
    severity: "high",
    settings: { required: setting.flag(false, "Require a VaultLockConfiguration on every vault.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("vault locks are not required in this environment");
        for (const vault of ofTypes(resources, [BACKUP_TYPES.vault])) {
            const name = peek(vault.props as { name?: string }, "name");
            if (attachedTo(resources, vault, [BACKUP_TYPES.vaultLock], "backupVaultName", name).length === 0) {
                report(
                    vault,
                    `${label(vault)} has no vault lock, so anyone allowed to can delete its recovery points early. Fix: ` +
                        "add an aws.backup.VaultLockConfiguration with backupVaultName: vault.name (on this platform: " +
                        'platform:backup.vaultLock "governance" or "compliance").',
                );
            }
        }
    },
});

export const s3ReplicatedToSecondRegion = stackPolicy({
    name: "aws-s3-replicated-to-second-region",
    description: "Every S3 bucket (not a replica) replicates to another region, where required.",
    severity: "medium",
    settings: { required: setting.flag(false, "Require a BucketReplicationConfig on every source bucket.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("cross-region replication is not required in this environment");
        const replications = ofTypes(resources, [BACKUP_TYPES.replication]);
        // A bucket that is some replication's destination is a replica; it needs no replication of its own.
        const replicas = new Set(replications.flatMap((r) => (r.propertyDependencies.rules ?? []).map((d) => d.urn)));
        for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
            if (replicas.has(bucket.urn)) continue;
            const name = peek(bucket.props as { bucket?: string }, "bucket");
            if (attachedTo(resources, bucket, [BACKUP_TYPES.replication], "bucket", name).length === 0) {
                report(
                    bucket,
                    `${label(bucket)} keeps its objects in one region only. Fix: add an aws.s3.BucketReplicationConfig ` +
                        "to a versioned bucket in another region (on this platform: platform:storage replicates in prod).",
                );
            }
        }
    },
});

export const awsBackupPlanPolicies = [
    backupPlanCoversDatabase,
    backupPlanCopiesToSecondRegion,
    backupVaultLocked,
    s3ReplicatedToSecondRegion,
];
