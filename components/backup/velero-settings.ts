import { BackupArgs, BackupSettings, backupSettings } from ".";
import { PlatformContext } from "../shared/context";

/** The retention overrides of `platform:backup` that Velero's schedules follow. */
export type RetentionOverrides = Pick<
    BackupArgs,
    "dailyRetentionDays" | "weeklyRetentionWeeks" | "monthlyRetentionMonths" | "copyToBackupRegion" | "vaultLock"
>;

/** No targets: the retention settings do not depend on what is backed up. */
const NO_TARGETS = { databaseId: "", storageId: "", storageContainer: "" };

/**
 * The backup plan's settings (the same per-environment defaults, components/backup/index.ts BACKUP_DEFAULTS,
 * and the same overrides) for a consumer that has no targets of its own: Velero's schedules take the database
 * plan's daily, weekly and monthly retentions instead of a second table of them.
 */
export function retentionSettings(context: PlatformContext, overrides: RetentionOverrides): BackupSettings {
    return backupSettings({ context, targets: NO_TARGETS, ...overrides });
}
