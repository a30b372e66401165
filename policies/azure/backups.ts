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
import { BlobServiceProperties, PostgresServer, RedisDatabase, StorageAccount, TYPES } from "../lib/shapes";

export const postgresBackupRetention = resourcePolicy({
    name: "azure-postgres-backup-retention",
    description: "PostgreSQL flexible servers keep backups for at least the configured number of days.",
    severity: "high",
    types: [TYPES.postgresServer],
    settings: {
        minimumRetentionDays: setting.days(7, "Fewest days of backups (the flexible server allows 7-35).", 35),
    },
    validate: (server: PostgresServer, { config, report }) => {
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
    description: "Every storage account keeps blob versions (blob service isVersioningEnabled).",
    severity: "medium",
    validate: ({ resources, report }) => {
        for (const account of ofTypes(resources, [TYPES.storageAccount])) {
            const services = blobServicesOf(resources, account);
            if (!services.some((s) => (s.props as BlobServiceProperties).isVersioningEnabled === true)) {
                report(
                    services[0] ?? account,
                    `${label(account)} does not keep blob versions (${
                        services.length === 0 ? "no BlobServiceProperties" : "isVersioningEnabled not true"
                    }; off by default). Fix: add BlobServiceProperties with isVersioningEnabled: true (on this ` +
                        'platform: remove "versioning": false from the azure bag of platform:storage).',
                );
            }
        }
    },
});

export const blobSoftDelete = stackPolicy({
    name: "azure-blob-soft-delete",
    description: "Every storage account soft-deletes blobs and containers for at least the configured days.",
    severity: "medium",
    settings: {
        minimumRetentionDays: setting.days(
            7,
            "Fewest days deleted blobs and containers are kept (Azure allows 1-365).",
            365,
        ),
    },
    validate: ({ resources, config, report }) => {
        for (const account of ofTypes(resources, [TYPES.storageAccount])) {
            const services = blobServicesOf(resources, account);
            const ok = (policy: { enabled?: boolean; days?: number } | undefined) =>
                policy?.enabled === true && (policy.days ?? 7) >= config.minimumRetentionDays;
            const good = services.some((s) => {
                const props = s.props as BlobServiceProperties;
                return ok(props.deleteRetentionPolicy) && ok(props.containerDeleteRetentionPolicy);
            });
            if (!good) {
                report(
                    services[0] ?? account,
                    `${label(account)} does not soft-delete both blobs and containers for ${config.minimumRetentionDays}+ ` +
                        `days (${services.length === 0 ? "no BlobServiceProperties" : "a retention policy is off, unset or short"}; ` +
                        "off by default). Fix: set deleteRetentionPolicy and containerDeleteRetentionPolicy " +
                        `{ enabled: true, days: ${config.minimumRetentionDays} } or more.`,
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
    blobSoftDelete,
    storageZoneRedundant,
    azureDataResourcesProtected,
];
