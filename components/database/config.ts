import {
    AZURE_POSTGRES_STORAGE_GIB,
    POSTGRES_VERSIONS,
    awsBackupRegionPairs,
    catalog,
    isBurstableDatabaseSku,
} from "../shared/catalog";
import { SIZES } from "../shared/context";
import { Exactly, Infer, bool, int, key, obj, oneOf, str } from "../shared/schema";
import { CapabilityConfig, CheckContext, awsRegionCode, checkCloudWatchRetention } from "../shared/settings";
import type { AwsDatabaseOptions, AzureDatabaseOptions } from ".";

/**
 * `platform:database`: the PostgreSQL server's overrides (size, storage, engine version, log retention and
 * the per-cloud bags `aws` and `azure`) and the checks that concern the database: sizes and ranges the
 * selected cloud accepts, high availability only on a size that supports it, and cross-region backups that
 * can work. Composed with every other capability's by components/shared/config.ts.
 */

const awsDatabase = obj({
    instanceClass: str({
        pattern: /^db\.[a-z0-9]+\.[a-z0-9]+$/,
        allowed: 'an RDS instance class such as "db.r7g.large"',
    }),
    storageEncrypted: bool(),
    forceSsl: bool(),
    performanceInsights: bool(),
    crossRegionBackup: bool(),
    backupRegion: awsRegionCode(),
});
const azureDatabase = obj({
    skuName: str({
        pattern: /^Standard_[A-Z][A-Za-z0-9_]+$/,
        allowed: 'a flexible server SKU name such as "Standard_D4ds_v5"',
    }),
    geoRedundantBackup: bool(),
    requireSecureTransport: bool(),
});
const contractsMatch: [
    Exactly<Infer<typeof awsDatabase>, AwsDatabaseOptions>,
    Exactly<Infer<typeof azureDatabase>, AzureDatabaseOptions>,
] = [true, true];
void contractsMatch;

const databaseField = obj({
    size: oneOf(SIZES),
    storageGiB: int(20, 32767, "GiB"),
    maxStorageGiB: int(20, 65536, "GiB"),
    engineVersion: oneOf(POSTGRES_VERSIONS),
    logRetentionDays: int(1, 3653, "days"),
    aws: awsDatabase,
    azure: azureDatabase,
});

/** The validated `platform:database` object. */
export type DatabaseConfig = Infer<typeof databaseField>;

/** Azure Database for PostgreSQL flexible server keeps backups 7 to 35 days; AWS allows 0. */
function checkAzureBackupRetention(_db: DatabaseConfig, ctx: CheckContext): void {
    const { cloud, backupRetentionDays } = ctx.settings;
    if (cloud === "azure" && backupRetentionDays < 7) {
        ctx.report(
            "backupRetentionDays",
            backupRetentionDays,
            "a whole number from 7 to 35 days on Azure (Azure Database for PostgreSQL flexible server's range)",
            `Set platform:backupRetentionDays to at least 7`,
        );
    }
}

/** High availability needs a non-burstable class: Azure's zone-redundant HA rejects burstable SKUs. */
function checkHighAvailabilitySize(db: DatabaseConfig, ctx: CheckContext): void {
    const { cloud, highAvailability } = ctx.settings;
    const size = db.size ?? ctx.settings.size;
    const overridden = cloud === "aws" ? db.aws?.instanceClass : db.azure?.skuName;
    const sku = overridden ?? catalog.database[size][cloud];
    if (!highAvailability || !isBurstableDatabaseSku(sku)) return;
    ctx.report(
        overridden ? `database.${cloud}.${cloud === "aws" ? "instanceClass" : "skuName"}` : "highAvailability",
        overridden ?? true,
        `high availability only with a non-burstable database size: the database size is "${size}" (${sku}), a burstable class that Azure's zone-redundant HA rejects and that this program does not offer for HA on any cloud`,
        `Set platform:size (or "size" in platform:database) to "medium" or "large", or set platform:highAvailability to false`,
    );
}

