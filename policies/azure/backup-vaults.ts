/**
 * Azure Backup (issue 15 item 6): the PostgreSQL flexible server is a Backup vault's protected instance
 * where required (staging and prod), and the vault is geo-redundant with cross-region restore and immutable
 * where required (prod). Sources: @pulumi/azure-native 3.28.0 dataprotection/backupVault.d.ts and
 * backupInstance.d.ts (`properties.dataSourceInfo.resourceID`);
 * https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept.
 */
import type { PolicyResource } from "@pulumi/policy";
import { label, ofTypes, peek, resourcePolicy, setting, stackPolicy } from "../lib/policy";
import { TYPES } from "../lib/shapes";

export const AZURE_BACKUP_TYPES = {
    vault: "azure-native:dataprotection:BackupVault",
    instance: "azure-native:dataprotection:BackupInstance",
} as const;

interface BackupVault {
    properties?: {
        storageSettings?: { datastoreType?: string; type?: string }[];
        featureSettings?: { crossRegionRestoreSettings?: { state?: string } };
        securitySettings?: { immutabilitySettings?: { state?: string } };
    };
}

/** Whether a backup instance protects the server: by a property dependency, or by its literal id. */
function protects(instance: PolicyResource, server: PolicyResource): boolean {
    if ((instance.propertyDependencies.properties ?? []).some((d) => d.urn === server.urn)) return true;
    // Read through peek: in a preview the id is unknown, and a plain read would make the whole rule skip.
    const id = peek(server.props as { id?: string }, "id");
    const properties = peek(
        instance.props as { properties?: { dataSourceInfo?: { resourceID?: string } } },
        "properties",
    );
    const info = typeof properties === "object" ? peek(properties, "dataSourceInfo") : undefined;
    const source = typeof info === "object" ? peek(info, "resourceID") : undefined;
    return typeof id === "string" && source === id;
}

export const backupCoversPostgres = stackPolicy({
    name: "azure-backup-covers-postgres",
    description: "Every PostgreSQL flexible server is protected by a Backup vault instance, where required.",
    severity: "high",
    settings: { required: setting.flag(false, "Require a dataprotection BackupInstance for each server.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("vaulted backups are not required in this environment");
        const instances = ofTypes(resources, [AZURE_BACKUP_TYPES.instance]);
        // A read replica (createMode "Replica") has no backups of its own: the primary's vaulted backups cover
        // its data (https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas).
        const primaries = ofTypes(resources, [TYPES.postgresServer]).filter(
            (server) => (server.props as { createMode?: string }).createMode !== "Replica",
        );
        for (const server of primaries) {
            if (!instances.some((i) => protects(i, server))) {
                report(
                    server,
                    `${label(server)} has no vaulted backup, so nothing outlives its 35 days of point-in-time restore. ` +
                        "Fix: add an azure-native.dataprotection.BackupInstance whose dataSourceInfo.resourceID is the " +
                        "server's id (on this platform: the Backup capability, components/backup).",
                );
            }
        }
    },
});

export const backupVaultGeoRedundant = resourcePolicy({
    name: "azure-backup-vault-geo-redundant",
    description: "Backup vaults store backups geo-redundantly with cross-region restore enabled, where required.",
    severity: "high",
    types: [AZURE_BACKUP_TYPES.vault],
    settings: { required: setting.flag(false, "Require GeoRedundant storage and cross-region restore.") },
    validate: (vault: BackupVault, { config, args, report }) => {
        if (!config.required) args.notApplicable("off-region copies are not required in this environment");
        const geo = (vault.properties?.storageSettings ?? []).some((s) => s.type === "GeoRedundant");
        const crr = vault.properties?.featureSettings?.crossRegionRestoreSettings?.state === "Enabled";
        if (!geo || !crr) {
            report(
                `The vault ${!geo ? "keeps backups in one region" : "cannot restore in the paired region"}. Fix: set ` +
                    'storageSettings [{datastoreType: "VaultStore", type: "GeoRedundant"}] and featureSettings.' +
                    'crossRegionRestoreSettings.state "Enabled" (on this platform: platform:backup.copyToBackupRegion: true).',
            );
        }
    },
});

export const backupVaultImmutable = resourcePolicy({
    name: "azure-backup-vault-immutable",
    description: "Backup vaults are immutable (recovery points cannot be deleted early), where required.",
    severity: "high",
    types: [AZURE_BACKUP_TYPES.vault],
    settings: { required: setting.flag(false, "Require immutability Unlocked or Locked.") },
    validate: (vault: BackupVault, { config, args, report }) => {
        if (!config.required) args.notApplicable("immutable vaults are not required in this environment");
        const state = vault.properties?.securitySettings?.immutabilitySettings?.state ?? "Disabled";
        if (state !== "Unlocked" && state !== "Locked") {
            report(
                `The vault's immutability is ${state}, so its recovery points can be deleted before they expire. Fix: set ` +
                    'securitySettings.immutabilitySettings.state "Unlocked" or "Locked" (on this platform: ' +
                    'platform:backup.vaultLock "governance" or "compliance").',
            );
        }
    },
});

export const azureBackupVaultPolicies = [backupCoversPostgres, backupVaultGeoRedundant, backupVaultImmutable];
