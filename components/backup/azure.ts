import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import type * as inputs from "@pulumi/azure-native/types/input";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";
import { pairedRegion } from "../shared/facts/azure-regions";
import { BackupArgs, BackupOutputs, BackupSettings, backupSettings } from ".";

/**
 * Built-in roles the Backup vault's identity needs, by definition id (the same in every subscription).
 * Sources: the Az.DataProtection manifests (AzureDatabaseForPGFlexServer.json: datasourcePermissions "PostgreSQL
 * Flexible Server Long Term Retention Backup Role" on the server, datasourceRGPermissions "Reader" on its
 * resource group; https://www.powershellgallery.com/packages/Az.DataProtection/3.1.1), and
 * https://learn.microsoft.com/azure/backup/blob-backup-configure-manage ("Storage Account Backup Contributor"
 * on the storage account); ids from https://learn.microsoft.com/azure/role-based-access-control/built-in-roles.
 */
export const BACKUP_VAULT_ROLES = {
    postgresLongTermRetention: "c088a766-074b-43ba-90d4-1fb21feae531",
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    storageAccountBackupContributor: "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1",
} as const;

/** The data source types of the two backups (ARM resource types as Azure Backup names them). */
export const DATASOURCE_TYPES = {
    postgres: "Microsoft.DBforPostgreSQL/flexibleServers",
    blobs: "Microsoft.Storage/storageAccounts/blobServices",
} as const;

/**
 * An Azure Backup vault (Microsoft.DataProtection) with a system identity: vaulted backups of the PostgreSQL
 * flexible server (long-term retention beyond the server's own 35 days of PITR) and of the blob container,
 * each on a policy with daily, weekly and monthly retention. In prod the vault is geo-redundant with
 * cross-region restore (the paired region) and immutable; soft delete keeps deleted backups 14 days.
 *
 * Azure Backup for PostgreSQL flexible server is GA in some regions and in preview in the others
 * (https://learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-support-matrix); the vault
 * must be in the server's region, which it is. The server's own automated backups (PITR, geo-redundant when
 * highly available; components/database/azure.ts) stay as they are.
 */
export function createAzureBackup(name: string, args: BackupArgs, parent: pulumi.Resource): BackupOutputs {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const settings = backupSettings(args);
    const stateful = { parent, ...statefulOptions(context) };
    const vault = backupVault(name, context, settings, stateful);
    const principalId = vault.identity.apply((i) => i?.principalId ?? "");
    const grants = vaultRoles(name, context, principalId, args.targets, { parent });
    const postgres = new dataprotection.BackupPolicy(
        `${name}-postgres-policy`,
        { resourceGroupName, vaultName: vault.name, properties: policy(DATASOURCE_TYPES.postgres, settings) },
        { parent },
    );
    const blobs = new dataprotection.BackupPolicy(
        `${name}-blob-policy`,
        { resourceGroupName, vaultName: vault.name, properties: policy(DATASOURCE_TYPES.blobs, settings) },
        { parent },
    );
    const instances = { resourceGroupName, vault, location, grants: grants.all, parent };
    backupInstance(`${name}-postgres`, instances, postgresSource(args.targets.databaseId, location), postgres);
    backupInstance(`${name}-blobs`, instances, blobSource(args.targets.storageId, location), blobs, {
        backupDatasourceParametersList: [
            { objectType: "BlobBackupDatasourceParameters", containersList: [args.targets.storageContainer] },
        ],
    });
    const paired = pairedRegion(location);
    return {
        vaultId: vault.id,
        vaultName: vault.name,
        copyRegions: pulumi.output(settings.copy && paired ? [paired] : []),
        protectedResourceIds: pulumi.output([args.targets.databaseId, args.targets.storageId]),
        vaultLock: pulumi.output(settings.lock),
        retentionDays: pulumi.output({
            daily: settings.dailyDays,
            weekly: settings.weeklyDays,
            monthly: settings.monthlyDays,
        }),
    };
}