/** Storage the cloud can allocate: Azure's fixed sizes, and an autoscaling ceiling above the allocation. */
function checkStorage(db: DatabaseConfig, ctx: CheckContext): void {
    const storageGiB = db.storageGiB ?? catalog.database[db.size ?? ctx.settings.size].storageGiB;
    if (ctx.settings.cloud === "azure" && !(AZURE_POSTGRES_STORAGE_GIB as readonly number[]).includes(storageGiB)) {
        ctx.report(
            "database.storageGiB",
            storageGiB,
            `one of ${AZURE_POSTGRES_STORAGE_GIB.join(", ")} GiB on Azure (the flexible server's storage sizes)`,
            `Set "storageGiB" in platform:database to one of those sizes.`,
        );
    }
    if (db.maxStorageGiB !== undefined && db.maxStorageGiB < storageGiB) {
        ctx.report(
            "database.maxStorageGiB",
            db.maxStorageGiB,
            `at least storageGiB (${storageGiB} GiB): autoscaling cannot shrink below the allocated storage`,
            `Raise "maxStorageGiB" or lower "storageGiB" in platform:database.`,
        );
    }
}

/** Whether RDS replicates this stack's automated backups to another region (high availability turns it on). */
function replicatesBackups(db: DatabaseConfig, ctx: CheckContext): boolean {
    return ctx.settings.cloud === "aws" && (db.aws?.crossRegionBackup ?? ctx.settings.highAvailability);
}

/** RDS replicates backups with a KMS key in the other region, so only encrypted storage can be replicated. */
function checkReplicatedBackupEncryption(db: DatabaseConfig, ctx: CheckContext): void {
    if (ctx.settings.cloud === "aws" && db.aws?.crossRegionBackup === true && db.aws.storageEncrypted === false) {
        ctx.report(
            "database.aws.crossRegionBackup",
            true,
            "crossRegionBackup only with encrypted storage (RDS replicates backups with a KMS key in the other region)",
            `Remove "storageEncrypted": false or "crossRegionBackup": true from the "aws" object of platform:database.`,
        );
    }
}

/** Replicated backups need at least one day of automated backups to replicate. */
function checkReplicatedBackupRetention(db: DatabaseConfig, ctx: CheckContext): void {
    if (replicatesBackups(db, ctx) && db.aws?.storageEncrypted !== false && ctx.settings.backupRetentionDays === 0) {
        ctx.report(
            "backupRetentionDays",
            0,
            "at least 1 day when backups are replicated to another region (high availability turns that on)",
            `Set platform:backupRetentionDays to 1 or more, or set "crossRegionBackup": false in the "aws" object of platform:database.`,
        );
    }
}

/** Replicated backups go to another region: the one given, or the stack region's default pair. */
function checkBackupRegion(db: DatabaseConfig, ctx: CheckContext): void {
    if (!replicatesBackups(db, ctx)) return;
    const { awsRegion } = ctx.settings;
    const backupRegion = db.aws?.backupRegion ?? awsBackupRegionPairs[awsRegion];
    if (!backupRegion || backupRegion === awsRegion) {
        ctx.report(
            "database.aws.backupRegion",
            backupRegion ?? null,
            `a region other than platform:awsRegion (${awsRegion}) to replicate backups to; ` +
                `${awsRegion} has no default pair (known: ${Object.keys(awsBackupRegionPairs).join(", ")})`,
            `Set "backupRegion" in the "aws" object of platform:database, or set "crossRegionBackup": false there.`,
        );
    }
}

export const DATABASE_CONFIG: CapabilityConfig<typeof databaseField> = {
    key: key(
        databaseField,
        {},
        "JSON: database overrides {size, storageGiB, maxStorageGiB, engineVersion, logRetentionDays, aws, azure}.",
    ),
    checks: [
        checkAzureBackupRetention,
        checkHighAvailabilitySize,
        checkStorage,
        checkReplicatedBackupEncryption,
        checkReplicatedBackupRetention,
        checkBackupRegion,
        (db, ctx) => checkCloudWatchRetention("database.logRetentionDays", db.logRetentionDays, ctx),
    ],
};
