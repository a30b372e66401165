import * as pulumi from "@pulumi/pulumi";
import { CapabilityComponent, Environment, PlatformContext } from "../shared/context";

/**
 * How a vault refuses changes. `governance`: recovery points cannot be deleted early and retention cannot
 * be shortened, except by someone allowed to remove the lock (AWS: `backup:DeleteBackupVaultLockConfiguration`;
 * Azure: immutability "Unlocked", which an owner can turn off). `compliance`: nobody, not even the account's
 * root, can delete a recovery point before its retention ends or remove the lock once the grace period is
 * over (AWS: `changeableForDays`, at least 3; Azure: immutability "Locked" and soft delete "AlwaysOn", both
 * irreversible). Sources: https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html,
 * https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept.
 */
export const VAULT_LOCK_MODES = ["none", "governance", "compliance"] as const;
export type VaultLockMode = (typeof VAULT_LOCK_MODES)[number];

/** Days a compliance lock can still be removed after it is set (AWS enforces at least 3: a 72-hour cool-off). */
export const COMPLIANCE_GRACE_DAYS = 3;

/** What the backup protects: the database and the object storage, by their cloud resource ids. */
export interface BackupTargets {
    /** The database's resource id (RDS instance ARN / flexible server id). */
    readonly databaseId: pulumi.Input<string>;
    /** The object store's resource id (bucket ARN / storage account id). */
    readonly storageId: pulumi.Input<string>;
    /** The bucket / blob container name (Azure's vaulted blob backup names the containers it protects). */
    readonly storageContainer: pulumi.Input<string>;
}

/** Neutral arguments of the Backup capability: scheduled, retained, optionally locked and copied off-region. */
export interface BackupArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** What is backed up. */
    readonly targets: BackupTargets;
    /**
     * Days each daily backup is kept.
     * @default 7 in staging and prod (the seeds' "7 daily"), 3 in dev
     */
    readonly dailyRetentionDays?: number;
    /**
     * Weeks each weekly backup (Sunday) is kept; 0 takes no weekly backup.
     * @default 4 in staging and prod (the seeds' "4 weekly"), 0 in dev
     */
    readonly weeklyRetentionWeeks?: number;
    /**
     * Months each monthly backup (the 1st) is kept; 0 takes no monthly backup.
     * @default 3 in prod (the seeds' "3 monthly"), 1 in staging, 0 in dev
     */
    readonly monthlyRetentionMonths?: number;
    /**
     * Copy every backup to a second region (AWS: a copy action to a vault in `backupRegion`; Azure: a
     * geo-redundant vault with cross-region restore to the paired region).
     * @default true in prod, otherwise false
     */
    readonly copyToBackupRegion?: boolean;
    /**
     * The vault lock (see {@link VAULT_LOCK_MODES}).
     * @default "governance" in prod, otherwise "none"
     */
    readonly vaultLock?: VaultLockMode;
    /**
     * AWS: the region backups are copied to. Resolved by the platform (platform:backup.aws.backupRegion, else
     * the database's backupRegion, else the pair in shared/catalog.ts awsBackupRegionPairs).
     * @default required on AWS when copyToBackupRegion is on
     */
    readonly backupRegion?: string;
}

/** The outputs every Backup has, on every cloud. */
export interface BackupOutputs {
    /** The primary vault's resource id (vault ARN / Backup vault id). */
    readonly vaultId: pulumi.Output<string>;
    /** The primary vault's name (for restore commands). */
    readonly vaultName: pulumi.Output<string>;
    /** Regions holding a copy of every backup besides the stack's own (empty when not copied). */
    readonly copyRegions: pulumi.Output<string[]>;
    /** The resource ids the plan protects. */
    readonly protectedResourceIds: pulumi.Output<string[]>;
    /** The vault lock mode in force. */
    readonly vaultLock: pulumi.Output<VaultLockMode>;
    /** Retention of the daily, weekly and monthly backups, in days. */
    readonly retentionDays: pulumi.Output<{ daily: number; weekly: number; monthly: number }>;
}

/** The per-environment defaults (the seeds' 7 daily / 4 weekly / 3 monthly in prod; shorter elsewhere). */
export const BACKUP_DEFAULTS: Record<
    Environment,
    { daily: number; weekly: number; monthly: number; copy: boolean; lock: VaultLockMode }
> = {
    dev: { daily: 3, weekly: 0, monthly: 0, copy: false, lock: "none" },
    staging: { daily: 7, weekly: 4, monthly: 1, copy: false, lock: "none" },
    prod: { daily: 7, weekly: 4, monthly: 3, copy: true, lock: "governance" },
};

/** Days a weekly and a monthly backup are kept per week / month of retention (a month counted as 31 days). */
export const DAYS_PER_WEEK = 7;
export const DAYS_PER_MONTH = 31;

/** The neutral settings with their defaults applied, in one place for every cloud. */
export function backupSettings(args: BackupArgs) {
    const d = BACKUP_DEFAULTS[args.context.environment];
    const weeks = args.weeklyRetentionWeeks ?? d.weekly;
    const months = args.monthlyRetentionMonths ?? d.monthly;
    return {
        dailyDays: args.dailyRetentionDays ?? d.daily,
        weeklyDays: weeks * DAYS_PER_WEEK,
        monthlyDays: months * DAYS_PER_MONTH,
        weeks,
        months,
        copy: args.copyToBackupRegion ?? d.copy,
        lock: args.vaultLock ?? d.lock,
    };
}

export type BackupSettings = ReturnType<typeof backupSettings>;

/** Vault lock bounds: at least the shortest rule's retention, at most a year above the longest (room to grow). */
export function lockRetentionBounds(s: BackupSettings): { minDays: number; maxDays: number } {
    return { minDays: s.dailyDays, maxDays: Math.max(s.dailyDays, s.weeklyDays, s.monthlyDays) + 365 };
}

export type BackupImplementation = (name: string, args: BackupArgs, parent: pulumi.Resource) => BackupOutputs;

/**
 * Scheduled backups of the database and the object storage with daily, weekly and monthly retention, in
 * a vault encrypted with a customer key, locked in prod and copied to a second region in prod.
 */
export class Backup extends CapabilityComponent<BackupArgs, BackupOutputs> implements BackupOutputs {
    declare public readonly vaultId: pulumi.Output<string>;
    declare public readonly vaultName: pulumi.Output<string>;
    declare public readonly copyRegions: pulumi.Output<string[]>;
    declare public readonly protectedResourceIds: pulumi.Output<string[]>;
    declare public readonly vaultLock: pulumi.Output<VaultLockMode>;
    declare public readonly retentionDays: pulumi.Output<{ daily: number; weekly: number; monthly: number }>;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:backup:Backup",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsBackup,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureBackup,
            },
            opts,
        );
    }
}