/**
 * The vault: GeoRedundant storage with cross-region restore when copying (the paired region; the redundancy
 * cannot change once a backup is protected), else zone- or locally-redundant; immutability "Unlocked"
 * (governance: can be turned off) or "Locked" (compliance: irreversible), soft delete for 14 days ("AlwaysOn",
 * irreversible, with a compliance lock). Source: @pulumi/azure-native 3.28.0 dataprotection/backupVault.d.ts,
 * types/input.d.ts dataprotection.BackupVaultArgs / SecuritySettingsArgs / FeatureSettingsArgs;
 * https://learn.microsoft.com/azure/backup/backup-vault-overview (cross-region restore needs GeoRedundant).
 */
function backupVault(
    name: string,
    context: PlatformContext,
    s: BackupSettings,
    opts: pulumi.CustomResourceOptions,
): dataprotection.BackupVault {
    const { resourceGroupName, location } = azurePlacement(context);
    const immutability = { none: "Disabled", governance: "Unlocked", compliance: "Locked" }[s.lock];
    return new dataprotection.BackupVault(
        `${name}-vault`,
        {
            resourceGroupName,
            location,
            identity: { type: "SystemAssigned" },
            properties: {
                storageSettings: [{ datastoreType: "VaultStore", type: s.copy ? "GeoRedundant" : "LocallyRedundant" }],
                featureSettings: s.copy ? { crossRegionRestoreSettings: { state: "Enabled" } } : undefined,
                securitySettings: {
                    immutabilitySettings: { state: immutability },
                    softDeleteSettings: {
                        state: s.lock === "compliance" ? "AlwaysOn" : "On",
                        retentionDurationInDays: 14,
                    },
                },
            },
            tags: context.tags,
        },
        opts,
    );
}

/** The vault identity's roles: LTR backup on the server, Reader on its group, backup on the storage account. */
function vaultRoles(
    name: string,
    context: PlatformContext,
    principalId: pulumi.Output<string>,
    targets: BackupArgs["targets"],
    opts: pulumi.CustomResourceOptions,
) {
    const { subscriptionId, resourceGroupName } = azurePlacement(context);
    const role = (id: string) =>
        pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
    const assign = (suffix: string, scope: pulumi.Input<string>, id: string) =>
        new authorization.RoleAssignment(
            `${name}-${suffix}`,
            { principalId, principalType: "ServicePrincipal", roleDefinitionId: role(id), scope },
            opts,
        );
    const group = pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;
    const all = [
        assign("postgres-ltr-role", targets.databaseId, BACKUP_VAULT_ROLES.postgresLongTermRetention),
        assign("postgres-group-reader", group, BACKUP_VAULT_ROLES.reader),
        assign("storage-backup-role", targets.storageId, BACKUP_VAULT_ROLES.storageAccountBackupContributor),
    ];
    return { all };
}

/**
 * A backup policy of the vault store: a daily backup at 05:00 UTC tagged Default (kept `dailyDays`), the
 * first of each week tagged Weekly and the first of each month tagged Monthly (kept their weeks and months);
 * a tag with 0 retention is left out. PostgreSQL vaulted policies take the retention tags Weekly, Monthly and
 * Yearly and the Daily or Weekly frequency (Az.DataProtection AzureDatabaseForPGFlexServer.json
 * policySettings); blobs take the same schedule. Source: @pulumi/azure-native 3.28.0 types/input.d.ts
 * dataprotection.BackupPolicyArgs, AzureBackupRuleArgs, AzureRetentionRuleArgs, TaggingCriteriaArgs.
 */
