/**
 * Backups and resilience on Azure: PostgreSQL retention, geo-redundant backups and zone-redundant HA
 * where required, Redis persistence where required, blob versioning and soft delete, zone-redundant
 * storage where required, and `protect` on the resources that hold data.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    attachedTo,
    label,
    ofTypes,
    peek,
    resourcePolicy,
    setting,
    stackPolicy,
    dataResourcesProtected,
} from "../lib/policy";
import {
    BlobServiceProperties,
    ManagementLock,
    PostgresServer,
    RedisCluster,
    RedisDatabase,
    StorageAccount,
    StorageManagementPolicy,
    TYPES,
} from "../lib/shapes";

/** Read replicas are not backed up and fail over with their primary; the primary is judged instead. */
const REPLICA =
    "a read replica (createMode Replica) has no backups or standby of its own: its primary's are checked " +
    "(https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas)";

export const postgresBackupRetention = resourcePolicy({
    name: "azure-postgres-backup-retention",
    description: "PostgreSQL flexible servers keep backups for at least the configured number of days.",
    severity: "high",
    types: [TYPES.postgresServer],
    settings: {
        minimumRetentionDays: setting.days(7, "Fewest days of backups (the flexible server allows 7-35).", 35),
    },
    validate: (server: PostgresServer, { config, args, report }) => {
        if (server.createMode === "Replica") args.notApplicable(REPLICA);
        // The flexible server keeps 7 days when backupRetentionDays is not set.
        const days = server.backup?.backupRetentionDays ?? 7;
        if (days < config.minimumRetentionDays) {
            report(
                `Backups are kept ${days} day(s)${server.backup?.backupRetentionDays === undefined ? " (Azure default)" : ""}; ` +
                    `this environment requires at least ${config.minimumRetentionDays}. Fix: set backup.backupRetentionDays ` +
                    `to ${config.minimumRetentionDays} or more (on this platform: platform:backupRetentionDays).`,
            );
        }
    },
});

export const postgresGeoRedundantBackup = resourcePolicy({
    name: "azure-postgres-geo-redundant-backup",
    description: "PostgreSQL flexible servers store backups geo-redundantly where the environment requires it.",
    severity: "medium",
    types: [TYPES.postgresServer],
    settings: { required: setting.flag(false, "Require backup.geoRedundantBackup: Enabled.") },
    validate: (server: PostgresServer, { config, args, report }) => {
        if (!config.required) args.notApplicable("geo-redundant backups are not required in this environment");
        if (server.createMode === "Replica") args.notApplicable(REPLICA);
        if (server.backup?.geoRedundantBackup !== "Enabled") {
            report(
                `Geo-redundant backup is ${server.backup?.geoRedundantBackup ?? "not set (Disabled by default)"}; a regional ` +
                    'outage would take the backups with it. Fix: set backup.geoRedundantBackup: "Enabled" at creation ' +
                    '(on this platform: "geoRedundantBackup": true in the azure bag of platform:database).',
            );
        }
    },
});

export const postgresHighAvailability = resourcePolicy({
    name: "azure-postgres-high-availability",
    description: "PostgreSQL flexible servers run a zone-redundant standby where the environment requires it.",
    severity: "medium",
    types: [TYPES.postgresServer],
    settings: { required: setting.flag(false, "Require highAvailability.mode: ZoneRedundant.") },
    validate: (server: PostgresServer, { config, args, report }) => {
        if (!config.required) args.notApplicable("high availability is not required in this environment");
        if (server.createMode === "Replica") args.notApplicable(REPLICA);
        if (server.highAvailability?.mode !== "ZoneRedundant") {
            report(
                `High availability mode is ${server.highAvailability?.mode ?? "not set (Disabled)"}. Fix: set ` +
                    'highAvailability.mode: "ZoneRedundant" (on this platform: platform:highAvailability: true).',
            );
        }
    },
});

export const redisPersistence = resourcePolicy({
    name: "azure-redis-persistence",
    description: "Azure Managed Redis databases persist data (AOF or RDB) where the environment requires it.",
    severity: "medium",
    types: [TYPES.redisDatabase],
    settings: { required: setting.flag(false, "Require AOF or RDB persistence.") },
    validate: (database: RedisDatabase, { config, args, report }) => {
        if (!config.required) args.notApplicable("persistence is not required in this environment");
        const p = database.persistence;
        if (p?.aofEnabled !== true && p?.rdbEnabled !== true) {
            report(
                "The database does not persist data (no AOF or RDB; off by default), so a restart loses it. Fix: set " +
                    'persistence { aofEnabled: true } (on this platform: "persistence": "aof" in the azure bag of platform:cache).',
            );
        }
    },
});

