import { Infer, bool, int, key, obj, oneOf } from "../shared/schema";
import { CapabilityConfig, CheckContext, awsRegionCode } from "../shared/settings";
import { VAULT_LOCK_MODES } from ".";

/**
 * `platform:backup`: the backup plan's overrides (retention of the daily, weekly and monthly backups, the
 * copy to a second region, the vault lock, and on AWS the region copies go to). Unset, each environment's
 * defaults apply (components/backup/index.ts BACKUP_DEFAULTS). Composed with every other capability's by
 * components/shared/config.ts.
 */

const backupField = obj({
    // AWS Backup accepts any number of days; Azure's PostgreSQL and blob vaulted policies keep a default
    // (daily) recovery point at least 1 day. 35 matches the native backups' ceiling, beyond which weekly
    // and monthly backups are the cheaper way to keep history.
    dailyRetentionDays: int(1, 35, "days"),
    weeklyRetentionWeeks: int(0, 52, "weeks"),
    monthlyRetentionMonths: int(0, 120, "months"),
    copyToBackupRegion: bool(),
    vaultLock: oneOf(VAULT_LOCK_MODES),
    aws: obj({ backupRegion: awsRegionCode() }),
    // Velero's cluster backups on these schedules (components/workloads/backup). Default: on in staging and
    // prod, off in dev (dev clusters are rebuilt from this program and hold no state of their own).
    velero: bool(),
});

/** The validated `platform:backup` object. */
export type BackupConfig = Infer<typeof backupField>;

/** A copy in the stack's own region is no off-site copy: the region must differ. */
function checkBackupRegion(own: BackupConfig, ctx: CheckContext): void {
    const region = own.aws?.backupRegion;
    if (ctx.settings.cloud !== "aws" || region === undefined || region !== ctx.settings.awsRegion) return;
    ctx.report(
        "backup.aws.backupRegion",
        region,
        `an AWS region other than the stack's own (${ctx.settings.awsRegion})`,
        "Pick a second region (e.g. the pair in components/shared/catalog.ts awsBackupRegionPairs), or remove the key for the default.",
    );
}

/** A compliance lock is irreversible after its grace period: never in dev, where stacks come and go. */
function checkComplianceLock(own: BackupConfig, ctx: CheckContext): void {
    if (own.vaultLock !== "compliance" || ctx.settings.environment !== "dev") return;
    ctx.report(
        "backup.vaultLock",
        own.vaultLock,
        '"none" or "governance" in dev (a compliance lock cannot be removed once its grace period ends)',
        'Use "governance" in dev, or set compliance only in staging or prod.',
    );
}

export const BACKUP_CONFIG: CapabilityConfig<typeof backupField> = {
    key: key(
        backupField,
        {},
        "JSON: backup overrides {dailyRetentionDays, weeklyRetentionWeeks, monthlyRetentionMonths, copyToBackupRegion, vaultLock, aws: {backupRegion}, velero}.",
    ),
    checks: [checkBackupRegion, checkComplianceLock],
};