export function policy(datasourceType: string, s: BackupSettings): inputs.dataprotection.BackupPolicyArgs {
    const store = { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" };
    const tags = [
        { tagName: "Weekly", duration: `P${s.weeks}W`, absolute: "FirstOfWeek", priority: 20, keep: s.weeks > 0 },
        { tagName: "Monthly", duration: `P${s.months}M`, absolute: "FirstOfMonth", priority: 15, keep: s.months > 0 },
    ].filter((t) => t.keep);
    const retention = (ruleName: string, duration: string, isDefault: boolean) => ({
        objectType: "AzureRetentionRule" as const,
        name: ruleName,
        isDefault,
        lifecycles: [
            { deleteAfter: { objectType: "AbsoluteDeleteOption" as const, duration }, sourceDataStore: store },
        ],
    });
    return {
        objectType: "BackupPolicy",
        datasourceTypes: [datasourceType],
        policyRules: [
            {
                objectType: "AzureBackupRule",
                name: "BackupDaily",
                dataStore: store,
                backupParameters: { objectType: "AzureBackupParams", backupType: "Full" },
                trigger: {
                    objectType: "ScheduleBasedTriggerContext",
                    schedule: { repeatingTimeIntervals: ["R/2026-12-01T05:00:00+00:00/P1D"], timeZone: "UTC" },
                    taggingCriteria: [
                        { isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } },
                        ...tags.map((t) => ({
                            isDefault: false,
                            taggingPriority: t.priority,
                            tagInfo: { tagName: t.tagName },
                            criteria: [
                                { objectType: "ScheduleBasedBackupCriteria" as const, absoluteCriteria: [t.absolute] },
                            ],
                        })),
                    ],
                },
            },
            retention("Default", `P${s.dailyDays}D`, true),
            ...tags.map((t) => retention(t.tagName, t.duration, false)),
        ],
    };
}

/** What a backup instance is made in: the vault, its location, the role grants it waits for. */
interface InstanceParts {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly vault: dataprotection.BackupVault;
    readonly location: string;
    readonly grants: pulumi.Resource[];
    readonly parent: pulumi.Resource;
}

/** The data source of the flexible server. */
function postgresSource(serverId: pulumi.Input<string>, location: string): inputs.dataprotection.DatasourceArgs {
    return {
        objectType: "Datasource",
        datasourceType: DATASOURCE_TYPES.postgres,
        resourceType: DATASOURCE_TYPES.postgres,
        resourceID: serverId,
        resourceUri: serverId,
        resourceName: pulumi.output(serverId).apply((id) => id.split("/").pop() ?? ""),
        resourceLocation: location,
    };
}

/** The data source of the storage account's blobs. */
function blobSource(accountId: pulumi.Input<string>, location: string): inputs.dataprotection.DatasourceArgs {
    return {
        objectType: "Datasource",
        datasourceType: DATASOURCE_TYPES.blobs,
        resourceType: "Microsoft.Storage/storageAccounts",
        resourceID: accountId,
        resourceUri: accountId,
        resourceName: pulumi.output(accountId).apply((id) => id.split("/").pop() ?? ""),
        resourceLocation: location,
    };
}

/**
 * A protected item. It waits for the vault identity's role assignments: Azure Backup validates its access
 * when the instance is created. Source: @pulumi/azure-native 3.28.0 dataprotection/backupInstance.d.ts.
 */
function backupInstance(
    name: string,
    parts: InstanceParts,
    dataSourceInfo: inputs.dataprotection.DatasourceArgs,
    backupPolicy: dataprotection.BackupPolicy,
    policyParameters?: inputs.dataprotection.PolicyParametersArgs,
): dataprotection.BackupInstance {
    const { resourceGroupName } = parts;
    return new dataprotection.BackupInstance(
        `${name}-instance`,
        {
            resourceGroupName,
            vaultName: parts.vault.name,
            properties: {
                objectType: "BackupInstance",
                dataSourceInfo,
                policyInfo: { policyId: backupPolicy.id, policyParameters },
            },
        },
        { parent: parts.parent, dependsOn: parts.grants },
    );
}