/** The blob service settings of each storage account in the graph. */
function blobServicesOf(resources: readonly PolicyResource[], account: PolicyResource): PolicyResource[] {
    const name = peek(account.props as StorageAccount, "accountName");
    return attachedTo(resources, account, [TYPES.blobServiceProperties], "accountName", name);
}

export const blobVersioning = stackPolicy({
    name: "azure-blob-versioning",
    description:
        "Every storage account has BlobServiceProperties attached (their values: azure-blob-service-versioning, azure-blob-soft-delete).",
    severity: "medium",
    validate: ({ resources, report }) => {
        for (const account of ofTypes(resources, [TYPES.storageAccount])) {
            if (blobServicesOf(resources, account).length === 0) {
                report(
                    account,
                    `${label(account)} has no BlobServiceProperties, so blob versions and soft delete are off (Azure's ` +
                        "default). Fix: add BlobServiceProperties with isVersioningEnabled: true and delete retention " +
                        '(on this platform: remove "versioning": false from the azure bag of platform:storage).',
                );
            }
        }
    },
});

export const blobServiceVersioning = resourcePolicy({
    name: "azure-blob-service-versioning",
    description: "Blob services keep blob versions (isVersioningEnabled).",
    severity: "medium",
    types: [TYPES.blobServiceProperties],
    validate: (service: BlobServiceProperties, { report }) => {
        if (service.isVersioningEnabled !== true) {
            report(
                `isVersioningEnabled is ${service.isVersioningEnabled ?? "not set (off by default)"}, so an overwrite or ` +
                    "delete loses data. Fix: set isVersioningEnabled: true.",
            );
        }
    },
});

export const blobSoftDelete = resourcePolicy({
    name: "azure-blob-soft-delete",
    description: "Blob services soft-delete blobs and containers for at least the configured days.",
    severity: "medium",
    types: [TYPES.blobServiceProperties],
    settings: {
        minimumRetentionDays: setting.days(
            7,
            "Fewest days deleted blobs and containers are kept (Azure allows 1-365).",
            365,
        ),
    },
    validate: (service: BlobServiceProperties, { config, report }) => {
        // Both policies are off by default; enabled without days keeps 7.
        for (const key of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"] as const) {
            const policy = service[key];
            if (policy?.enabled !== true || (policy.days ?? 7) < config.minimumRetentionDays) {
                report(
                    `${key} is ${policy?.enabled === true ? `${policy.days ?? 7} day(s)` : "off or unset"}; this ` +
                        `environment keeps deleted data ${config.minimumRetentionDays}+ days. Fix: set ${key} ` +
                        `{ enabled: true, days: ${config.minimumRetentionDays} } or more.`,
                );
            }
        }
    },
});

export const blobVersionExpiry = resourcePolicy({
    name: "azure-blob-version-expiry",
    description: "Storage lifecycle rules keep previous blob versions for at least the configured number of days.",
    severity: "medium",
    types: [TYPES.storageManagementPolicy],
    settings: { minimumDays: setting.days(7, "Fewest days a previous blob version is kept before it is deleted.") },
    validate: (policy: StorageManagementPolicy, { config, report }) => {
        for (const rule of policy.policy?.rules ?? []) {
            const days = rule.definition?.actions?.version?.delete?.daysAfterCreationGreaterThan;
            if (rule.enabled !== false && typeof days === "number" && days < config.minimumDays) {
                report(
                    `A lifecycle rule deletes previous blob versions after ${days} day(s); this environment keeps them ` +
                        `${config.minimumDays}+ days. Fix: set version.delete.daysAfterCreationGreaterThan to ` +
                        `${config.minimumDays} or more.`,
                );
            }
        }
    },
});

export const storageZoneRedundant = resourcePolicy({
    name: "azure-storage-zone-redundant",
    description: "Storage accounts replicate across availability zones where the environment requires it.",
    severity: "medium",
    types: [TYPES.storageAccount],
    settings: { required: setting.flag(false, "Require a zone-redundant SKU (ZRS, GZRS or RA-GZRS).") },
    validate: (account: StorageAccount, { config, args, report }) => {
        if (!config.required) args.notApplicable("zone redundancy is not required in this environment");
        const sku = account.sku?.name ?? "";
        if (!/ZRS$/.test(sku)) {
            report(
                `The account's replication is ${sku || "not set"}, which does not survive a zone outage. Fix: use ` +
                    'Standard_ZRS, Standard_GZRS or Standard_RAGZRS (on this platform: "replication" in the azure bag ' +
                    "of platform:storage, or platform:highAvailability: true).",
            );
        }
    },
});

export const storageGeoRedundant = resourcePolicy({
    name: "azure-storage-geo-redundant",
    description: "Storage accounts replicate to the paired region (GRS, RA-GRS, GZRS, RA-GZRS) where required.",
    severity: "medium",
    types: [TYPES.storageAccount],
    settings: { required: setting.flag(false, "Require a geo-redundant SKU (the CKV_AZURE_206 control).") },
    validate: (account: StorageAccount, { config, args, report }) => {
        if (!config.required) args.notApplicable("geo-redundancy is not required in this environment");
        const sku = account.sku?.name ?? "";
        if (!/GR?S$|GZRS$/.test(sku) || /^Premium/.test(sku)) {
            report(
                `The account's replication is ${sku || "not set"}, which keeps no copy in the paired region. Fix: use ` +
                    "Standard_GZRS or Standard_RAGZRS (zone- and geo-redundant).",
            );
        }
    },
});

export const redisHighAvailability = resourcePolicy({
    name: "azure-redis-high-availability",
    description: "Azure Managed Redis clusters keep their replica (highAvailability not Disabled) where required.",
    severity: "medium",
    types: [TYPES.redisCluster],
    settings: { required: setting.flag(false, "Require highAvailability Enabled (the API's default).") },
    validate: (cluster: RedisCluster, { config, args, report }) => {
        if (!config.required) args.notApplicable("high availability is not required in this environment");
        // The API's default is Enabled (redisenterprise 2024-09-01-preview and later).
        if ((cluster.highAvailability ?? "Enabled") !== "Enabled") {
            report(
                `highAvailability is "${cluster.highAvailability}", so the cache has no replica. Fix: set ` +
                    'highAvailability: "Enabled" (or leave it unset; on this platform: platform:highAvailability: true).',
            );
        }
    },
});

/** Whether some CanNotDelete/ReadOnly lock of the graph covers `target` (its scope, or a parent scope). */
function lockedBy(resources: readonly PolicyResource[], target: PolicyResource): boolean {
    const id = peek(target.props as { id?: string }, "id");
    return ofTypes(resources, [TYPES.managementLock]).some((lock) => {
        const props = lock.props as ManagementLock;
        if (props.level !== "CanNotDelete" && props.level !== "ReadOnly") return false;
        if ((lock.propertyDependencies.scope ?? []).some((d) => d.urn === target.urn)) return true;
        const scope = peek(props, "scope");
        return typeof scope === "string" && typeof id === "string" && id.toLowerCase().startsWith(scope.toLowerCase());
    });
}

export const deleteLock = stackPolicy({
    name: "azure-delete-lock",
    description:
        "The data resources carry an Azure CanNotDelete lock (on them or their resource group) where required.",
    severity: "high",
    settings: {
        required: setting.flag(false, "Require a delete lock on the lockable data resources."),
        lockedTypes: setting.strings([TYPES.postgresServer], "Type tokens of the resources that need a lock."),
    },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("delete locks are not required in this environment");
        for (const target of ofTypes(resources, config.lockedTypes)) {
            if (!lockedBy(resources, target)) {
                report(
                    target,
                    `${label(target)} has no CanNotDelete lock, so anyone with delete rights (or a pipeline outside ` +
                        "Pulumi) can delete it. Fix: add an azure-native.authorization.ManagementLockByScope with level " +
                        '"CanNotDelete" and scope: resource.id (on this platform: platform:deletionProtection: true).',
                );
            }
        }
    },
});

/** The Azure resources that hold data. */
export const AZURE_DATA_RESOURCE_TYPES = [
    TYPES.postgresServer,
    TYPES.redisCluster,
    TYPES.redisDatabase,
    TYPES.storageAccount,
];

export const azureDataResourcesProtected = dataResourcesProtected("azure", AZURE_DATA_RESOURCE_TYPES);

export const azureBackupPolicies = [
    postgresBackupRetention,
    postgresGeoRedundantBackup,
    postgresHighAvailability,
    redisPersistence,
    blobVersioning,
    blobServiceVersioning,
    blobSoftDelete,
    blobVersionExpiry,
    storageZoneRedundant,
    storageGeoRedundant,
    redisHighAvailability,
    deleteLock,
    azureDataResourcesProtected,
];
